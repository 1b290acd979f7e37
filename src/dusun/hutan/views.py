"""Forest and carbon pages. Views only orchestrate: reads from `selectors`, writes from `services`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dusun.akun.audit import Action, log_access
from dusun.akun.scope import can_edit, can_view_personal
from dusun.ruang.models import LegendClass
from dusun.warga import selectors as warga_selectors
from dusun.wilayah.models import Level, Wilayah

from . import charts, selectors, services, tasks
from .change import ChangeError
from .forms import (
    AllocationForm,
    BeneficiaryForm,
    CorrectionForm,
    FactorForm,
    PaymentForm,
    SpendingForm,
    ThresholdForm,
    UnlinkForm,
    allocation_label,
)
from .models import AlertThreshold, Allocation, Beneficiary, ChangeRun, Scheme, Spending


def _area(kode: str, level: Level) -> Wilayah:
    area = Wilayah.objects.filter(kode=kode, level=level).select_related("parent").first()
    if area is None:
        raise Http404
    return area


def _carbon(matrix):
    table = selectors.default_table()
    if table is None:
        return None, None
    try:
        return selectors.carbon(matrix, table), None
    except selectors.CarbonError as error:
        return None, error.message


def _pair(request, area):
    return selectors.snapshot_pair(area, request.GET.get("dari"), request.GET.get("ke"))


@require_GET
def village(request: HttpRequest, kode: str) -> HttpResponse:
    village = _area(kode, Level.DESA)
    context = {"village": village, "kecamatan": village.parent, "schemes": selectors.schemes_of(village)}
    try:
        first, last = _pair(request, village)
        matrix = selectors.village_matrix(village, first, last)
        features = selectors.change_features(village, first, last)
    except ChangeError as error:
        context["error"] = error.message
        return render(request, "hutan/village.html", context, status=400 if "dari" in request.GET else 200)
    carbon, carbon_error = _carbon(matrix)
    context |= {
        "matrix": matrix,
        "chart": charts.class_pairs(matrix),
        "carbon": carbon,
        "carbon_error": carbon_error,
        "loss_in_managed": features.loss_in_managed,
        "change_count": len(features.geojson["features"]),
        "reports": selectors.forest_reports(village),
        "thresholds": selectors.alert_thresholds(),
        "map_config": {
            "url": request.path + "perubahan.geojson?" + request.GET.urlencode(),
            "managed_url": reverse("hutan:village-managed", args=[village.kode]),
            "bounds": village.geom.extent if village.geom else None,
        },
    }
    return render(request, "hutan/village.html", context)


@require_GET
def village_geojson(request: HttpRequest, kode: str) -> HttpResponse:
    village = _area(kode, Level.DESA)
    try:
        first, last = _pair(request, village)
        features = selectors.change_features(village, first, last)
    except ChangeError as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse(features.geojson)


@require_GET
def village_managed_geojson(request: HttpRequest, kode: str) -> HttpResponse:
    """Outlines of the managed areas of the village (public, like ruang's "kawasan" layer)."""
    return JsonResponse(selectors.managed_outlines(_area(kode, Level.DESA)))


def _area_page(request: HttpRequest, area: Wilayah) -> HttpResponse:
    context = {"area": area, "thresholds": selectors.alert_thresholds()}
    try:
        first, last = _pair(request, area)
        matrix, run = selectors.area_matrix(area, first, last)
    except ChangeError as error:
        context["error"] = error.message
        return render(request, "hutan/area.html", context, status=400 if "dari" in request.GET else 200)
    if matrix is None:
        tasks.queue(run)
        run.refresh_from_db()
        if run.status == ChangeRun.Status.DONE:  # the immediate backend (tests, or a fast worker)
            matrix, run = selectors.area_matrix(area, first, last)
    context["run"] = run
    if matrix is not None:
        carbon, carbon_error = _carbon(matrix)
        context |= {
            "matrix": matrix,
            "chart": charts.class_pairs(matrix),
            "carbon": carbon,
            "carbon_error": carbon_error,
            "villages": selectors.village_rows(area, run),
        }
    return render(request, "hutan/area.html", context)


@require_GET
def kabupaten(request: HttpRequest) -> HttpResponse:
    return _area_page(request, services.kabupaten())


@require_GET
def kecamatan(request: HttpRequest, kode: str) -> HttpResponse:
    return _area_page(request, _area(kode, Level.KECAMATAN))


@require_GET
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ChangeRun, pk=pk)
    response = render(request, "hutan/_run_status.html", {"run": run})
    if run.status == ChangeRun.Status.DONE:
        response["HX-Refresh"] = "true"
    return response


@require_http_methods(["GET", "POST"])
def factors(request: HttpRequest) -> HttpResponse:
    table = selectors.default_table()
    if table is None:
        raise Http404
    editable = request.user.is_authenticated and can_edit(request.user, services.kabupaten())
    form = FactorForm(table, request.POST or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                edit = services.set_factor(
                    request.user,
                    table,
                    form.cleaned_data["klass"],
                    form.cleaned_data["tc_ha"],
                    form.cleaned_data["note"],
                )
            except services.LedgerError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Faktor %(kelas)s disimpan: %(v)s tC/ha (tabel versi %(n)s).")
                    % {"kelas": edit.klass.name_id, "v": edit.new_tc_ha, "n": edit.version},
                )
                return redirect("hutan:factors")
    factors = table.factors.select_related("klass")
    missing = LegendClass.objects.filter(legend=table.legend).exclude(pk__in=factors.values("klass"))
    return render(
        request,
        "hutan/factors.html",
        {
            "table": table,
            "factors": factors,
            "missing": missing,
            "edits": table.edits.select_related("klass", "user")[:50],
            "form": form if editable else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def scheme_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    scheme = get_object_or_404(Scheme, slug=slug)
    manage = request.user.is_authenticated and can_edit(request.user, services.kabupaten())
    return render(
        request,
        "hutan/ledger.html",
        {
            "scheme": scheme,
            "summary": selectors.ledger(scheme),
            "village": None,
            "manage_url": reverse("hutan:scheme-manage", args=[scheme.slug]) if manage else None,
        },
    )


@require_GET
def village_ledger(request: HttpRequest, kode: str) -> HttpResponse:
    village = _area(kode, Level.DESA)
    schemes = selectors.schemes_of(village)
    if not schemes:
        raise Http404
    scheme = schemes[0]
    user = request.user
    manage = user.is_authenticated and can_edit(user, village) and can_view_personal(user, village)
    return render(
        request,
        "hutan/ledger.html",
        {
            "scheme": scheme,
            "summary": selectors.ledger(scheme, village),
            "village": village,
            "manage_url": reverse("hutan:village-manage", args=[village.kode]) if manage else None,
        },
    )


# ---------------------------------------------------------------------------------------------------------
# Ledger entry screens. The kabupaten admin records receipts, allocations and their corrections per scheme;
# a village's operator records the village's use of its allocations and links beneficiary households from
# its own census. Forms post with htmx (the section is swapped in place) and work without JavaScript too.
# ---------------------------------------------------------------------------------------------------------


def _posted_action(request: HttpRequest) -> str:
    for key, value in request.POST.items():
        if key.endswith("-aksi"):
            return value
    return ""


def _respond(request, template: str, partial: str, context: dict, *, failed: bool, done: str | None, url: str):
    """htmx: the section again (status 200 so htmx swaps it, with the errors or the confirmation); without
    htmx: redirect after a write, the page with the errors (400) otherwise."""
    if request.htmx:
        return render(request, partial, context | {"done": done})
    if done and not failed:
        messages.success(request, done)
        return redirect(url)
    return render(request, template, context, status=400 if failed else 200)


def _scheme_forms(scheme: Scheme, data=None) -> dict:
    def payment_label(p):
        return f"{p.year} · {p.buyer} · Rp {services.rupiah(p.amount_rp)}"

    def allocation_label(a):
        return f"{a.payment.year} · {a.dusun.nama} · {a.get_purpose_display()} · Rp {services.rupiah(a.amount_rp)}"

    allocations = Allocation.objects.filter(payment__scheme=scheme).select_related("payment", "dusun")
    return {
        "penerimaan": PaymentForm(data),
        "alokasi": AllocationForm(scheme, data),
        "koreksi-penerimaan": CorrectionForm("koreksi-penerimaan", scheme.payments.all(), payment_label, data),
        "koreksi-alokasi": CorrectionForm("koreksi-alokasi", allocations, allocation_label, data),
    }


@require_http_methods(["GET", "POST"])
def scheme_manage(request: HttpRequest, slug: str) -> HttpResponse:
    scheme = get_object_or_404(Scheme, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_edit(request.user, services.kabupaten()):
        raise PermissionDenied(_("Buku kas dana karbon hanya dapat diisi admin kabupaten."))
    forms_ = _scheme_forms(scheme)
    done, failed = None, False
    if request.method == "POST":
        aksi = _posted_action(request)
        if aksi not in forms_:
            return HttpResponseBadRequest(_("Formulir tidak dikenal; muat ulang halaman lalu coba lagi."))
        form = _scheme_forms(scheme, request.POST)[aksi]
        forms_[aksi] = form
        failed = True
        if form.is_valid():
            data = form.cleaned_data
            try:
                if aksi == "penerimaan":
                    p = services.record_payment(
                        request.user, scheme, year=data["year"], buyer=data["buyer"], amount_rp=data["amount_rp"],
                        credits_tco2e=data["credits_tco2e"], source_url=data["source_url"], note=data["note"],
                    )  # fmt: skip
                    done = _("Penerimaan %(year)s dari %(buyer)s sebesar Rp %(amount)s dicatat.") % {
                        "year": p.year, "buyer": p.buyer, "amount": services.rupiah(p.amount_rp),
                    }  # fmt: skip
                elif aksi == "alokasi":
                    a = services.allocate(
                        request.user, data["payment"], dusun=data["dusun"], purpose=data["purpose"],
                        amount_rp=data["amount_rp"], households=data["households"], note=data["note"],
                    )  # fmt: skip
                    done = _("Alokasi %(purpose)s untuk %(dusun)s sebesar Rp %(amount)s dicatat.") % {
                        "purpose": a.get_purpose_display(), "dusun": a.dusun.nama,
                        "amount": services.rupiah(a.amount_rp),
                    }  # fmt: skip
                elif aksi == "koreksi-penerimaan":
                    p = services.correct_payment(
                        request.user, data["target"], amount_rp=data["amount_rp"], note=data["note"]
                    )
                    done = _("Penerimaan %(year)s dikoreksi menjadi Rp %(amount)s.") % {
                        "year": p.year, "amount": services.rupiah(p.amount_rp),
                    }  # fmt: skip
                else:
                    a = services.correct_allocation(
                        request.user, data["target"], amount_rp=data["amount_rp"], note=data["note"]
                    )
                    done = _("Alokasi %(dusun)s dikoreksi menjadi Rp %(amount)s.") % {
                        "dusun": a.dusun.nama, "amount": services.rupiah(a.amount_rp),
                    }  # fmt: skip
            except services.LedgerError as error:
                form.add_error(None, error.message)
            else:
                failed = False
                forms_ = _scheme_forms(scheme)
    context = {
        "scheme": scheme,
        "forms": {key.replace("-", "_"): f for key, f in forms_.items()},
        "summary": selectors.ledger(scheme),
        "payments": selectors.payments_with_rest(scheme),
        "history": selectors.ledger_history(scheme),
    }
    url = reverse("hutan:scheme-manage", args=[scheme.slug])
    return _respond(
        request, "hutan/scheme_manage.html", "hutan/_scheme_manage.html", context, failed=failed, done=done, url=url
    )


def _village_forms(allocations, households, beneficiaries, data=None) -> dict:
    def spending_label(s):
        return f"{s.spent_on:%Y-%m-%d} · {s.description[:60]} · Rp {services.rupiah(s.amount_rp)}"

    spendings = Spending.objects.filter(allocation__in=allocations.values("pk")).select_related("allocation")
    return {
        "penggunaan": SpendingForm(allocations, data),
        "koreksi-penggunaan": CorrectionForm("koreksi-penggunaan", spendings, spending_label, data),
        "penerima": BeneficiaryForm(allocations, households, data),
        "hapus-penerima": UnlinkForm(beneficiaries, data),
    }


@require_http_methods(["GET", "POST"])
def village_manage(request: HttpRequest, kode: str) -> HttpResponse:
    village = _area(kode, Level.DESA)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Editing the village's ledger and reading its household names: its operator or the kabupaten admin.
    if not (can_edit(request.user, village) and can_view_personal(request.user, village)):
        raise PermissionDenied(_("Anda tidak berwenang mencatat dana karbon %(dusun)s.") % {"dusun": village.nama})
    allocations = selectors.village_allocations(village)
    households = warga_selectors.households(request.user, village)
    beneficiaries = Beneficiary.objects.filter(allocation__dusun=village)
    forms_ = _village_forms(allocations, households, beneficiaries)
    done, failed = None, False
    if request.method == "POST":
        aksi = _posted_action(request)
        if aksi not in forms_:
            return HttpResponseBadRequest(_("Formulir tidak dikenal; muat ulang halaman lalu coba lagi."))
        form = _village_forms(allocations, households, beneficiaries, request.POST)[aksi]
        forms_[aksi] = form
        failed = True
        if form.is_valid():
            data = form.cleaned_data
            try:
                if aksi == "penggunaan":
                    s = services.record_spending(
                        request.user, data["allocation"], spent_on=data["spent_on"],
                        description=data["description"], amount_rp=data["amount_rp"],
                    )  # fmt: skip
                    done = _("Penggunaan Rp %(amount)s (%(what)s) dicatat.") % {
                        "amount": services.rupiah(s.amount_rp), "what": s.description,
                    }  # fmt: skip
                elif aksi == "koreksi-penggunaan":
                    s = services.correct_spending(
                        request.user, data["target"], amount_rp=data["amount_rp"], note=data["note"]
                    )
                    done = _("Penggunaan %(what)s dikoreksi menjadi Rp %(amount)s.") % {
                        "what": s.description, "amount": services.rupiah(s.amount_rp),
                    }  # fmt: skip
                elif aksi == "penerima":
                    services.add_beneficiary(request.user, data["allocation"], data["household"])
                    log_access(
                        request.user, Action.EDIT, wilayah=village, object_type="hutan.penerima",
                        object_ref=data["household"].uuid, record_count=1, request=request,
                    )  # fmt: skip
                    done = _("Keluarga ditautkan ke alokasi %(a)s.") % {"a": allocation_label(data["allocation"])}
                else:
                    services.remove_beneficiary(request.user, data["beneficiary"], note=data["note"])
                    done = _("Tautan keluarga dihapus; riwayatnya tetap tercatat.")
            except services.LedgerError as error:
                form.add_error(None, error.message)
            else:
                failed = False
                forms_ = _village_forms(allocations, households, beneficiaries)
    linked = selectors.village_beneficiaries(request.user, village, households)
    # The page names households (the dropdown and the linked list): the read is logged like the register's.
    log_access(
        request.user, Action.LIST, wilayah=village, object_type="hutan.penerima",
        record_count=len(linked), request=request,
    )  # fmt: skip
    context = {
        "village": village,
        "forms": {key.replace("-", "_"): f for key, f in forms_.items()},
        "allocations": allocations,
        "spendings": selectors.village_spendings(village),
        "linked": linked,
        "history": selectors.ledger_history(village=village),
        "schemes": selectors.schemes_of(village),
    }
    url = reverse("hutan:village-manage", args=[village.kode])
    return _respond(
        request, "hutan/village_manage.html", "hutan/_village_manage.html", context, failed=failed, done=done, url=url
    )


# ---------------------------------------------------------------------------------------------------------
# Alert thresholds (kabupaten admin; the settings are the defaults)
# ---------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def thresholds(request: HttpRequest) -> HttpResponse:
    editable = request.user.is_authenticated and can_edit(request.user, services.kabupaten())
    pct, ha = selectors.alert_thresholds()
    form = ThresholdForm(request.POST or None, initial={"loss_pct": pct, "min_ha": ha})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Hanya admin kabupaten yang dapat mengubah ambang peringatan."))
        if form.is_valid():
            try:
                row = services.set_alert_thresholds(request.user, **form.cleaned_data)
            except services.LedgerError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Ambang peringatan disimpan: %(pct)s%% dari hutan alam awal dan minimal %(ha)s ha.")
                    % {"pct": row.loss_pct, "ha": row.min_ha},
                )
                return redirect("hutan:thresholds")
    return render(
        request,
        "hutan/thresholds.html",
        {
            "thresholds": (pct, ha),
            "current": selectors.current_threshold(),
            "defaults": (settings.DUSUN_HUTAN_ALERT_LOSS_PCT, settings.DUSUN_HUTAN_ALERT_MIN_HA),
            "history": AlertThreshold.objects.select_related("user")[:50],
            "form": form if editable else None,
        },
        status=400 if request.method == "POST" else 200,
    )

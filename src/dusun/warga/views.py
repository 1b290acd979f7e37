"""Census pages and the public statistics API. Views only orchestrate: reads through `selectors` (which
apply the area scope), writes through `services`, access to personal data logged through
`dusun.akun.audit`.

Private pages are marked `@private`: login required, `Cache-Control: no-store` (no copy in a shared
browser or proxy cache), `X-Robots-Tag: noindex` (and the templates add the robots meta). Searches go by
POST and records are addressed by opaque UUIDs, so no NIK, KK number or name ever appears in a URL.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dusun.akun import scope
from dusun.akun.audit import Action, log_access, recent_for
from dusun.akun.models import Role
from dusun.wilayah.models import Level

from . import charts, selectors, services, xlsx
from .forms import DepartureForm, ExportForm, ImportForm, MemberForm, SearchForm, StatsFilterForm
from .json_export import statistics_json
from .nik import mask


def private(view):
    """Login required; never cached, never indexed."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _attachment(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Census home and register -----------------------------------------------------------------------------


@private
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The villages this user works on, with what the user may do in each."""
    villages = selectors.personal_villages(request.user)
    importable = [a for a in scope.scope_roots(request.user) if a.level == Level.KABUPATEN]
    return render(
        request,
        "warga/home.html",
        {
            "villages": villages,
            "can_import_kabupaten": any(
                scope.can_edit(request.user, a) and scope.can_view_personal(request.user, a) for a in importable
            ),
            "is_kabupaten_admin": any(r.role == Role.KABUPATEN for r in request.user.roles.all()),
            "masked_villages": [
                v
                for v in selectors.Wilayah.objects.villages().filter(scope.scope_q(request.user)).order_by("kode")[:200]
                if not scope.can_view_personal(request.user, v) and scope.can_view(request.user, v)
            ],
        },
    )


@private
@require_GET
def dusun(request: HttpRequest, kode: str) -> HttpResponse:
    area = selectors.internal_area(request.user, kode)
    personal = scope.can_view_personal(request.user, area)
    context = {
        "area": area,
        "personal": personal,
        "can_edit": scope.can_edit(request.user, area) and personal,
        "counts": selectors.register_counts(request.user, area),
        "subunits": selectors.subunits_of(area),
    }
    if personal:
        context["imports"] = selectors.imports_for(request.user, area)
        context["events"] = selectors.recent_events(request.user, area)
    return render(request, "warga/dusun.html", context)


@private
@require_http_methods(["GET", "POST"])
def households(request: HttpRequest, kode: str) -> HttpResponse:
    area = selectors.internal_area(request.user, kode)
    if not scope.can_view_personal(request.user, area):
        # Kecamatan staff verify with the KK number masked and no names (data minimisation).
        page = selectors.masked_households(request.user, area, request.GET.get("page", 1))
        return render(request, "warga/households_masked.html", {"area": area, "page": page})
    form = SearchForm(request.POST or None)
    query = form.cleaned_data.get("q", "") if request.method == "POST" and form.is_valid() else ""
    page_number = (
        form.cleaned_data.get("page") if request.method == "POST" and form.is_valid() else None
    ) or request.GET.get("page", 1)
    subunit = None
    if request.GET.get("sub"):
        subunit = selectors.subunits_of(area).filter(kode=request.GET["sub"]).first()
    rows = selectors.households(request.user, area, subunit=subunit, query=query)
    page = selectors.paginate(rows, page_number)
    log_access(
        request.user,
        Action.SEARCH if query else Action.LIST,
        wilayah=area,
        object_type="warga.household",
        object_ref=f"halaman:{page.number}",
        record_count=len(page.object_list),
        request=request,
    )
    context = {
        "area": area,
        "page": page,
        "form": form,
        "query": query,
        "subunit": subunit,
        "subunits": selectors.subunits_of(area),
        "mask": mask,
    }
    template = "warga/_household_rows.html" if request.htmx else "warga/households.html"
    return render(request, template, context)


@private
@require_GET
def household(request: HttpRequest, uuid) -> HttpResponse:
    item = selectors.household_for(request.user, uuid)
    members = selectors.members_of(item)
    log_access(
        request.user,
        Action.VIEW,
        wilayah=item.dusun,
        object_type="warga.household",
        object_ref=item.uuid,
        record_count=len(members),
        request=request,
    )
    return render(
        request,
        "warga/household.html",
        {
            "household": item,
            "members": members,
            "events": selectors.household_events(item)[:30],
            "commodities": selectors.household_commodities(item),
            "can_edit": scope.can_edit(request.user, item.dusun),
            "member_form": MemberForm(),
            "commodity_form": _commodity_form(),
        },
    )


@private
@require_POST
def add_member(request: HttpRequest, uuid) -> HttpResponse:
    item = selectors.household_for(request.user, uuid)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        kind = data.pop("kind")
        try:
            resident = services.add_member(request.user, item, kind, data, request=request)
        except ValidationError as exc:
            for field, errors in (
                exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
            ):
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Anggota keluarga baru tercatat."))
            return redirect("warga:resident", uuid=resident.uuid)
    members = selectors.members_of(item)
    return render(
        request,
        "warga/household.html",
        {
            "household": item,
            "members": members,
            "events": selectors.household_events(item)[:30],
            "commodities": selectors.household_commodities(item),
            "can_edit": scope.can_edit(request.user, item.dusun),
            "member_form": form,
            "commodity_form": _commodity_form(),
        },
        status=400,
    )


def _commodity_form():
    from dusun.ekonomi.forms import HouseholdCommodityForm  # the economy module owns the form

    return HouseholdCommodityForm()


@private
@require_GET
def resident(request: HttpRequest, uuid) -> HttpResponse:
    person = selectors.resident_for(request.user, uuid)
    log_access(
        request.user,
        Action.VIEW,
        wilayah=person.dusun,
        object_type="warga.resident",
        object_ref=person.uuid,
        record_count=1,
        request=request,
    )
    return render(
        request,
        "warga/resident.html",
        {
            "resident": person,
            "events": selectors.events_of(person),
            "can_edit": scope.can_edit(request.user, person.dusun),
            "form": DepartureForm(initial={"date": timezone.localdate()}),
        },
    )


@private
@require_POST
def departure(request: HttpRequest, uuid) -> HttpResponse:
    person = selectors.resident_for(request.user, uuid)
    form = DepartureForm(request.POST)
    if form.is_valid():
        try:
            services.record_departure(
                request.user,
                person,
                form.cleaned_data["kind"],
                form.cleaned_data["date"],
                form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Peristiwa tercatat."))
            return redirect("warga:resident", uuid=person.uuid)
    return render(
        request,
        "warga/resident.html",
        {
            "resident": person,
            "events": selectors.events_of(person),
            "can_edit": scope.can_edit(request.user, person.dusun),
            "form": form,
        },
        status=400,
    )


@private
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, kode: str) -> HttpResponse:
    area = selectors.personal_area(request.user, kode)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            content = services.export_register(request.user, area, form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            form.add_error("reason", exc.messages)
        else:
            return _attachment(content, f"warga-{area.kode}-{timezone.localdate():%Y%m%d}.xlsx")
    return render(request, "warga/export.html", {"area": area, "form": form})


# --- Imports ------------------------------------------------------------------------------------------------


def _importable_areas(user):
    areas = [a for a in scope.scope_roots(user) if a.level in (Level.DESA, Level.KABUPATEN)]
    return [a for a in areas if scope.can_edit(user, a) and scope.can_view_personal(user, a)]


@private
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    areas = _importable_areas(request.user)
    # Refuse an oversized body before Django reads it into a temporary file.
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > 2 * (50 * 1024 * 1024) + 65536:
        return render(
            request, "warga/import_start.html", {"form": ImportForm(areas=areas), "too_large": True}, status=413
        )
    form = ImportForm(request.POST or None, request.FILES or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = selectors.import_area(request.user, form.cleaned_data["wilayah"])
        try:
            job = services.start_import(
                request.user,
                area,
                form.cleaned_data["upload"],
                residents_csv=form.cleaned_data.get("upload_residents"),
                file_format=form.cleaned_data["file_format"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error("upload", exc.messages)
        else:
            return redirect("warga:import_detail", uuid=job.uuid)
    elif request.method == "POST" and form.data.get("wilayah"):
        # A forged area is a permission problem, not a form error.
        selectors.import_area(request.user, form.data["wilayah"])
    if not areas:
        raise PermissionDenied(_("Anda tidak berwenang mengimpor data warga."))
    return render(request, "warga/import_start.html", {"form": form})


@private
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    if not _importable_areas(request.user):
        raise PermissionDenied(_("Anda tidak berwenang mengimpor data warga."))
    kode = next((a.kode for a in _importable_areas(request.user) if a.level == Level.DESA), "")
    return _attachment(xlsx.template(kode), "templat-sensus-warga.xlsx")


@private
@require_GET
def import_detail(request: HttpRequest, uuid) -> HttpResponse:
    job = selectors.import_for(request.user, uuid)
    template_name = "warga/_import_status.html" if request.htmx else "warga/import_detail.html"
    return render(request, template_name, {"job": job, "report": job.report})


@private
@require_POST
def import_commit(request: HttpRequest, uuid) -> HttpResponse:
    job = selectors.import_for(request.user, uuid)
    try:
        services.request_commit(request.user, job, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("warga:import_detail", uuid=job.uuid)


@private
@require_POST
def import_cancel(request: HttpRequest, uuid) -> HttpResponse:
    job = selectors.import_for(request.user, uuid)
    try:
        services.cancel_import(request.user, job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Impor dibatalkan; berkasnya sudah dihapus."))
    return redirect("warga:import_detail", uuid=job.uuid)


@private
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    """The access log of personal data, for the kabupaten admin (accountability, UU 27/2022)."""
    roots = [a.wilayah for a in request.user.roles.all() if a.role == Role.KABUPATEN]
    if not roots:
        raise PermissionDenied(_("Log akses hanya untuk admin kabupaten."))
    from django.db.models import Q

    areas_q = Q()
    for root in roots:
        areas_q |= Q(wilayah__kode=root.kode) | Q(wilayah__kode__startswith=root.kode + ".")
    return render(request, "warga/audit.html", {"rows": recent_for(areas_q)})


# --- Statistics (public, and exact for the area's own roles) ------------------------------------------------

LEVELS = {"dusun": Level.DESA, "kecamatan": Level.KECAMATAN, "kabupaten": Level.KABUPATEN}


def _statistics(request: HttpRequest, level: str, kode: str):
    area = selectors.get_area(kode, (LEVELS[level],))
    # `?publik=1`: a scoped user asks for the version everyone sees (suppressed), e.g. for an open report.
    exact = selectors.can_see_exact(request.user, area) and not _wants_public(request)
    subunits = selectors.subunits_of(area) if exact and area.level == Level.DESA else []
    form = StatsFilterForm(request.GET or None, subunits=subunits, exact=exact)
    filters = form.cleaned_data if form.is_valid() else {}
    sex = filters.get("sex") or ""
    if exact:
        subunit = next((s for s in subunits if s.kode == filters.get("sub")), None)
        stats = selectors.exact_statistics(request.user, area, sex=sex, age_group=filters.get("umur"), subunit=subunit)
    else:
        stats = selectors.public_statistics(area, sex=sex)
    return area, stats, form


def _wants_public(request: HttpRequest) -> bool:
    return request.GET.get("publik") == "1"


def _statistics_variants(request: HttpRequest, area) -> dict:
    """Links between the exact and the public version, for users who may see both."""
    if not selectors.can_see_exact(request.user, area):
        return {}
    query = request.GET.copy()
    query.pop("publik", None)
    exact_query = query.urlencode()
    for name in ("umur", "sub"):  # filters the public version does not have
        query.pop(name, None)
    query["publik"] = "1"
    return {"public_query": query.urlencode(), "exact_query": exact_query, "is_public_variant": _wants_public(request)}


@require_GET
def statistics_page(request: HttpRequest, level: str, kode: str) -> HttpResponse:
    area, stats, form = _statistics(request, level, kode)
    for table in stats.tables:
        table.chart = charts.bar_chart(table.rows)
    variants = _statistics_variants(request, area)
    response = render(
        request,
        "warga/statistics.html",
        {
            "area": area,
            "level": level,
            "stats": stats,
            "form": form,
            "pyramid": charts.pyramid(stats.pyramid),
            "query": request.GET.urlencode(),
            "api_url": reverse(f"warga:api_statistik_{level}", kwargs={"kode": area.kode}),
            "variants": variants,
        },
    )
    if stats.exact or variants:  # the public variant as seen by a scoped user links to the exact one
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def statistics_xlsx(request: HttpRequest, level: str, kode: str) -> HttpResponse:
    area, stats, _form = _statistics(request, level, kode)
    title = _("Statistik warga %(label)s %(nama)s") % {"label": area.label, "nama": area.nama}
    response = _attachment(xlsx.statistics_export(stats, title), f"statistik-{area.kode}.xlsx")
    if stats.exact:
        add_never_cache_headers(response)
    return response


@require_GET
def statistics_api(request: HttpRequest, level: str, kode: str) -> JsonResponse:
    """Public aggregates as JSON: always the suppressed version, whoever asks (it is the public API)."""
    area = selectors.get_area(kode, (LEVELS[level],))
    sex = request.GET.get("jenis_kelamin", "")
    if sex not in ("", "L", "P"):
        return JsonResponse({"galat": _("jenis_kelamin harus L, P atau kosong.")}, status=400)
    stats = selectors.public_statistics(area, sex=sex)
    return JsonResponse(statistics_json(stats), json_dumps_params={"ensure_ascii": False})


def village_panel_context(request: HttpRequest, village) -> dict:
    """For `warga/_village_panel.html` on the public village page (the portal includes it)."""
    stats = selectors.public_statistics(village)
    return {"warga_stats": stats, "warga_can_view": scope.can_view(request.user, village)}

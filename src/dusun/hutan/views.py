"""Forest and carbon pages. Views only orchestrate: reads from `selectors`, writes from `services`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dusun.akun.scope import can_edit
from dusun.ruang.models import LegendClass
from dusun.wilayah.models import Level, Wilayah

from . import charts, selectors, services, tasks
from .change import ChangeError
from .forms import FactorForm
from .models import ChangeRun, Scheme


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
    return render(
        request, "hutan/ledger.html", {"scheme": scheme, "summary": selectors.ledger(scheme), "village": None}
    )


@require_GET
def village_ledger(request: HttpRequest, kode: str) -> HttpResponse:
    village = _area(kode, Level.DESA)
    schemes = selectors.schemes_of(village)
    if not schemes:
        raise Http404
    scheme = schemes[0]
    return render(
        request,
        "hutan/ledger.html",
        {"scheme": scheme, "summary": selectors.ledger(scheme, village), "village": village},
    )

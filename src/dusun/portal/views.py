"""Public pages: the kabupaten, each kecamatan, each village. Views only orchestrate selectors."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from dusun.wilayah import selectors
from dusun.wilayah.models import Level


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The kabupaten page: a map of every village and a searchable list grouped by kecamatan."""
    kabupaten = selectors.home_kabupaten()
    query = request.GET.get("q", "")[:100]
    villages = selectors.villages_in(kabupaten, query)
    context = {
        "kabupaten": kabupaten,
        "query": query,
        "groups": selectors.group_by_kecamatan(villages),
        "village_count": len(villages),
    }
    if request.htmx:
        return render(request, "portal/_village_list.html", context)
    context |= {
        "kecamatan_list": selectors.kecamatan_in(kabupaten),
        "counts": selectors.village_counts(kabupaten),
        "map_config": {
            "tiles": request.build_absolute_uri("/tiles/dusun/") + "{z}/{x}/{y}.pbf",
            "bounds": kabupaten.geom.extent if kabupaten.geom else None,
            "palette": selectors.kecamatan_palette(kabupaten),
        },
    }
    return render(request, "portal/home.html", context)


@require_GET
def kecamatan_detail(request: HttpRequest, kode: str) -> HttpResponse:
    kecamatan = selectors.get_area(kode, Level.KECAMATAN)
    villages = list(selectors.villages_in(kecamatan))
    areas = [(kecamatan, "outline")] + [(v, "village") for v in villages]
    return render(
        request,
        "portal/kecamatan.html",
        {
            "kecamatan": kecamatan,
            "villages": villages,
            "map_config": {"features": selectors.map_features(areas), "bounds": _extent(kecamatan)},
        },
    )


@require_GET
def village_detail(request: HttpRequest, kode: str) -> HttpResponse:
    village = selectors.get_area(kode, Level.DESA)
    neighbours = list(selectors.neighbours(village))
    areas = [(n, "neighbour") for n in neighbours] + [(village, "focus")]
    return render(
        request,
        "portal/village.html",
        {
            "village": village,
            "kecamatan": village.parent,
            "neighbours": neighbours,
            "map_config": {"features": selectors.map_features(areas), "bounds": _extent(village)},
        },
    )


def _extent(area) -> tuple | None:
    return area.geom.extent if area.geom else None


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the application and its database (with PostGIS) answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            postgis = cursor.fetchone()[0]
    except Exception:  # any database failure means "not healthy"; details stay in the server log
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "postgis": postgis})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at the real icon.

    Resolved per request, not at import: with the hashed static manifest the name only exists after
    collectstatic, and management commands (migrate) must not depend on it.
    """
    return redirect(static("dusun/favicon.svg"), permanent=True)

"""Public pages: the kabupaten, each kecamatan, each village. Views only orchestrate selectors."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dusun.akun import scope
from dusun.wilayah import selectors, services
from dusun.wilayah.forms import ProfilDusunForm
from dusun.wilayah.models import Level

from . import pdf
from . import selectors as portal_selectors
from .sitemaps import SITEMAPS


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
    """A village's public page: its profile (history, Rio, office, sub-units, population, IDM), the boundary
    map, and the panels the modules fill (layers, census, IDM, forest, planning); public data only."""
    village = selectors.get_area(kode, Level.DESA)
    neighbours = list(selectors.neighbours(village))
    areas = [(n, "neighbour") for n in neighbours] + [(village, "focus")]
    idm = portal_selectors.idm_by_year(village)
    return render(
        request,
        "portal/village.html",
        {
            "village": village,
            "kecamatan": village.parent,
            "neighbours": neighbours,
            "profil": portal_selectors.profil_of(village),
            "subunits": portal_selectors.subunits_of(village),
            "idm_latest": idm[0] if idm else None,
            "idm_history": idm,
            "can_edit_profile": scope.can_edit(request.user, village),
            "map_config": {"features": selectors.map_features(areas), "bounds": _extent(village)},
        },
    )


@require_http_methods(["GET", "POST"])
def village_profile_edit(request: HttpRequest, kode: str) -> HttpResponse:
    """The operator's form for the village's public profile (history, Rio, office contacts)."""
    village = selectors.get_area(kode, Level.DESA)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope.can_edit(request.user, village):
        raise PermissionDenied(
            _("Anda tidak berwenang mengubah profil %(wilayah)s; hanya operatornya dan admin kabupaten.")
            % {"wilayah": village}
        )
    profil = portal_selectors.profil_of(village)
    form = ProfilDusunForm(request.POST or None, instance=profil)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_profil(village, form.cleaned_data, request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Profil %(wilayah)s disimpan.") % {"wilayah": village})
            return redirect("portal:village", kode=village.kode)
    return render(request, "portal/profil_form.html", {"village": village, "form": form})


@require_GET
def village_profile_pdf(request: HttpRequest, kode: str) -> HttpResponse:
    """The printable profile. Cached by a version token of everything it shows, which is also its ETag."""
    village = selectors.get_area(kode, Level.DESA)
    etag = '"' + portal_selectors.profile_version(village) + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(pdf.cached_pdf(village, etag.strip('"')), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="profil-dusun-{village.kode}.pdf"'
    response["ETag"] = etag
    # Public data, but the language follows the cookie/header: shared caches must keep them apart.
    response["Cache-Control"] = "public, max-age=3600"
    response["Vary"] = "Accept-Language, Cookie"
    return response


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    return django_sitemap(request, sitemaps=SITEMAPS)


# Signed-in areas: nothing there for a search engine (and every page of them needs a login anyway).
ROBOTS_DISALLOW = [
    "/warga/",
    "/lapangan/",
    "/akun/",
    "/admin/",
    "/rencana/dusun/",
    "/rencana/wilayah/",
    "/i18n/",
    "/dusun/*/peta/sunting/",
    "/dusun/*/impor/",
    "/dusun/*/profil/ubah/",
]


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


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

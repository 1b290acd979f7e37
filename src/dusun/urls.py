from django.contrib import admin
from django.urls import include, path

from dusun.api.urls import api as api_v1
from dusun.portal.ogc import views as ogc_views
from dusun.portal.views import favicon, healthz
from dusun.wilayah import api as wilayah_api

admin.site.site_header = "Dusun Online — Administrasi"
admin.site.site_title = "Dusun Online"

urlpatterns = [
    path("", include("dusun.portal.urls")),
    path("akun/", include("dusun.akun.urls")),
    path("", include("dusun.ruang.urls")),
    path("", include("dusun.warga.urls")),
    path("", include("dusun.ekonomi.urls")),
    path("", include("dusun.indeks.urls")),
    path("", include("dusun.rencana.urls")),
    path("", include("dusun.hutan.urls")),
    path("", include("dusun.lapangan.urls")),
    path("api/v1/dusun.geojson", wilayah_api.village_geojson, name="api-village-geojson"),
    path("", include("dusun.portal.urls_opendata")),
    # QGIS 3.22 crashes on the redirect from /ogc to /ogc/, so the landing page answers at both.
    path("ogc", ogc_views.landing),
    path("ogc/", include("dusun.portal.urls_ogc")),
    # After every module's own /api/v1/… paths, which predate the documented API and keep working.
    path("api/v1/", api_v1.urls),
    path("tiles/dusun/<int:z>/<int:x>/<int:y>.pbf", wilayah_api.village_tile, name="tiles-village"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

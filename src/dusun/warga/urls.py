"""URLs of the census. Public: the statistics pages, their Excel export and the JSON API. Everything
under /warga/ is private (login, area scope, no-store, noindex) and addresses records by opaque UUID."""

from django.urls import path

from . import views

app_name = "warga"
urlpatterns = [
    # Private: the register.
    path("warga/", views.home, name="home"),
    path("warga/dusun/<str:kode>/", views.dusun, name="dusun"),
    path("warga/dusun/<str:kode>/keluarga/", views.households, name="households"),
    path("warga/dusun/<str:kode>/ekspor/", views.export, name="export"),
    path("warga/keluarga/<uuid:uuid>/", views.household, name="household"),
    path("warga/keluarga/<uuid:uuid>/anggota/", views.add_member, name="add_member"),
    path("warga/penduduk/<uuid:uuid>/", views.resident, name="resident"),
    path("warga/penduduk/<uuid:uuid>/peristiwa/", views.departure, name="departure"),
    path("warga/impor/", views.import_start, name="import_start"),
    path("warga/impor/templat.xlsx", views.template, name="template"),
    path("warga/impor/<uuid:uuid>/", views.import_detail, name="import_detail"),
    path("warga/impor/<uuid:uuid>/simpan/", views.import_commit, name="import_commit"),
    path("warga/impor/<uuid:uuid>/batal/", views.import_cancel, name="import_cancel"),
    path("warga/audit/", views.audit, name="audit"),
    # Public: statistics with small-cell suppression (exact numbers for the area's own roles).
    path("dusun/<str:kode>/statistik/", views.statistics_page, {"level": "dusun"}, name="statistik_dusun"),
    path("kecamatan/<str:kode>/statistik/", views.statistics_page, {"level": "kecamatan"}, name="statistik_kecamatan"),
    path("kabupaten/<str:kode>/statistik/", views.statistics_page, {"level": "kabupaten"}, name="statistik_kabupaten"),
    path("dusun/<str:kode>/statistik.xlsx", views.statistics_xlsx, {"level": "dusun"}, name="statistik_dusun_xlsx"),
    path(
        "kecamatan/<str:kode>/statistik.xlsx",
        views.statistics_xlsx,
        {"level": "kecamatan"},
        name="statistik_kecamatan_xlsx",
    ),
    path(
        "kabupaten/<str:kode>/statistik.xlsx",
        views.statistics_xlsx,
        {"level": "kabupaten"},
        name="statistik_kabupaten_xlsx",
    ),
    path("api/v1/dusun/<str:kode>/statistik/", views.statistics_api, {"level": "dusun"}, name="api_statistik_dusun"),
    path(
        "api/v1/kecamatan/<str:kode>/statistik/",
        views.statistics_api,
        {"level": "kecamatan"},
        name="api_statistik_kecamatan",
    ),
    path(
        "api/v1/kabupaten/<str:kode>/statistik/",
        views.statistics_api,
        {"level": "kabupaten"},
        name="api_statistik_kabupaten",
    ),
]

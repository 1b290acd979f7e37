"""Open data downloads, thematic (choropleth) maps and village comparison on the kabupaten portal."""

from django.urls import path, re_path

from . import views_opendata as views

app_name = "opendata"
urlpatterns = [
    path("data/", views.catalogue, name="catalogue"),
    path("data/dusun/<str:kode>/", views.village_data, name="village"),
    path("data/kecamatan/<str:kode>/", views.kecamatan_data, name="kecamatan"),
    re_path(r"^data/kamus/(?P<slug>[a-z0-9-]{1,60})\.csv$", views.dictionary_csv, name="dictionary-csv"),
    re_path(r"^data/kamus/(?P<slug>[a-z0-9-]{1,60})/$", views.dataset, name="dataset"),
    # The format is matched loosely on purpose: an unknown one gets a 400 that names the valid ones.
    re_path(
        r"^data/unduh/(?P<slug>[a-z0-9-]{1,60})/(?P<kode>[0-9.]{2,20})\.(?P<fmt>[a-z0-9.]{1,10})$",
        views.download,
        name="download",
    ),
    path("peta-tematik/", views.thematic, name="thematic"),
    path("peta-tematik/kecamatan.geojson", views.kecamatan_geojson, name="kecamatan-geojson"),
    path("bandingkan/", views.compare, name="compare"),
    path("bandingkan/cari/", views.compare_search, name="compare-search"),
]

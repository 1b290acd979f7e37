"""URLs: map (see ruang/urls.py) — vector tiles, TileJSON, statistics API and CSV downloads."""

from django.urls import re_path

from . import views_map

KODE = r"(?P<kode>[0-9]{2}(?:\.[0-9A-Za-z-]+)*)"
LEVEL = r"(?P<level>dusun|kecamatan|kabupaten)"
STAT = r"(?P<stat>landcover|villages|facilities|roads|managed-areas)"

urlpatterns = [
    # Every /tiles/<name>/… except the village boundaries, which the wilayah app serves at /tiles/dusun/
    # (this module is included before it); an unknown layer name answers a JSON 404 here.
    re_path(
        r"^tiles/(?!dusun/)(?P<layer>[A-Za-z0-9_-]+)/(?P<z>[0-9]+)/(?P<x>[0-9]+)/(?P<y>[0-9]+)\.pbf$",
        views_map.tile,
        name="tile",
    ),
    re_path(r"^tiles/(?P<layer>[A-Za-z0-9_-]+)\.json$", views_map.tilejson, name="tilejson"),
    re_path(rf"^api/v1/{LEVEL}/{KODE}/{STAT}/$", views_map.stats, name="stats"),
    re_path(rf"^api/v1/{LEVEL}/{KODE}/{STAT}\.csv$", views_map.stats_csv, name="stats-csv"),
]

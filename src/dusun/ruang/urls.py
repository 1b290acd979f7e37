"""URLs of the spatial layers, one module per concern so each can grow on its own."""

from django.urls import include, path

app_name = "ruang"
urlpatterns = [
    path("", include("dusun.ruang.urls_import")),  # import wizard and export downloads
    path("", include("dusun.ruang.urls_map")),  # vector tiles, TileJSON, statistics pages and API
    path("", include("dusun.ruang.urls_edit")),  # drawing/editing features in the browser and its API
]

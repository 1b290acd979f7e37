"""URLs of the economy module: public village/area pages and API; management behind login and scope."""

from django.urls import path

from . import views

app_name = "ekonomi"
urlpatterns = [
    path("ekonomi/dusun/<str:kode>/", views.dusun, name="dusun"),
    path("ekonomi/kecamatan/<str:kode>/", views.area, {"level": "kecamatan"}, name="kecamatan"),
    path("ekonomi/kabupaten/<str:kode>/", views.area, {"level": "kabupaten"}, name="kabupaten"),
    path("ekonomi/dusun/<str:kode>/kelola/", views.manage, name="manage"),
    path("ekonomi/dusun/<str:kode>/hapus/<str:kind>/<int:pk>/", views.delete, name="delete"),
    path("ekonomi/keluarga/<uuid:uuid>/komoditas/", views.household_commodity, name="household_commodity"),
    path("api/v1/dusun/<str:kode>/ekonomi/", views.api, name="api_dusun"),
]

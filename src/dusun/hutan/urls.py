"""URLs of the hutan module."""

from django.urls import path, register_converter

from . import views


class KodeDesaConverter:
    regex = r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class KodeKecamatanConverter(KodeDesaConverter):
    regex = r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}"


register_converter(KodeDesaConverter, "hutandesa")
register_converter(KodeKecamatanConverter, "hutankec")

app_name = "hutan"
urlpatterns = [
    path("hutan/", views.kabupaten, name="kabupaten"),
    path("hutan/kecamatan/<hutankec:kode>/", views.kecamatan, name="kecamatan"),
    path("hutan/dusun/<hutandesa:kode>/", views.village, name="village"),
    path("hutan/dusun/<hutandesa:kode>/perubahan.geojson", views.village_geojson, name="village-geojson"),
    path("hutan/dusun/<hutandesa:kode>/kawasan.geojson", views.village_managed_geojson, name="village-managed"),
    path("hutan/dusun/<hutandesa:kode>/dana-karbon/", views.village_ledger, name="village-ledger"),
    path("hutan/dusun/<hutandesa:kode>/dana-karbon/kelola/", views.village_manage, name="village-manage"),
    path("hutan/proses/<int:pk>/", views.run_status, name="run-status"),
    path("hutan/faktor-karbon/", views.factors, name="factors"),
    path("hutan/dana-karbon/<slug:slug>/", views.scheme_ledger, name="scheme-ledger"),
    path("hutan/dana-karbon/<slug:slug>/kelola/", views.scheme_manage, name="scheme-manage"),
    path("hutan/ambang-peringatan/", views.thresholds, name="thresholds"),
]

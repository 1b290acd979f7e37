from django.urls import path, register_converter

from . import api, views


class KodeDesaConverter:
    regex = r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class KodeKecamatanConverter(KodeDesaConverter):
    regex = r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}"


# Own converter names: the portal's "kode" converter is registered by another app's URL module.
register_converter(KodeDesaConverter, "kodedesa")
register_converter(KodeKecamatanConverter, "kodekec")

app_name = "indeks"
urlpatterns = [
    path("indeks/", views.kabupaten, name="kabupaten"),
    path("indeks/kecamatan/<kodekec:kode>/", views.kecamatan, name="kecamatan"),
    path("indeks/ekspor/<int:tahun>.xlsx", views.export, name="export"),
    path("indeks/impor/", views.import_official, name="import"),
    path("indeks/definisi/", views.definition, name="definition"),
    path("indeks/dusun/<kodedesa:kode>/", views.village, name="village"),
    path("indeks/dusun/<kodedesa:kode>/mulai/", views.start, name="start"),
    path("indeks/dusun/<kodedesa:kode>/<int:tahun>/", views.village_year, name="village-year"),
    path("indeks/dusun/<kodedesa:kode>/<int:tahun>/isi/", views.enter, name="enter"),
    path("indeks/dusun/<kodedesa:kode>/<int:tahun>/turunkan/", views.derive, name="derive"),
    path("indeks/dusun/<kodedesa:kode>/<int:tahun>/simulasi/", views.simulate, name="simulate"),
    path("indeks/dusun/<kodedesa:kode>/<int:tahun>/banding/", views.compare, name="compare"),
    path("api/v1/idm/<kodedesa:kode>/<int:tahun>/", api.idm, name="api"),
]

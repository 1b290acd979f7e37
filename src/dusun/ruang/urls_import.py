"""URLs: import wizard, import history and export downloads (see ruang/urls.py, app_name "ruang")."""

from django.urls import re_path

from . import views_import as views

# A Kemendagri code: 15 (province) … 15.08.14.2009 (village); the export URL adds ".<format>" after it.
KODE = r"(?P<kode>[0-9]{2}(?:\.[0-9]{1,4}){0,3})"
FORMATS = r"(?P<fmt>geojson|gpkg|shp\.zip|kml|csv)"

urlpatterns = [
    re_path(rf"^dusun/{KODE}/impor/$", views.import_start, name="import-start"),
    re_path(rf"^dusun/{KODE}/impor/riwayat/$", views.import_history, name="import-history"),
    re_path(rf"^dusun/{KODE}/impor/riwayat/(?P<batch_id>[0-9]+)/$", views.import_batch, name="import-batch"),
    re_path(rf"^dusun/{KODE}/impor/(?P<job_id>[0-9]+)/$", views.import_job, name="import-job"),
    re_path(rf"^dusun/{KODE}/impor/(?P<job_id>[0-9]+)/kemajuan/$", views.import_progress, name="import-progress"),
    re_path(rf"^dusun/{KODE}/impor/(?P<job_id>[0-9]+)/pemetaan/$", views.import_mapping, name="import-mapping"),
    re_path(rf"^dusun/{KODE}/impor/(?P<job_id>[0-9]+)/lapisan/$", views.import_layers, name="import-layers"),
    re_path(rf"^dusun/{KODE}/impor/(?P<job_id>[0-9]+)/simpan/$", views.import_commit, name="import-commit"),
    re_path(rf"^dusun/{KODE}/impor/(?P<job_id>[0-9]+)/batal/$", views.import_cancel, name="import-cancel"),
    re_path(rf"^ekspor/{KODE}/$", views.area_data, name="area-data"),
    re_path(rf"^ekspor/(?P<layer>[a-z-]+)/{KODE}\.{FORMATS}$", views.export, name="export"),
]

"""URLs of the rencana module: village planning, the musrenbang workflow, documents, monitoring, and a
public transparency page."""

from django.urls import path

from . import views

app_name = "rencana"
urlpatterns = [
    path("rencana/dusun/<str:kode>/", views.village, name="village"),
    path("rencana/dusun/<str:kode>/<str:kind>-<int:year>.<str:fmt>", views.document, name="document"),
    path("rencana/usulan/<int:pk>/", views.proposal, name="proposal"),
    path("rencana/usulan/<int:pk>/langkah/<str:action>/", views.transition, name="transition"),
    path("rencana/usulan/<int:pk>/komentar/", views.comment, name="comment"),
    path("rencana/usulan/<int:pk>/peringkat/", views.override, name="override"),
    path("rencana/musyawarah/<int:pk>/berita-acara.<str:fmt>", views.minutes, name="minutes"),
    path("rencana/wilayah/<str:kode>/", views.area, name="area"),
    path("rencana/wilayah/<str:kode>/opd-<int:year>.<str:fmt>", views.opd_table, name="opd_table"),
    path("rencana/usulan/<int:pk>/verifikasi/", views.verify, name="verify"),
    path("rencana/bobot/<str:kode>/", views.weights, name="weights"),
    path("rencana/kegiatan/<int:pk>/", views.project, name="project"),
    path("rencana/foto/<int:pk>/", views.photo, name="photo"),
    path("rencana/publik/<str:kode>/", views.public, name="public"),
]

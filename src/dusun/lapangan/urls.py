"""URLs of the lapangan module: the OpenRosa server under /lapangan/odk/<token>/ and the review pages."""

from django.urls import path

from . import openrosa, views

app_name = "lapangan"
urlpatterns = [
    # OpenRosa (phones): the server URL a device is given is /lapangan/odk/<token>.
    path("lapangan/odk/<str:token>/formList", openrosa.form_list, name="form_list"),
    path("lapangan/odk/<str:token>/submission", openrosa.submission, name="submission"),
    path("lapangan/odk/<str:token>/formulir/<int:pk>.xml", openrosa.form_download, name="form_download"),
    path("lapangan/odk/<str:token>/formulir/<int:pk>/manifest", openrosa.manifest, name="manifest"),
    path("lapangan/odk/<str:token>/formulir/<int:pk>/media/<str:filename>", openrosa.media, name="media"),
    path("lapangan/odk/<str:token>/formulir/<int:pk>/isi/", openrosa.web_form, name="web_form"),
    # Review (people).
    path("lapangan/", views.home, name="home"),
    path("lapangan/dusun/<str:kode>/", views.dusun, name="dusun"),
    path("lapangan/dusun/<str:kode>/impor/", views.import_export, name="import_export"),
    path("lapangan/perangkat/<uuid:uuid>/cabut/", views.revoke, name="revoke"),
    path("lapangan/formulir/<int:pk>/buka-tutup/", views.form_open, name="form_open"),
    path("lapangan/kiriman/<uuid:uuid>/", views.detail, name="detail"),
    path("lapangan/kiriman/<uuid:uuid>/lampiran/<int:pk>/", views.attachment, name="attachment"),
]

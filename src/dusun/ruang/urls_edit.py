"""URLs: drawing and editing features in the browser, and the JSON API behind it (see ruang/urls.py)."""

from django.urls import path

from . import api_edit, views_edit

urlpatterns = [
    path("dusun/<str:kode>/peta/sunting/", views_edit.village_editor, name="edit-village"),
    # <str:…> rather than <int:…>/<slug:…>: an unknown layer or a malformed id gets a JSON 404 from the
    # API, not the HTML error page.
    path("api/v1/ruang/<str:layer>/", api_edit.features, name="api-features"),
    path("api/v1/ruang/<str:layer>/<str:pk>/", api_edit.feature, name="api-feature"),
    path("api/v1/ruang/<str:layer>/<str:pk>/riwayat/", api_edit.feature_history, name="api-feature-history"),
]

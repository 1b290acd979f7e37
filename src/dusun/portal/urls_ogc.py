"""/ogc/ — OGC API – Features (Part 1 Core, GeoJSON, CRS84) for the public layers.

Paths follow the standard (no trailing slash; one is tolerated, some clients add it). Ids are matched
loosely on purpose: an unknown collection or feature gets the JSON 404 of the view, not an HTML page.
"""

from django.urls import path, re_path

from .ogc import views

app_name = "ogc"
urlpatterns = [
    path("", views.landing, name="landing"),
    re_path(r"^api/?$", views.api, name="api"),
    re_path(r"^conformance/?$", views.conformance, name="conformance"),
    re_path(r"^collections/?$", views.collections_list, name="collections"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/?$", views.collection, name="collection"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/?$", views.items, name="items"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/(?P<feature_id>[^/]+)/?$", views.item, name="item"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not-found"),
]

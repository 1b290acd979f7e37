"""/api/v1/ — the documented REST API (django-ninja); the OpenAPI document is /api/v1/openapi.json.

Included from dusun/urls.py as `path("api/v1/", api.urls)`, which keeps ninja's own namespace ("api").
"""

from ninja import NinjaAPI

api = NinjaAPI(title="Dusun Online API", version="1", urls_namespace="api")

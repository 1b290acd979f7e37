"""Public, read-only API of the administrative hierarchy (no personal data here by construction)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import selectors

MAX_TILE_ZOOM = 18


@require_GET
@cache_control(public=True, max_age=300)
def village_geojson(request: HttpRequest) -> JsonResponse:
    """`/api/v1/dusun.geojson`: every village of the kabupaten with code, name, kecamatan and area."""
    collection = selectors.village_feature_collection(selectors.home_kabupaten())
    response = JsonResponse(collection, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Content-Type"] = "application/geo+json"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def village_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """`/tiles/dusun/{z}/{x}/{y}.pbf`: village boundaries as Mapbox Vector Tiles."""
    if z > MAX_TILE_ZOOM or x >= 2**z or y >= 2**z:
        return JsonResponse({"error": "Tile di luar jangkauan (z ≤ 18, 0 ≤ x,y < 2^z)."}, status=404)
    tile = selectors.vector_tile(z, x, y, selectors.home_kabupaten())
    return HttpResponse(tile, content_type="application/vnd.mapbox-vector-tile")

"""The public GeoJSON API and the vector tiles."""

import math

import pytest

from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point


def test_village_geojson_lists_all_153_villages(client, reference_data):
    response = client.get("/api/v1/dusun.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 153
    telang = next(f for f in data["features"] if f["properties"]["kode"] == "15.08.14.2009")
    assert telang["properties"] == {
        "kode": "15.08.14.2009",
        "kode_bps": "1509032001",
        "nama": "Sungai Telang",
        "jenis": "desa",
        "kecamatan_kode": "15.08.14",
        "kecamatan_nama": "Bathin III Ulu",
        "area_ha": pytest.approx(15580.0, abs=0.1),
    }
    assert telang["geometry"]["type"] == "MultiPolygon"
    total = sum(f["properties"]["area_ha"] for f in data["features"])
    assert abs(total - 476_050) / 476_050 < 0.005


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ (web mercator) tile containing a point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_vector_tile_covering_bungo_is_a_non_empty_mvt(client, reference_data):
    x, y = tile_of(*label_point(Wilayah.objects.get(kode="15.08.14.2009")), z=8)
    response = client.get(f"/tiles/dusun/8/{x}/{y}.pbf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert len(response.content) > 1000
    assert b"dusun" in response.content and b"Sungai Telang" in response.content


def test_tile_far_from_bungo_is_empty(client, reference_data):
    response = client.get("/tiles/dusun/8/0/0.pbf")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("path", ["/tiles/dusun/30/0/0.pbf", "/tiles/dusun/3/8/0.pbf", "/tiles/dusun/3/0/99.pbf"])
def test_out_of_range_tiles_are_404_not_500(client, reference_data, path):
    assert client.get(path).status_code == 404

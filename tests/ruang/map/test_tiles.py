"""Vector tiles of the spatial layers: decoded bytes, properties, snapshots, zoom rules and errors."""

import gzip

import pytest

from dusun.ruang import tiles
from dusun.ruang.models import Building, LandCover, LandCoverSnapshot, LegendClass
from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point

from .conftest import SMALL_VILLAGES, TRANSMIGRATION, UPLAND, URBAN, tile_of
from .mvt import decode


def village_tile(kode: str, z: int) -> tuple[int, int, int]:
    x, y = tile_of(*label_point(Wilayah.objects.get(kode=kode)), z=z)
    return z, x, y


def get_tile(client, layer: str, z: int, x: int, y: int, query: str = ""):
    return client.get(f"/tiles/{layer}/{z}/{x}/{y}.pbf{query}")


def test_land_cover_tile_carries_the_legend_class_colour_and_village(client, demo):
    z, x, y = village_tile(UPLAND, 14)
    response = get_tile(client, "tutupan-lahan", z, x, y)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layer = decode(response.content)["tutupan-lahan"]
    assert layer.extent == 4096 and layer.version == 2
    assert len(layer.features) > 10
    colours = dict(LegendClass.objects.filter(legend__code="icraf-bungo").values_list("code", "colour"))
    for feature in layer.features:
        p = feature.properties
        assert feature.type == "Polygon" and feature.id is not None
        assert p["dusun"] in SMALL_VILLAGES
        assert p["warna"] == colours[p["kelas"]]  # colour comes from LegendClass.colour
        assert p["area_ha"] > 0 and p["demo"] is True
        assert {"kelas_nama", "dusun_nama"} <= p.keys()
    # Feature ids are the land-cover rows of the latest snapshot.
    latest = LandCoverSnapshot.objects.filter(is_demo=True).order_by("-year").first()
    ids = [f.id for f in layer.features]
    assert set(LandCover.objects.filter(pk__in=ids).values_list("snapshot_id", flat=True)) == {latest.pk}


def test_snapshot_parameter_selects_the_snapshot(client, demo):
    z, x, y = village_tile(UPLAND, 14)
    for snapshot in LandCoverSnapshot.objects.filter(is_demo=True):
        layer = decode(get_tile(client, "tutupan-lahan", z, x, y, f"?snapshot={snapshot.pk}").content)["tutupan-lahan"]
        ids = {f.id for f in layer.features}
        assert ids
        assert set(LandCover.objects.filter(pk__in=ids).values_list("snapshot_id", flat=True)) == {snapshot.pk}
        # The tile shows each polygon with its class in that snapshot.
        classes = dict(LandCover.objects.filter(pk__in=ids).values_list("pk", "klass__code"))
        assert all(classes[f.id] == f.properties["kelas"] for f in layer.features)


def test_small_scales_show_the_dominant_class_per_cell(client, demo):
    z, x, y = village_tile(UPLAND, 9)
    layer = decode(get_tile(client, "tutupan-lahan", z, x, y).content)["tutupan-lahan"]
    assert layer.features
    assert all(f.properties["ringkasan"] is True and f.id is None for f in layer.features)
    codes = {f.properties["kelas"] for f in layer.features}
    present = set(LandCover.objects.filter(dusun__kode__in=SMALL_VILLAGES).values_list("klass__code", flat=True))
    assert codes <= present
    # The upland village is mostly forest, so forest classes must be among the cells.
    assert codes & {"1", "2", "3"}


def test_buildings_start_at_their_minimum_zoom(client, demo):
    z, x, y = village_tile(URBAN, 12)
    assert get_tile(client, "bangunan", z, x, y).status_code == 204
    z, x, y = village_tile(URBAN, 15)
    response = get_tile(client, "bangunan", z, x, y)
    assert response.status_code == 200
    features = decode(response.content)["bangunan"].features
    assert features and all(f.type == "Polygon" and f.properties["use"] for f in features)
    assert Building.objects.filter(pk__in=[f.id for f in features], dusun__kode=URBAN).count() == len(features)


def test_lines_and_points_tiles(client, demo):
    z, x, y = village_tile(TRANSMIGRATION, 14)
    lines = decode(get_tile(client, "jaringan", z, x, y).content)["jaringan"].features
    assert lines and {f.type for f in lines} == {"LineString"}
    assert "jalan" in {f.properties["kind"] for f in lines}
    assert all(f.properties["length_m"] > 0 for f in lines)
    z, x, y = village_tile(URBAN, 15)
    points = decode(get_tile(client, "fasilitas", z, x, y).content)["fasilitas"].features
    assert points and {f.type for f in points} == {"Point"}
    assert "kantor_desa" in {f.properties["kind"] for f in points}


def test_footpaths_are_left_out_at_small_scales(client, demo):
    z, x, y = village_tile(UPLAND, 12)
    coarse = decode(get_tile(client, "jaringan", z, x, y).content)["jaringan"].features
    assert coarse and "setapak" not in {f.properties.get("surface") for f in coarse}
    z, x, y = village_tile(UPLAND, 14)
    detailed = decode(get_tile(client, "jaringan", z, x, y).content)["jaringan"].features
    assert detailed


@pytest.mark.parametrize("layer", sorted(tiles.TILE_LAYERS))
def test_a_tile_without_data_is_an_empty_204(client, demo, layer):
    response = get_tile(client, layer, 14, 0, 0)
    assert response.status_code == 204
    assert response.content == b""
    assert response["ETag"]


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/tiles/tutupan-lahan/30/0/0.pbf", 404, "di luar jangkauan"),
        ("/tiles/tutupan-lahan/3/8/0.pbf", 404, "di luar jangkauan"),
        ("/tiles/bangunan/3/0/99.pbf", 404, "di luar jangkauan"),
        ("/tiles/bangunan/17/0/0.pbf", 404, "zoom 0–16"),
        ("/tiles/tidak-ada/1/0/0.pbf", 404, "Lapisan yang tersedia"),
        ("/tiles/tutupan-lahan/12/0/0.pbf?snapshot=abc", 400, "nomor potret"),
        ("/tiles/tutupan-lahan/12/0/0.pbf?snapshot=999999", 404, "tidak ada"),
        ("/tiles/tidak-ada.json", 404, "Lapisan yang tersedia"),
    ],
)
def test_bad_tile_requests_answer_json_not_500(client, demo, path, status, words):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert words in response.json()["error"]


def test_village_boundary_tiles_are_still_served_by_the_wilayah_app(client, demo):
    z, x, y = village_tile(UPLAND, 8)
    response = client.get(f"/tiles/dusun/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    assert "dusun" in decode(response.content)


def test_endpoint_serves_exactly_what_the_tile_sql_renders(client, demo):
    z, x, y = village_tile(TRANSMIGRATION, 13)
    layer = tiles.TILE_LAYERS["tutupan-lahan"]
    snapshot = LandCoverSnapshot.objects.filter(is_demo=True).order_by("-year").first()
    raw = tiles.render_tile(layer, z, x, y, snapshot.pk)
    assert raw and get_tile(client, "tutupan-lahan", z, x, y, f"?snapshot={snapshot.pk}").content == raw
    compressed = client.get(
        f"/tiles/tutupan-lahan/{z}/{x}/{y}.pbf?snapshot={snapshot.pk}", HTTP_ACCEPT_ENCODING="gzip, br"
    )
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == raw
    assert len(compressed.content) < len(raw)

"""Bad input to the feature API: a precise message in Bahasa (400/404/405/413), never a 500, and nothing
written."""

import json

import pytest

from dusun.ruang.api_edit import MAX_BODY_BYTES
from dusun.ruang.forms_edit import GeometryError, parse_geometry
from dusun.ruang.models import Facility, FeatureRevision, LandCover, Legend, LineFeature

from .conftest import TELANG, client_for, feature, square

pytestmark = pytest.mark.django_db


def post(client, layer, body):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(f"/api/v1/ruang/{layer}/", data, content_type="application/json")


def assert_refused(response, field, fragment, status=400):
    assert response.status_code == status, response.content
    messages = response.json()["errors"][field]
    assert any(fragment in m for m in messages), messages
    assert not Facility.objects.exists() and not LandCover.objects.exists() and not LineFeature.objects.exists()
    assert not FeatureRevision.objects.exists()


def bowtie(lon, lat, d=0.001):
    return [[[lon, lat], [lon + d, lat + d], [lon + d, lat], [lon, lat + d], [lon, lat]]]


def test_geometry_outside_the_village(operator):
    jakarta = {"type": "Point", "coordinates": [106.8, -6.2]}
    response = post(client_for(operator), "fasilitas", json.loads(feature(jakarta, dusun=TELANG, kind="sd")))
    assert_refused(response, "geometry", "di luar batas")


def test_self_intersecting_polygon_is_explained_with_its_place(operator, snapshot, inside):
    lon, lat = inside
    body = json.loads(
        feature(
            {"type": "Polygon", "coordinates": bowtie(lon, lat)}, dusun=TELANG, snapshot=snapshot.pk, klass_code="10"
        )
    )
    response = post(client_for(operator), "tutupan-lahan", body)
    assert_refused(response, "geometry", "bersilangan")
    x, y = response.json()["location"]
    assert x == pytest.approx(lon + 0.0005, abs=1e-6) and y == pytest.approx(lat + 0.0005, abs=1e-6)


@pytest.mark.parametrize(
    ("layer", "geometry", "fragment"),
    [
        ("fasilitas", {"type": "LineString", "coordinates": [[101.8, -1.7], [101.81, -1.7]]}, "hanya menerima titik"),
        ("jaringan", {"type": "Point", "coordinates": [101.8, -1.7]}, "bukan titik"),
        ("tutupan-lahan", {"type": "MultiPoint", "coordinates": [[101.8, -1.7]]}, "poligon, multi-poligon"),
    ],
)
def test_wrong_geometry_type(operator, snapshot, layer, geometry, fragment):
    body = json.loads(feature(geometry, dusun=TELANG, kind="sd", snapshot=snapshot.pk, klass_code="10"))
    assert_refused(post(client_for(operator), layer, body), "geometry", fragment)


@pytest.mark.parametrize(
    ("geometry", "fragment"),
    [
        (None, "objek GeoJSON"),
        ("POINT (101.8 -1.7)", "objek GeoJSON"),
        ({"type": "Circle", "coordinates": [101.8, -1.7]}, "tidak dikenal"),
        ({"type": "GeometryCollection", "geometries": []}, "GeometryCollection"),
        ({"type": "Point"}, "koordinat"),
        ({"type": "Point", "coordinates": [-1.7, 101.8]}, "urutannya terbalik"),
        ({"type": "Point", "coordinates": [402000, 9810000]}, "meter"),
        ({"type": "Point", "coordinates": ["101.8", "-1.7"]}, "bukan angka"),
        ({"type": "Point", "coordinates": [True, False]}, "bukan angka"),
        ({"type": "Point", "coordinates": [float("nan"), -1.7]}, "NaN"),  # json.dumps writes NaN
        ({"type": "Point", "coordinates": [float("inf"), -1.7]}, "NaN"),
        ({"type": "Point", "coordinates": [101.8]}, "[bujur, lintang]"),
        ({"type": "Point", "coordinates": [[101.8, -1.7]]}, "[bujur, lintang]"),
        ({"type": "LineString", "coordinates": [101.8, -1.7]}, "[bujur, lintang]"),
        ({"type": "Polygon", "coordinates": [101.8, -1.7]}, "Susunan koordinat"),
        ({"type": "LineString", "coordinates": [[101.8, -1.7]]}, "sedikitnya 2"),
        ({"type": "LineString", "coordinates": []}, "kosong"),
        ({"type": "Polygon", "coordinates": [[[101.8, -1.7], [101.81, -1.7], [101.81, -1.69]]]}, "sedikitnya 3"),
        (
            {"type": "Polygon", "coordinates": [[[101.8, -1.7], [101.81, -1.7], [101.81, -1.69], [101.8, -1.69]]]},
            "tidak tertutup",
        ),
    ],
)
def test_malformed_geojson_geometry(operator, snapshot, geometry, fragment):
    body = {"type": "Feature", "geometry": geometry, "properties": {"dusun": TELANG, "kind": "sd"}}
    response = post(client_for(operator), "fasilitas", body)
    assert_refused(response, "geometry", fragment)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{not json", "bukan JSON"),
        ("", "bukan JSON"),
        (b"\xff\xfe\x00", "bukan JSON"),
        ("[]", "GeoJSON Feature"),
        ('{"type": "FeatureCollection", "features": []}', "GeoJSON Feature"),
        ('{"type": "Point", "coordinates": [101.8, -1.7]}', "GeoJSON Feature"),
        ("1e999", "GeoJSON Feature"),
        ("[" * 100_000 + "]" * 100_000, "terlalu dalam"),
    ],
)
def test_malformed_json(operator, body, fragment):
    assert_refused(post(client_for(operator), "fasilitas", body), "__all__", fragment)


def test_properties_must_be_an_object(operator, inside):
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(inside)}, "properties": [1]}
    assert_refused(post(client_for(operator), "fasilitas", body), "properties", "objek")


@pytest.mark.parametrize(
    ("properties", "field", "fragment"),
    [
        ({"kind": "sd"}, "dusun", "properties.dusun"),
        ({"dusun": "15.08.14", "kind": "sd"}, "dusun", "bukan kode desa"),
        ({"dusun": TELANG}, "kind", "tidak boleh kosong"),
        ({"dusun": TELANG, "kind": "kastil"}, "kind", "kastil"),
        ({"dusun": TELANG, "kind": "sd", "name": ["a", "b"]}, "name", "bukan daftar"),
        ({"dusun": TELANG, "kind": "sd", "survey_date": "kemarin"}, "survey_date", "tanggal"),
        ({"dusun": TELANG, "kind": "sd", "name": "x" * 201}, "name", "200"),
    ],
)
def test_attribute_errors_name_the_field(operator, inside, properties, field, fragment):
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(inside)}, "properties": properties}
    response = post(client_for(operator), "fasilitas", body)
    assert response.status_code == 400
    assert any(fragment.lower() in m.lower() for m in response.json()["errors"][field]), response.json()
    assert not Facility.objects.exists()


def test_land_cover_class_must_belong_to_the_snapshot_legend(operator, snapshot, inside):
    lon, lat = inside
    klhk_class = Legend.objects.get(code="klhk-23").classes.first()
    base = {"dusun": TELANG, "snapshot": snapshot.pk}
    polygon = {"type": "Polygon", "coordinates": square(lon, lat)}
    wrong = post(client_for(operator), "tutupan-lahan", json.loads(feature(polygon, **base, klass=klhk_class.pk)))
    assert_refused(wrong, "klass", "bukan bagian legenda")
    unknown = post(client_for(operator), "tutupan-lahan", json.loads(feature(polygon, **base, klass_code="999")))
    assert_refused(unknown, "klass", "'999' tidak ada")
    other = snapshot.legend.classes.get(code="20").pk
    conflict = post(
        client_for(operator), "tutupan-lahan", json.loads(feature(polygon, **base, klass=other, klass_code="10"))
    )
    assert_refused(conflict, "klass", "berbeda")
    no_snapshot = post(
        client_for(operator), "tutupan-lahan", json.loads(feature(polygon, dusun=TELANG, klass_code="10"))
    )
    assert_refused(no_snapshot, "snapshot", "tidak boleh kosong")


def test_huge_payload_is_refused_before_it_is_read(operator, inside):
    lon, lat = inside
    padding = "x" * (MAX_BODY_BYTES + 10)
    body = feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="sd", note=padding)
    assert_refused(post(client_for(operator), "fasilitas", body), "__all__", "terlalu besar", status=413)


def test_too_many_vertices(operator, inside):
    lon, lat = inside
    line = [[lon + i * 1e-7, lat] for i in range(50_001)]
    body = json.loads(feature({"type": "LineString", "coordinates": line}, dusun=TELANG, kind="jalan"))
    assert_refused(post(client_for(operator), "jaringan", body), "geometry", "lebih dari 50.000")


def test_unknown_layer_id_and_method_answer_in_json(operator, reference_data):
    client = client_for(operator)
    unknown_layer = client.get("/api/v1/ruang/kastil/", {"dusun": TELANG})
    assert unknown_layer.status_code == 404 and "kastil" in unknown_layer.json()["errors"]["layer"][0]
    assert "fasilitas" in unknown_layer.json()["layers"]
    for bad_id in ("abc", "999999", "1.5", "-1", "9" * 30):
        response = client.get(f"/api/v1/ruang/fasilitas/{bad_id}/")
        assert response.status_code == 404 and response.json()["errors"]["__all__"], bad_id
    not_allowed = client.put("/api/v1/ruang/fasilitas/", "{}", "application/json")
    assert not_allowed.status_code == 405 and "PUT" in not_allowed.json()["errors"]["__all__"][0]
    assert "POST" in not_allowed["Allow"]


def test_update_with_bad_input_keeps_the_feature(operator, inside):
    lon, lat = inside
    created = post(
        client_for(operator),
        "fasilitas",
        json.loads(feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="sd", name="Tetap")),
    )
    pk = created.json()["id"]
    client = client_for(operator)
    url = f"/api/v1/ruang/fasilitas/{pk}/"
    outside = client.put(url, feature({"type": "Point", "coordinates": [106.8, -6.2]}, kind="sd"), "application/json")
    assert outside.status_code == 400 and "di luar batas" in outside.json()["errors"]["geometry"][0]
    missing_geometry = client.put(
        url, json.dumps({"type": "Feature", "properties": {"kind": "sd"}}), "application/json"
    )
    assert missing_geometry.status_code == 400 and "geometry" in missing_geometry.json()["errors"]
    broken = client.patch(url, "{", "application/json")
    assert broken.status_code == 400
    facility = Facility.objects.get(pk=pk)
    assert facility.name == "Tetap" and facility.geom.coords == pytest.approx((lon, lat))
    assert FeatureRevision.objects.filter(feature_id=pk, layer="fasilitas").count() == 1


def test_altitude_is_dropped_not_refused():
    geom = parse_geometry({"type": "LineString", "coordinates": [[101.8, -1.7, 55.0], [101.81, -1.7, 60.0]]})
    assert not geom.hasz and geom.coords == ((101.8, -1.7), (101.81, -1.7)) and geom.srid == 4326


def test_parse_geometry_builds_every_simple_feature_type():
    ring = [[101.8, -1.7], [101.81, -1.7], [101.81, -1.69], [101.8, -1.7]]
    for geometry, expected in [
        ({"type": "Point", "coordinates": [101.8, -1.7]}, "Point"),
        ({"type": "MultiPoint", "coordinates": [[101.8, -1.7], [101.9, -1.7]]}, "MultiPoint"),
        ({"type": "MultiLineString", "coordinates": [ring[:2], ring[1:3]]}, "MultiLineString"),
        ({"type": "Polygon", "coordinates": [ring]}, "Polygon"),
        ({"type": "MultiPolygon", "coordinates": [[ring]]}, "MultiPolygon"),
    ]:
        assert parse_geometry(geometry).geom_type == expected
    with pytest.raises(GeometryError):
        parse_geometry({"type": "MultiPolygon", "coordinates": [ring]})


def test_editor_and_import_report_explain_invalid_geometry_with_one_table():
    from django.contrib.gis.geos import GEOSGeometry

    from dusun.ruang import importer
    from dusun.ruang.forms_edit import check_geometry
    from dusun.ruang.geometry_messages import explain_validity
    from dusun.ruang.layers import LAYERS

    bowtie = GEOSGeometry("SRID=4326;POLYGON((102 -1.5, 102.001 -1.499, 102.001 -1.5, 102 -1.499, 102 -1.5))")
    detail, place = explain_validity(bowtie.valid_reason)
    assert "saling bersilangan" in detail and place is not None
    with pytest.raises(GeometryError) as editor:
        check_geometry(LAYERS["kawasan"], bowtie)
    assert detail in editor.value.messages[0]
    report = importer.issue_message({"code": "repaired", "params": {"reason": bowtie.valid_reason}}, {})
    failed = importer.issue_message(
        {"code": "repair_failed", "params": {"reason": bowtie.valid_reason, "result": "GEOMETRYCOLLECTION"}}, {}
    )
    assert detail in report and detail in failed and "Self-intersection" not in report + failed
    assert "GEOMETRYCOLLECTION" not in failed and "kumpulan geometri" in failed

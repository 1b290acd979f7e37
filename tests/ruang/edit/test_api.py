"""The feature API: create, read, replace, patch, delete and history for every geometry kind, on PostGIS,
with the geodesic measures and revisions the services keep."""

import json
from decimal import Decimal

import pytest
from django.db import connection

from dusun.ruang.models import Building, Facility, FeatureRevision, LandCover, LineFeature, Potential

from .conftest import BERINGIN, TELANG, client_for, feature, square

pytestmark = pytest.mark.django_db


def geodesic(table: str, pk: int, measure: str) -> float:
    expression = {"ha": "ST_Area(geom::geography) / 10000", "m2": "ST_Area(geom::geography)"}.get(
        measure, "ST_Length(geom::geography)"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (test constants)
        return cursor.fetchone()[0]


def kinds(inside, snapshot):
    lon, lat = inside
    klass = snapshot.legend.classes.get(code="10")
    other_class = snapshot.legend.classes.get(code="20")
    return {
        "point": (
            "fasilitas",
            Facility,
            {"type": "Point", "coordinates": [lon, lat]},
            {"type": "Point", "coordinates": [lon + 0.001, lat]},
            {"kind": "sd", "name": "SD Negeri 101"},
            {"kind": "posyandu"},
            None,
        ),
        "line": (
            "jaringan",
            LineFeature,
            {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.01, lat]]},
            {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.005, lat], [lon + 0.005, lat + 0.005]]},
            {"kind": "jalan", "surface": "tanah", "condition": "rusak_berat", "width_m": 3.5},
            {"kind": "jalan", "surface": "aspal", "condition": "baik"},
            ("length_m", "m"),
        ),
        "polygon": (
            "tutupan-lahan",
            LandCover,
            {"type": "Polygon", "coordinates": square(lon, lat)},
            {"type": "Polygon", "coordinates": square(lon, lat, 0.002)},
            {"snapshot": snapshot.pk, "klass": klass.pk, "name": "Kebun karet"},
            {"snapshot": snapshot.pk, "klass": other_class.pk},
            ("area_ha", "ha"),
        ),
        "building": (
            "bangunan",
            Building,
            {"type": "Polygon", "coordinates": square(lon, lat, 0.0001)},
            {"type": "MultiPolygon", "coordinates": [square(lon, lat, 0.0001), square(lon + 0.001, lat, 0.0001)]},
            {"use": "rumah", "floors": 1},
            {"use": "usaha", "floors": 2},
            ("area_m2", "m2"),
        ),
        "potential-polygon": (
            "potensi",
            Potential,
            {"type": "Polygon", "coordinates": square(lon, lat, 0.0005)},
            {"type": "Point", "coordinates": [lon, lat]},
            {"kind": "lubuk_larangan", "name": "Lubuk Larangan Batang Telang"},
            {"kind": "mata_air"},
            None,
        ),
    }


@pytest.mark.parametrize("kind", ["point", "line", "polygon", "building", "potential-polygon"])
def test_create_read_replace_patch_delete_and_history(kind, telang, operator, snapshot, inside):
    layer, model, geometry, new_geometry, attributes, new_attributes, measure = kinds(inside, snapshot)[kind]
    client = client_for(operator)
    url = f"/api/v1/ruang/{layer}/"

    created = client.post(url, feature(geometry, dusun=TELANG, **attributes), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert created["Location"] == f"{url}{pk}/"
    assert created["Content-Type"] == "application/geo+json"
    assert body["properties"]["dusun"] == TELANG
    instance = model.objects.get(pk=pk)
    assert instance.dusun == telang and instance.created_by == operator
    if measure:
        field, unit = measure
        assert body["properties"][field] == pytest.approx(geodesic(model._meta.db_table, pk, unit), abs=0.01)
        assert getattr(instance, field) > 0

    read = client_for(None).get(f"{url}{pk}/")  # reads are public
    assert read.status_code == 200
    assert read["ETag"] == f'"{read.json()["properties"]["version"]}"'

    replaced = client.put(
        f"{url}{pk}/", feature(new_geometry, dusun=TELANG, **new_attributes), content_type="application/json"
    )
    assert replaced.status_code == 200, replaced.content
    instance.refresh_from_db()
    for name, value in new_attributes.items():
        stored = getattr(instance, model._meta.get_field(name).attname)
        assert str(stored) == str(value)
    # PUT replaces: an attribute left out is emptied.
    assert instance.name == ""
    if measure:
        field, unit = measure
        assert float(getattr(instance, field)) == pytest.approx(geodesic(model._meta.db_table, pk, unit), abs=0.01)
        assert getattr(instance, field) != Decimal(str(body["properties"][field]))

    geometry_before = instance.geom.wkt
    patched = client.patch(
        f"{url}{pk}/", json.dumps({"type": "Feature", "properties": {"name": "Diperbaiki"}}), "application/json"
    )
    assert patched.status_code == 200, patched.content
    instance.refresh_from_db()
    assert instance.name == "Diperbaiki" and instance.geom.wkt == geometry_before
    for name, value in new_attributes.items():  # PATCH keeps what was not sent
        assert str(getattr(instance, model._meta.get_field(name).attname)) == str(value)

    assert client.delete(f"{url}{pk}/").status_code == 204
    assert not model.objects.filter(pk=pk).exists()
    assert client.get(f"{url}{pk}/").status_code == 404

    history = client.get(f"{url}{pk}/riwayat/")
    assert history.status_code == 200
    data = history.json()
    assert data["exists"] is False
    assert [r["action"] for r in data["revisions"]] == ["delete", "update", "update", "create"]
    assert data["revisions"][-1]["user"] == operator.username
    assert data["revisions"][1]["data"]["name"] == "Diperbaiki"


def test_list_is_public_and_holds_one_village(telang, beringin, operator, other_operator, inside, snapshot):
    lon, lat = inside
    client_for(operator).post(
        "/api/v1/ruang/fasilitas/",
        feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="masjid", name="Masjid Raya"),
        content_type="application/json",
    )
    from dusun.wilayah.selectors import label_point

    b_lon, b_lat = label_point(beringin)
    client_for(other_operator).post(
        "/api/v1/ruang/fasilitas/",
        feature({"type": "Point", "coordinates": [b_lon, b_lat]}, dusun=BERINGIN, kind="sd"),
        content_type="application/json",
    )
    response = client_for(None).get("/api/v1/ruang/fasilitas/", {"dusun": TELANG})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in collection["features"]] == ["Masjid Raya"]
    assert collection["features"][0]["properties"]["kind_label"] == "Masjid"
    assert "created_by" not in collection["features"][0]["properties"]


def test_list_of_land_cover_filters_by_snapshot(telang, operator, inside, snapshot):
    from dusun.ruang.models import LandCoverSnapshot

    older = LandCoverSnapshot.objects.create(year=2010, legend=snapshot.legend, name="Lama")
    lon, lat = inside
    for snap, offset in ((snapshot, 0), (older, 0.002)):
        response = client_for(operator).post(
            "/api/v1/ruang/tutupan-lahan/",
            feature(
                {"type": "Polygon", "coordinates": square(lon + offset, lat)},
                dusun=TELANG,
                snapshot=snap.pk,
                klass_code="10",
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    both = client_for(None).get("/api/v1/ruang/tutupan-lahan/", {"dusun": TELANG}).json()
    assert len(both["features"]) == 2
    one = client_for(None).get("/api/v1/ruang/tutupan-lahan/", {"dusun": TELANG, "snapshot": older.pk}).json()
    assert [f["properties"]["snapshot"] for f in one["features"]] == [older.pk]
    assert one["features"][0]["properties"]["klass_code"] == "10"
    assert one["features"][0]["properties"]["colour"].startswith("#")


def test_list_requires_a_known_village(reference_data):
    anonymous = client_for(None)
    missing = anonymous.get("/api/v1/ruang/fasilitas/")
    assert missing.status_code == 400 and "dusun" in missing.json()["errors"]
    assert anonymous.get("/api/v1/ruang/fasilitas/", {"dusun": "99.99.99.9999"}).status_code == 404
    # A kecamatan is not a village.
    assert anonymous.get("/api/v1/ruang/fasilitas/", {"dusun": "15.08.14"}).status_code == 404
    bad_snapshot = anonymous.get("/api/v1/ruang/tutupan-lahan/", {"dusun": TELANG, "snapshot": "abc"})
    assert bad_snapshot.status_code == 400 and "snapshot" in bad_snapshot.json()["errors"]


def test_large_lists_are_compressed_for_slow_connections(telang, operator, inside):
    lon, lat = inside
    for i in range(30):
        client_for(operator).post(
            "/api/v1/ruang/fasilitas/",
            feature({"type": "Point", "coordinates": [lon + i * 0.0001, lat]}, dusun=TELANG, kind="toko"),
            content_type="application/json",
        )
    response = client_for(None).get("/api/v1/ruang/fasilitas/", {"dusun": TELANG}, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"


def test_stale_version_is_refused_and_nothing_is_overwritten(telang, operator, kabupaten_admin, inside):
    lon, lat = inside
    created = client_for(operator).post(
        "/api/v1/ruang/fasilitas/",
        feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="sd", name="Awal"),
        content_type="application/json",
    )
    pk, version = created.json()["id"], created.json()["properties"]["version"]
    # The kabupaten admin saves first…
    first = client_for(kabupaten_admin).patch(
        f"/api/v1/ruang/fasilitas/{pk}/",
        json.dumps({"type": "Feature", "properties": {"name": "Admin"}}),
        "application/json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert first.status_code == 200
    # …so the operator's change, based on the old version, is refused.
    late = client_for(operator).patch(
        f"/api/v1/ruang/fasilitas/{pk}/",
        json.dumps({"type": "Feature", "properties": {"name": "Operator"}}),
        "application/json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert late.status_code == 412
    assert "sudah diubah" in late.json()["errors"]["__all__"][0]
    assert late.json()["current"]["properties"]["name"] == "Admin"
    assert Facility.objects.get(pk=pk).name == "Admin"
    stale_delete = client_for(operator).delete(f"/api/v1/ruang/fasilitas/{pk}/", HTTP_IF_MATCH=f'"{version}"')
    assert stale_delete.status_code == 412 and Facility.objects.filter(pk=pk).exists()


def test_history_shows_editors_only_to_those_who_may_see_the_village(telang, operator, inside):
    lon, lat = inside
    pk = (
        client_for(operator)
        .post(
            "/api/v1/ruang/fasilitas/",
            feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="sd"),
            content_type="application/json",
        )
        .json()["id"]
    )
    public = client_for(None).get(f"/api/v1/ruang/fasilitas/{pk}/riwayat/").json()
    assert public["revisions"][0]["user"] is None and public["exists"] is True
    assert client_for(operator).get(f"/api/v1/ruang/fasilitas/{pk}/riwayat/").json()["revisions"][0]["user"] == (
        "op-telang"
    )
    assert client_for(None).get("/api/v1/ruang/fasilitas/999999/riwayat/").status_code == 404
    assert FeatureRevision.objects.filter(layer="fasilitas", feature_id=pk).count() == 1


def test_a_feature_read_from_the_api_can_be_sent_back_unchanged(telang, operator, snapshot, inside):
    """Scripts read, change one property and write back the whole Feature: read-only extras are ignored."""
    lon, lat = inside
    client = client_for(operator)
    created = client.post(
        "/api/v1/ruang/tutupan-lahan/",
        feature(
            {"type": "Polygon", "coordinates": square(lon, lat)},
            dusun=TELANG,
            snapshot=snapshot.pk,
            klass_code="17",
            survey_date="2024-03-05",
        ),
        content_type="application/json",
    ).json()
    created["properties"]["name"] = "Sawit rakyat"
    response = client.put(
        f"/api/v1/ruang/tutupan-lahan/{created['id']}/",
        json.dumps(created),
        "application/json",
        HTTP_IF_MATCH=f'"{created["properties"]["version"]}"',
    )
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["properties"]["name"] == "Sawit rakyat"
    for name in ("klass", "klass_code", "snapshot", "survey_date", "area_ha", "dusun"):
        assert after["properties"][name] == created["properties"][name], name
    assert after["geometry"] == created["geometry"]
    assert after["properties"]["version"] != created["properties"]["version"]


@pytest.mark.django_db(transaction=True)  # the version moves once per committed transaction, as requests do
def test_every_edit_moves_the_layer_version_so_cached_tiles_are_not_served(telang, operator, inside):
    from dusun.ruang.models import LayerVersion

    def version():
        row = LayerVersion.objects.filter(layer="fasilitas").first()
        return row.version if row else 0

    lon, lat = inside
    client = client_for(operator)
    before = version()
    pk = client.post(
        "/api/v1/ruang/fasilitas/",
        feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="sd"),
        content_type="application/json",
    ).json()["id"]
    after_create = version()
    assert after_create > before
    client.patch(
        f"/api/v1/ruang/fasilitas/{pk}/",
        json.dumps({"type": "Feature", "properties": {"name": "x"}}),
        "application/json",
    )
    after_update = version()
    assert after_update > after_create
    client.delete(f"/api/v1/ruang/fasilitas/{pk}/")
    assert version() > after_update

"""TileJSON documents, HTTP validators (ETag, Last-Modified, 304), the version triggers and the tile cache."""

from datetime import date

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from dusun.akun.models import User
from dusun.ruang import services, tiles
from dusun.ruang.layers import LAYERS
from dusun.ruang.models import Facility, FacilityKind, LandCoverSnapshot, LegendClass
from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point

from .conftest import URBAN, tile_of
from .mvt import decode


@pytest.fixture
def admin(demo):
    return User.objects.create_superuser("admin-peta", password="rahasia-sekali-123")


def urban_tile(z: int = 15) -> tuple[int, int, int]:
    x, y = tile_of(*label_point(Wilayah.objects.get(kode=URBAN)), z=z)
    return z, x, y


@pytest.mark.parametrize("slug", sorted(LAYERS))
def test_tilejson_describes_each_layer(client, demo, slug):
    response = client.get(f"/tiles/{slug}.json")
    assert response.status_code == 200
    doc = response.json()
    layer = tiles.TILE_LAYERS[slug]
    assert doc["tilejson"] == "3.0.0"
    assert doc["scheme"] == "xyz"
    assert doc["tiles"][0].startswith(f"http://testserver/tiles/{slug}/{{z}}/{{x}}/{{y}}.pbf?")
    assert (doc["minzoom"], doc["maxzoom"]) == (layer.minzoom, layer.maxzoom)
    west, south, east, north = doc["bounds"]
    assert 101.3 < west < east < 102.6 and -2.0 < south < north < -1.0  # Kabupaten Bungo
    (vector_layer,) = doc["vector_layers"]
    assert vector_layer["id"] == slug
    attributes = {f.name for f in LAYERS[slug].attribute_fields} - {"note", "snapshot", "klass"}
    assert attributes <= vector_layer["fields"].keys()
    assert set(vector_layer["fields"].values()) <= {"String", "Number", "Boolean"}


def test_tilejson_pins_the_snapshot_and_version_and_its_url_works(client, demo):
    snapshot = LandCoverSnapshot.objects.filter(is_demo=True).order_by("year").first()
    doc = client.get(f"/tiles/tutupan-lahan.json?snapshot={snapshot.pk}").json()
    url = doc["tiles"][0]
    assert f"snapshot={snapshot.pk}&v=" in url
    z, x, y = urban_tile(14)
    response = client.get(url.replace("http://testserver", "").format(z=z, x=x, y=y))
    assert response.status_code == 200
    # A URL naming the current version never changes content: it may be cached for long.
    assert response["Cache-Control"] == "public, max-age=86400"
    assert decode(response.content)["tutupan-lahan"].features


def test_conditional_get_answers_304(client, demo):
    z, x, y = urban_tile()
    path = f"/tiles/bangunan/{z}/{x}/{y}.pbf"
    first = client.get(path)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60, must-revalidate"
    etag, last_modified = first["ETag"], first["Last-Modified"]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='W/"sudah-lama"').status_code == 200
    tilejson = client.get("/tiles/bangunan.json")
    assert client.get("/tiles/bangunan.json", HTTP_IF_NONE_MATCH=tilejson["ETag"]).status_code == 304


def test_etag_and_tile_change_when_a_feature_is_added_through_the_services(client, demo, admin):
    z, x, y = urban_tile()
    path = f"/tiles/fasilitas/{z}/{x}/{y}.pbf"
    before = client.get(path)
    names = {f.properties.get("name") for f in decode(before.content)["fasilitas"].features}
    lon, lat = label_point(Wilayah.objects.get(kode=URBAN))
    services.create_feature(
        LAYERS["fasilitas"],
        user=admin,
        dusun=Wilayah.objects.get(kode=URBAN),
        geom=Point(lon, lat, srid=4326),
        attributes={"kind": FacilityKind.POSYANDU, "name": "Posyandu Uji Baru"},
    )
    assert client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    after = client.get(path)
    assert after["ETag"] != before["ETag"]
    new_names = {f.properties.get("name") for f in decode(after.content)["fasilitas"].features}
    assert new_names - names == {"Posyandu Uji Baru"}  # the server cache did not serve the old tile


def test_raw_sql_writes_move_the_version_through_the_trigger(client, demo):
    z, x, y = urban_tile()
    path = f"/tiles/fasilitas/{z}/{x}/{y}.pbf"
    etags = [client.get(path)["ETag"]]
    village = Wilayah.objects.get(kode=URBAN)
    lon, lat = label_point(village)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO ruang_facility (name, source, note, created_at, updated_at, is_demo, kind, condition,
                                           geom, dusun_id)
               VALUES ('Masjid SQL', '', '', now(), now(), false, 'masjid', '',
                       ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s)""",
            [lon, lat, village.pk],
        )
    etags.append(client.get(path)["ETag"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ruang_facility SET name = 'Masjid SQL Raya' WHERE name = 'Masjid SQL'")
    etags.append(client.get(path)["ETag"])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ruang_facility WHERE name = 'Masjid SQL Raya'")
    etags.append(client.get(path)["ETag"])
    assert len(set(etags)) == 4


def test_truncate_and_legend_edits_move_the_versions(demo):
    parcels = tiles.TILE_LAYERS["persil"]
    before = tiles.layer_state(parcels).token("persil")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE ruang_parcel CASCADE")  # (rolled back with the test)
    assert tiles.layer_state(parcels).token("persil") != before

    land_cover = tiles.TILE_LAYERS["tutupan-lahan"]
    before = tiles.layer_state(land_cover).token("tutupan-lahan")
    LegendClass.objects.filter(legend__code="icraf-bungo", code="10").update(colour="#aa5500")
    assert tiles.layer_state(land_cover).token("tutupan-lahan") != before  # tiles carry the class colour


def test_every_layer_table_has_the_version_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE t.tgname LIKE 'ruang_layer_version_bump%%'"""
        )
        found = set(cursor.fetchall())
    for spec in LAYERS.values():
        table = spec.model._meta.db_table
        assert (table, "ruang_layer_version_bump") in found, table
        assert (table, "ruang_layer_version_bump_truncate") in found, table


def test_inside_a_transaction_tiles_are_never_cached(client, demo):
    """Uncommitted data (and a savepoint rolled back later) must not leave tiles in the shared cache."""
    z, x, y = urban_tile(14)
    layer = tiles.TILE_LAYERS["tutupan-lahan"]
    state = tiles.layer_state(layer)
    assert tiles.cached_tile_gzip(layer, state, z, x, y)[1] is False
    assert tiles.cached_tile_gzip(layer, state, z, x, y)[1] is False
    assert (
        tiles.tile_cache().get(tiles.cache_key(layer.slug, state.token(layer.slug), state.snapshot_id, z, x, y)) is None
    )


def test_facility_written_as_demo_false_is_kept_by_the_tile_as_real_data(client, demo, admin):
    """The `demo` property lets the map tell synthetic from real features."""
    village = Wilayah.objects.get(kode=URBAN)
    lon, lat = label_point(village)
    real = services.create_feature(
        LAYERS["fasilitas"],
        user=admin,
        dusun=village,
        geom=Point(lon + 0.0001, lat, srid=4326),
        attributes={"kind": FacilityKind.PASAR, "name": "Pasar Nyata", "survey_date": date(2025, 5, 1)},
    )
    z = 16
    x, y = tile_of(lon + 0.0001, lat, z)
    features = decode(client.get(f"/tiles/fasilitas/{z}/{x}/{y}.pbf").content)["fasilitas"].features
    mine = next(f for f in features if f.id == real.pk)
    assert mine.properties["demo"] is False
    assert mine.properties["survey_date"] == "2025-05-01"
    assert Facility.objects.filter(pk=real.pk, is_demo=False).exists()


def test_another_snapshot_is_never_not_modified(client, demo):
    """MapLibre revalidates a tile with the ETag it holds when the snapshot (the URL) changes: the other
    snapshot's tile must come back whole, not as 304."""
    z, x, y = urban_tile(14)
    newer, older = LandCoverSnapshot.objects.filter(is_demo=True).order_by("-year")[:2]
    first = client.get(f"/tiles/tutupan-lahan/{z}/{x}/{y}.pbf?snapshot={newer.pk}")
    other = client.get(f"/tiles/tutupan-lahan/{z}/{x}/{y}.pbf?snapshot={older.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200 and other["ETag"] != first["ETag"]
    assert {f.id for f in decode(other.content)["tutupan-lahan"].features}.isdisjoint(
        {f.id for f in decode(first.content)["tutupan-lahan"].features}
    )


def test_writes_nobody_read_in_between_move_the_version_once(demo):
    """The trigger bumps once per transaction and layer (a 10,000-statement import costs one bump), but a
    read of the version in between makes the next write bump again."""
    layer = tiles.TILE_LAYERS["bencana"]
    start = tiles.layer_state(layer).version
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("UPDATE ruang_hazard SET note = note || '.' WHERE is_demo")
    assert tiles.layer_state(layer).version == start + 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ruang_hazard SET note = '' WHERE is_demo")
    assert tiles.layer_state(layer).version == start + 2

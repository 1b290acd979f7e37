"""The demo generator: inside the real boundaries, a clean tiling, plausible classes, removable."""

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection

from dusun.akun.models import User
from dusun.ruang import services
from dusun.ruang.demo import MODELS, generate_demo_data
from dusun.ruang.layers import LAYERS
from dusun.ruang.models import FacilityKind, LandCoverSnapshot
from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point

from .conftest import SMALL_VILLAGES, TRANSMIGRATION, UPLAND, URBAN


def one(sql: str, params=()) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_small_scale_covers_its_villages_with_every_layer(demo):
    counts = demo.counts
    assert demo.villages == 3
    assert 2000 < counts["tutupan-lahan"] < 20000
    assert counts["bangunan"] > 500 and counts["fasilitas"] > 30 and counts["jaringan"] > 20
    assert counts["kawasan"] >= 1 and counts["potensi"] >= 1
    assert set(LandCoverSnapshot.objects.filter(is_demo=True).values_list("year", flat=True)) == {2010, 2020}
    for model in MODELS:
        assert not model.objects.exclude(dusun__kode__in=SMALL_VILLAGES).filter(is_demo=True).exists()


@pytest.mark.parametrize("kode", SMALL_VILLAGES)
def test_land_cover_tiles_the_village_within_half_a_percent(demo, kode):
    for snapshot in LandCoverSnapshot.objects.filter(is_demo=True):
        mapped, village, outside = one(
            """SELECT sum(l.area_ha)::float8, ST_Area(w.geom::geography) / 10000,
                      ST_Area(ST_Difference(ST_Union(l.geom), w.geom)::geography)
               FROM ruang_landcover l JOIN wilayah_wilayah w ON w.id = l.dusun_id
               WHERE w.kode = %s AND l.snapshot_id = %s GROUP BY w.geom""",
            [kode, snapshot.pk],
        )
        assert abs(mapped - village) / village < 0.005, (kode, snapshot.year, mapped, village)
        assert outside < 1.0  # m², floating-point noise at the boundary at most


@pytest.mark.parametrize("kode", SMALL_VILLAGES)
def test_land_cover_polygons_do_not_overlap(demo, kode):
    overlapping, overlap_m2 = one(
        """SELECT count(*), coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
           FROM ruang_landcover a JOIN ruang_landcover b
             ON a.snapshot_id = b.snapshot_id AND a.id < b.id AND a.geom && b.geom
            AND ST_Relate(a.geom, b.geom, '2********')
           JOIN wilayah_wilayah w ON w.id = a.dusun_id
           WHERE w.kode = %s AND a.is_demo AND b.is_demo""",
        [kode],
    )
    # Touching neighbours share edges; what GEOS reports as interior overlap is rounding (< 1 m² in all).
    assert overlap_m2 < 1.0, (overlapping, overlap_m2)


def test_measures_are_geodesic_and_stored(demo):
    bad_area, bad_length, bad_building = one(
        """SELECT (SELECT count(*) FROM ruang_landcover
                   WHERE is_demo AND abs(area_ha - ST_Area(geom::geography) / 10000) > 0.0001),
                  (SELECT count(*) FROM ruang_linefeature
                   WHERE is_demo AND abs(length_m - ST_Length(geom::geography)) > 0.01),
                  (SELECT count(*) FROM ruang_building
                   WHERE is_demo AND (area_m2 IS NULL OR abs(area_m2 - ST_Area(geom::geography)) > 0.01))"""
    )
    assert (bad_area, bad_length, bad_building) == (0, 0, 0)
    assert one("SELECT count(*) FROM ruang_landcover WHERE is_demo AND NOT ST_IsValid(geom)") == (0,)


def test_everything_lies_in_its_village(demo):
    for model in MODELS:
        table = model._meta.db_table
        (outside,) = one(
            f"""SELECT count(*) FROM {table} f JOIN wilayah_wilayah w ON w.id = f.dusun_id
                WHERE f.is_demo AND NOT ST_Intersects(f.geom, w.geom)"""  # noqa: S608
        )
        assert outside == 0, table
    # Buildings and facilities wholly inside.
    assert one(
        """SELECT count(*) FROM ruang_building b JOIN wilayah_wilayah w ON w.id = b.dusun_id
           WHERE b.is_demo AND NOT ST_Within(b.geom, w.geom)"""
    ) == (0,)


def share(kode: str, codes: tuple[str, ...], year: int = 2020) -> float:
    (value,) = one(
        """SELECT sum(l.area_ha) FILTER (WHERE k.code = ANY(%s)) / sum(l.area_ha)
           FROM ruang_landcover l JOIN ruang_legendclass k ON k.id = l.klass_id
           JOIN ruang_landcoversnapshot s ON s.id = l.snapshot_id JOIN wilayah_wilayah w ON w.id = l.dusun_id
           WHERE w.kode = %s AND s.year = %s AND l.is_demo""",
        [list(codes), kode, year],
    )
    return float(value or 0)


def test_classes_follow_the_landscape(demo):
    # Foothill village of Bathin III Ulu: forest dominates; transmigration village: oil palm; town: houses.
    assert share(UPLAND, ("1", "2", "3")) > 0.4
    assert share(TRANSMIGRATION, ("17",)) > 0.25
    assert share(URBAN, ("25",)) > 0.5
    # Rubber (agroforestry and monoculture) is everywhere outside town, as in Bungo.
    assert share(UPLAND, ("10", "16")) > 0.1 and share(TRANSMIGRATION, ("10", "16")) > 0.1
    # 2010 → 2020: forest lost, oil palm gained (the conversions the 2010 snapshot undoes).
    assert share(UPLAND, ("1", "2", "3"), 2010) > share(UPLAND, ("1", "2", "3"))
    assert share(TRANSMIGRATION, ("17",), 2010) < share(TRANSMIGRATION, ("17",))


def test_buildings_do_not_overlap_and_cluster_along_roads(demo):
    assert one(
        """SELECT count(*) FROM ruang_building a JOIN ruang_building b
           ON a.id < b.id AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom) WHERE a.is_demo AND b.is_demo"""
    ) == (0,)
    # Houses (not garden huts) lie within 60 m of a road of their village.
    far, houses = one(
        """SELECT count(*) FILTER (WHERE NOT EXISTS (
                      SELECT 1 FROM ruang_linefeature l WHERE l.dusun_id = b.dusun_id AND l.kind = 'jalan'
                      AND ST_DWithin(l.geom::geography, b.geom::geography, 60))), count(*)
           FROM ruang_building b WHERE b.is_demo AND b.use = 'rumah'"""
    )
    assert houses > 300 and far == 0


def test_same_seed_same_data(demo):
    before = one("SELECT count(*), round(sum(area_ha), 2) FROM ruang_landcover WHERE is_demo")
    again = generate_demo_data(seed=7, scale="small")
    assert again.counts == demo.counts
    assert one("SELECT count(*), round(sum(area_ha), 2) FROM ruang_landcover WHERE is_demo") == before


def test_removal_leaves_no_demo_rows_and_keeps_real_data(demo):
    admin = User.objects.create_superuser("admin-demo", password="rahasia-sekali-123")
    village = Wilayah.objects.get(kode=UPLAND)
    lon, lat = label_point(village)
    real = services.create_feature(
        LAYERS["fasilitas"],
        user=admin,
        dusun=village,
        geom=Point(lon, lat, srid=4326),
        attributes={"kind": FacilityKind.MASJID, "name": "Masjid Nyata"},
    )
    call_command("remove_demo_ruang", verbosity=0)
    for model in MODELS:
        assert not model.objects.filter(is_demo=True).exists(), model.__name__
    assert not LandCoverSnapshot.objects.filter(is_demo=True).exists()
    assert type(real).objects.filter(pk=real.pk).exists()

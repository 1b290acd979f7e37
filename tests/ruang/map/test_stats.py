"""Area statistics: equal to direct geodesic computations, consistent across levels, API and CSV."""

import csv
import io

import pytest
from django.contrib.gis.geos import Polygon
from django.db import connection

from dusun.akun.models import User
from dusun.ruang import selectors, services
from dusun.ruang.layers import LAYERS
from dusun.ruang.models import Facility, LandCoverSnapshot, Legend
from dusun.wilayah.models import Level, Wilayah
from dusun.wilayah.selectors import label_point

from .conftest import SMALL_VILLAGES, UPLAND


def direct_class_areas(village_ids: list[int], snapshot_id: int) -> dict[str, float]:
    """Hectares per class straight from the geometries, on the ellipsoid (not the stored measures)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT k.code, sum(ST_Area(l.geom::geography)) / 10000 FROM ruang_landcover l
               JOIN ruang_legendclass k ON k.id = l.klass_id
               WHERE l.snapshot_id = %s AND l.dusun_id = ANY(%s) GROUP BY k.code""",
            [snapshot_id, village_ids],
        )
        return dict(cursor.fetchall())


def latest_snapshot() -> LandCoverSnapshot:
    return LandCoverSnapshot.objects.filter(is_demo=True).order_by("-year").first()


def test_village_land_cover_equals_direct_geodesic_areas(demo):
    village = Wilayah.objects.get(kode=UPLAND)
    snapshot = latest_snapshot()
    stats = selectors.landcover_stats(village, snapshot)
    direct = direct_class_areas([village.pk], snapshot.pk)
    assert {c.code: c.ha for c in stats.classes} == pytest.approx(direct, abs=0.01)
    assert stats.total_ha == pytest.approx(sum(direct.values()), abs=0.05)
    assert [c.ha for c in stats.classes] == sorted((c.ha for c in stats.classes), reverse=True)
    assert sum(c.share for c in stats.classes) == pytest.approx(1.0)
    assert stats.natural_forest_ha == pytest.approx(sum(direct.get(code, 0) for code in ("1", "2", "3")), abs=0.01)


def test_kecamatan_and_kabupaten_totals_are_the_sums_of_their_villages(demo):
    snapshot = latest_snapshot()
    villages = {v.kode: v for v in Wilayah.objects.filter(kode__in=SMALL_VILLAGES)}
    kabupaten = Wilayah.objects.get(kode="15.08")
    kab = selectors.landcover_stats(kabupaten, snapshot)
    assert kab.total_ha == pytest.approx(
        sum(selectors.landcover_stats(v, snapshot).total_ha for v in villages.values()), abs=0.01
    )
    kecamatan = Wilayah.objects.get(kode="15.08.14")
    kec = selectors.landcover_stats(kecamatan, snapshot)
    assert kec.total_ha == pytest.approx(selectors.landcover_stats(villages[UPLAND], snapshot).total_ha, abs=1e-6)
    direct = direct_class_areas([v.pk for v in villages.values()], snapshot.pk)
    assert {c.code: c.ha for c in kab.classes} == pytest.approx(direct, abs=0.05)


def test_statistics_follow_an_edit(demo):
    """A polygon drawn through the services shows up in the statistics at once (no stale cache)."""
    admin = User.objects.create_superuser("admin-statistik", password="rahasia-sekali-123")
    village = Wilayah.objects.get(kode=UPLAND)
    snapshot = latest_snapshot()
    before = {c.code: c.ha for c in selectors.landcover_stats(village, snapshot).classes}
    lon, lat = label_point(village)
    square = Polygon.from_bbox((lon, lat, lon + 0.001, lat + 0.001))
    square.srid = 4326
    feature = services.create_feature(
        LAYERS["tutupan-lahan"],
        user=admin,
        dusun=village,
        geom=square,
        attributes={"snapshot": snapshot, "klass": snapshot.legend.classes.get(code="43")},
    )
    after = {c.code: c.ha for c in selectors.landcover_stats(village, snapshot).classes}
    assert after["43"] == pytest.approx(before.get("43", 0) + float(feature.area_ha), abs=1e-4)


def test_landcover_api_shape(client, demo):
    snapshot = latest_snapshot()
    response = client.get(f"/api/v1/dusun/{UPLAND}/landcover/?snapshot={snapshot.year}")
    assert response.status_code == 200
    body = response.json()
    assert body["wilayah"]["kode"] == UPLAND and body["wilayah"]["tingkat"] == "dusun"
    assert body["snapshot"] == {
        "id": snapshot.pk,
        "year": snapshot.year,
        "name": snapshot.name,
        "source": snapshot.source,
        "demo": True,
    }
    assert body["legend"]["code"] == "icraf-bungo"
    assert body["classes"] and set(body["classes"][0]) >= {"code", "name", "ha", "colour", "share", "polygons"}
    assert body["total_ha"] == pytest.approx(sum(c["ha"] for c in body["classes"]), abs=0.01)
    assert body["coverage"] == pytest.approx(1.0, abs=0.005)
    assert sorted(s["year"] for s in body["snapshots_available"]) == [2010, 2020]
    assert "geodesik" in body["method"]
    # Without ?snapshot the latest snapshot is used.
    assert client.get(f"/api/v1/dusun/{UPLAND}/landcover/").json()["snapshot"]["year"] == 2020


@pytest.mark.parametrize("level,kode", [("kecamatan", "15.08.14"), ("kabupaten", "15.08")])
def test_landcover_api_for_kecamatan_and_kabupaten(client, demo, level, kode):
    body = client.get(f"/api/v1/{level}/{kode}/landcover/?snapshot=2010").json()
    assert body["wilayah"]["tingkat"] == level and body["snapshot"]["year"] == 2010
    area = Wilayah.objects.get(kode=kode)
    village_ids = list(
        Wilayah.objects.filter(level=Level.DESA, kode__startswith=kode + ".").values_list("pk", flat=True)
    )
    direct = direct_class_areas(village_ids, body["snapshot"]["id"])
    assert {c["code"]: c["ha"] for c in body["classes"]} == pytest.approx(direct, abs=0.05)
    assert body["wilayah"]["luas_ha"] == pytest.approx(float(area.luas_ha))


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        (f"/api/v1/dusun/{UPLAND}/landcover/?snapshot=abc", 400, "tahun empat angka"),
        (f"/api/v1/dusun/{UPLAND}/landcover/?snapshot=20201", 400, "tahun empat angka"),
        (f"/api/v1/dusun/{UPLAND}/landcover/?snapshot=1999", 404, "Tahun yang tersedia: 2020, 2010"),
        ("/api/v1/dusun/15.08.14/landcover/", 404, "tidak ditemukan"),
        ("/api/v1/kecamatan/15.08.99/landcover/", 404, "tidak ditemukan"),
        ("/api/v1/dusun/15.08.01.2001/landcover/", 404, "Belum ada data tutupan lahan"),
        (f"/api/v1/dusun/{UPLAND}/landcover.csv?snapshot=x", 400, "tahun empat angka"),
    ],
)
def test_bad_statistics_requests_answer_json_in_bahasa(client, demo, path, status, words):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert words in response.json()["error"]


def test_two_snapshots_of_one_year_must_be_told_apart(client, demo):
    admin = User.objects.create_superuser("admin-dua-potret", password="rahasia-sekali-123")
    village = Wilayah.objects.get(kode=UPLAND)
    klhk = Legend.objects.get(code="klhk-23")
    other = LandCoverSnapshot.objects.create(year=2020, legend=klhk, name="KLHK 2020 (uji)")
    lon, lat = label_point(village)
    square = Polygon.from_bbox((lon, lat, lon + 0.001, lat + 0.001))
    square.srid = 4326
    services.create_feature(
        LAYERS["tutupan-lahan"],
        user=admin,
        dusun=village,
        geom=square,
        attributes={"snapshot": other, "klass": klhk.classes.get(code="2002")},
    )
    ambiguous = client.get(f"/api/v1/dusun/{UPLAND}/landcover/?snapshot=2020")
    assert ambiguous.status_code == 400 and "legend=" in ambiguous.json()["error"]
    chosen = client.get(f"/api/v1/dusun/{UPLAND}/landcover/?snapshot=2020&legend=klhk-23").json()
    assert chosen["snapshot"]["id"] == other.pk and [c["code"] for c in chosen["classes"]] == ["2002"]


def test_landcover_csv(client, demo):
    response = client.get(f"/api/v1/dusun/{UPLAND}/landcover.csv?snapshot=2020")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"landcover-{UPLAND}-2020.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == [
        "kode_wilayah",
        "tahun",
        "legenda",
        "kode_kelas",
        "nama_kelas",
        "hutan_alam",
        "luas_ha",
        "persen",
    ]
    classes, total = rows[1:-1], rows[-1]
    assert total[4] == "JUMLAH"
    assert sum(float(r[6]) for r in classes) == pytest.approx(float(total[6]), abs=0.01)
    api = client.get(f"/api/v1/dusun/{UPLAND}/landcover/?snapshot=2020").json()
    assert [r[3] for r in classes] == [c["code"] for c in api["classes"]]


def test_facility_counts_and_csv(client, demo):
    village = Wilayah.objects.get(kode=UPLAND)
    body = client.get(f"/api/v1/dusun/{UPLAND}/facilities/").json()
    counts = {f["kind"]: f["count"] for f in body["facilities"]}
    assert counts and counts["kantor_desa"] == 1
    assert sum(counts.values()) == body["total"] == Facility.objects.filter(dusun=village).count()
    rows = list(csv.reader(io.StringIO(client.get(f"/api/v1/dusun/{UPLAND}/facilities.csv").content.decode())))
    assert rows[0] == ["kode_wilayah", "jenis", "nama_jenis", "jumlah"] and len(rows) == len(counts) + 1


def test_road_lengths_are_geodesic(client, demo):
    body = client.get(f"/api/v1/dusun/{UPLAND}/roads/").json()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT surface, condition, sum(ST_Length(geom::geography)) / 1000 FROM ruang_linefeature
               WHERE kind = 'jalan' AND dusun_id = (SELECT id FROM wilayah_wilayah WHERE kode = %s)
               GROUP BY surface, condition""",
            [UPLAND],
        )
        direct = {(s, c): km for s, c, km in cursor.fetchall()}
    assert {(r["surface"], r["condition"]): r["km"] for r in body["roads"]} == pytest.approx(direct, abs=0.001)
    assert body["total_km"] == pytest.approx(sum(direct.values()), abs=0.002)
    assert body["unit"] == "km"


def test_managed_area_share_is_the_union_intersected_with_the_village(client, demo):
    body = client.get("/api/v1/kecamatan/15.08.14/managed-areas/").json()
    row = next(v for v in body["villages"] if v["kode"] == UPLAND)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_Area(ST_Intersection(ST_Union(m.geom), w.geom)::geography) / 10000, w.luas_ha::float8
               FROM wilayah_wilayah w JOIN ruang_managedarea m ON ST_Intersects(m.geom, w.geom)
               WHERE w.kode = %s GROUP BY w.geom, w.luas_ha""",
            [UPLAND],
        )
        managed, luas = cursor.fetchone()
    assert row["managed_ha"] == pytest.approx(managed, abs=0.01) and managed > 0
    assert row["share"] == pytest.approx(managed / luas, abs=1e-5)
    assert len(body["villages"]) == Wilayah.objects.filter(level=Level.DESA, kode__startswith="15.08.14.").count()


def test_pages_show_the_panel_with_tables_and_charts(client, demo):
    for path in (f"/dusun/{UPLAND}/", "/kecamatan/15.08.14/", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert 'id="ruang-map"' in html and 'id="ruang-map-config"' in html
        assert 'class="ruang-chart"' in html and 'role="img"' in html
        assert "Agroforestri karet" in html  # a class of the demo land cover in the table
        assert "landcover.csv?snapshot=2020" in html


def test_per_village_summary_csv(client, demo):
    response = client.get("/api/v1/kabupaten/15.08/villages.csv?snapshot=2020")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == Wilayah.objects.filter(level=Level.DESA).count()  # every village, mapped or not
    upland = next(r for r in rows if r["kode_desa"] == UPLAND)
    stats = selectors.landcover_stats(Wilayah.objects.get(kode=UPLAND), latest_snapshot())
    assert float(upland["terpetakan_ha"]) == pytest.approx(stats.total_ha, abs=0.001)
    assert float(upland["hutan_alam_ha"]) == pytest.approx(stats.natural_forest_ha, abs=0.001)
    assert upland["kode_kelas_dominan"] == stats.classes[0].code
    assert client.get(f"/api/v1/dusun/{UPLAND}/villages/").status_code == 404


def test_displayed_numbers_are_rounded_not_cut():
    from django.utils import translation

    from dusun.ruang.templatetags.ruang_tags import number

    with translation.override("id"):
        assert number(19.686, 2) == "19,69"
        assert number(1234.96, 1) == "1.235,0"
        assert number(None) == "—"


def test_panel_uses_the_configured_village_word(client, demo, settings):
    settings.DUSUN_VILLAGE_WORD = "Kampung"
    village = client.get(f"/dusun/{UPLAND}/").content.decode()
    assert "wilayah kampung)" in village and "Luas di kampung (ha)" in village
    assert "dipotong batas kampung" in village
    kecamatan = client.get("/kecamatan/15.08.14/").content.decode()
    assert "Bagian wilayah setiap kampung" in kecamatan and "Unduh per kampung:" in kecamatan
    for html in (village, kecamatan):
        for phrase in ("wilayah desa", "di desa (ha)", "batas desa", "setiap desa yang", "per desa:"):
            assert phrase not in html, phrase

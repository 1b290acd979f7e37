"""The documented endpoints answer real bodies from the modules' selectors, paginate, filter, and answer
every error as JSON {"detail": …} (400/404), never HTML and never a 500."""

import pytest

from .conftest import BERINGIN, KABUPATEN, KECAMATAN, TELANG

pytestmark = pytest.mark.django_db


def test_wilayah_list_filters_and_pagination(client, reference_data):
    body = client.get("/api/v1/wilayah/?level=dusun&parent=15.08.14&limit=3").json()
    assert body["count"] == 9  # the nine villages of Bathin III Ulu
    assert len(body["items"]) == 3 and body["previous"] is None
    assert body["next"].endswith("offset=3") and "parent=15.08.14" in body["next"]
    last = client.get("/api/v1/wilayah/?level=dusun&parent=15.08.14&limit=3&offset=6").json()
    assert last["next"] is None and len(last["items"]) == 3
    names = client.get("/api/v1/wilayah/?q=telang").json()
    assert [w["kode"] for w in names["items"]] == [TELANG]
    assert client.get("/api/v1/wilayah/?level=kecamatan").json()["count"] == 17


def test_wilayah_detail_geometry_only_on_request(client, reference_data):
    plain = client.get(f"/api/v1/wilayah/{KECAMATAN}/").json()
    assert plain["geometry"] is None and plain["anak"] == {"dusun": 9}
    assert plain["parent_ref"] == {"kode": KABUPATEN, "nama": "Bungo", "level": "kabupaten"}
    shaped = client.get(f"/api/v1/wilayah/{KECAMATAN}/?geometry=true").json()
    assert shaped["geometry"]["type"] == "MultiPolygon"


def test_statistics_are_the_modules_own_bodies(client, world):
    api = client.get(f"/api/v1/wilayah/{TELANG}/tutupan-lahan/?snapshot=2020").json()
    assert api == client.get(f"/api/v1/dusun/{TELANG}/landcover/?snapshot=2020").json()
    assert {c["code"] for c in api["classes"]} and api["snapshot"]["year"] == 2020
    for new, old in (("fasilitas", "facilities"), ("jalan", "roads"), ("kawasan", "managed-areas")):
        assert (
            client.get(f"/api/v1/wilayah/{KECAMATAN}/{new}/").json()
            == client.get(f"/api/v1/kecamatan/{KECAMATAN}/{old}/").json()
        )
    economy = client.get(f"/api/v1/wilayah/{TELANG}/ekonomi/").json()
    assert economy == client.get(f"/api/v1/dusun/{TELANG}/ekonomi/").json()
    per_village = client.get(f"/api/v1/wilayah/{KECAMATAN}/tutupan-lahan/per-dusun/").json()
    assert TELANG in {v["kode"] for v in per_village["villages"]}


def test_summary_forest_idm_and_projects(client, world):
    summary = client.get(f"/api/v1/wilayah/{TELANG}/ringkasan/").json()
    assert summary["tutupan_lahan"]["tahun"] == 2020
    assert summary["penduduk"]["jumlah"] not in (None, 0)
    forest = client.get(f"/api/v1/wilayah/{TELANG}/hutan/?dari=2010&ke=2020").json()
    assert forest["status"] == "selesai"
    assert forest["perubahan_hutan"]["kehilangan_ha"] > 100  # the forest square became oil palm
    assert forest["karbon"]["emisi_tc"] > 0
    assert client.get(f"/api/v1/wilayah/{TELANG}/hutan/?dari=2020&ke=2010").status_code == 400
    assert client.get(f"/api/v1/wilayah/{TELANG}/hutan/?dari=1999").status_code == 404
    assert client.get(f"/api/v1/wilayah/{BERINGIN}/hutan/").status_code == 404

    from dusun.indeks.models import Result

    official = Result.objects.filter(series="resmi", year=2024, is_current=True, is_complete=True)
    idm = client.get("/api/v1/idm/?seri=resmi&tahun=2024&limit=500").json()
    assert idm["count"] > 100 and official.count() > 0
    assert {r["kode"] for r in idm["items"] if r["status"]} == set(official.values_list("dusun__kode", flat=True))
    only = client.get("/api/v1/idm/?seri=resmi&tahun=2024&status=" + official[0].status).json()
    assert only["count"] >= 1 and {r["status"] for r in only["items"]} == {official[0].status}
    rantau = "15.08.02.2003"
    history = client.get(f"/api/v1/wilayah/{rantau}/idm/").json()
    assert {h["tahun"] for h in history} >= {2024}
    year = client.get(f"/api/v1/wilayah/{rantau}/idm/2024/").json()
    assert year == client.get(f"/api/v1/idm/{rantau}/2024/").json()
    missing = client.get(f"/api/v1/wilayah/{rantau}/idm/2016/")
    assert missing.status_code == 404 and "detail" in missing.json()

    projects = client.get(f"/api/v1/proyek/?wilayah={KABUPATEN}").json()
    assert projects["count"] >= 1
    item = projects["items"][0]
    assert item["penerima_kk"] and set(item) >= {"kegiatan", "anggaran", "kemajuan_fisik_pct", "keadaan"}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/wilayah/?limit=0", 400),
        ("/api/v1/wilayah/?limit=100000", 400),
        ("/api/v1/wilayah/?offset=-1", 400),
        ("/api/v1/wilayah/?level=negara", 400),
        ("/api/v1/wilayah/?parent=1'%20OR%201=1--", 400),
        ("/api/v1/wilayah/?q=" + "x" * 200, 400),
        ("/api/v1/wilayah/99.99/", 404),
        ("/api/v1/wilayah/abc/", 400),
        (f"/api/v1/wilayah/{TELANG}/tutupan-lahan/?snapshot=20x0", 400),
        (f"/api/v1/wilayah/{TELANG}/tutupan-lahan/per-dusun/", 404),
        (f"/api/v1/wilayah/{TELANG}/penduduk/?jenis_kelamin=X", 400),
        (f"/api/v1/wilayah/{KECAMATAN}/idm/", 404),
        (f"/api/v1/wilayah/{TELANG}/idm/1900/", 400),
        ("/api/v1/idm/?seri=palsu", 400),
        ("/api/v1/proyek/?wilayah=15", 404),
        ("/api/v1/tidak-ada/", 404),
    ],
)
def test_errors_are_json_detail(client, reference_data, path, status):
    response = client.get(path)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


def test_write_methods_are_refused_as_json(client, reference_data):
    response = client.post("/api/v1/wilayah/", data={})
    assert response.status_code == 405
    response = client.delete(f"/api/v1/wilayah/{TELANG}/")
    assert response.status_code == 405


def test_other_sites_may_read_the_api_but_not_write_through_it(client, reference_data):
    """CORS: public reads from dashboards on other origins; a token-bearing request's preflight is answered;
    writes are not opened to other origins (the editor API stays same-site, behind CSRF)."""
    read = client.get("/api/v1/wilayah/?limit=1", HTTP_ORIGIN="https://dasbor.example")
    assert read.status_code == 200 and read["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/wilayah/",
        HTTP_ORIGIN="https://dasbor.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight.status_code == 204
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    write = client.post("/api/v1/wilayah/", {}, HTTP_ORIGIN="https://dasbor.example")
    assert "Access-Control-Allow-Origin" not in write
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://dasbor.example")

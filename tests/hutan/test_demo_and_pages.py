"""On the demo land cover (ruang's generator, small scale): rows and columns of the change matrix close on
ruang's own class areas within 0.01 ha, at village and kabupaten level; the pages render and refuse bad
requests with a message."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dusun.hutan import selectors, services
from dusun.hutan.models import ChangeRun
from dusun.ruang.demo import SMALL_VILLAGES, generate_demo_data
from dusun.ruang.models import LandCoverSnapshot
from dusun.ruang.selectors import landcover_stats_uncached
from dusun.wilayah.models import Wilayah

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data):
    generate_demo_data(seed=1, scale="small")
    call_command("generate_demo_hutan", verbosity=0)
    first, last = LandCoverSnapshot.objects.filter(is_demo=True).order_by("year")
    return first, last


def class_areas(area, snapshot) -> dict[str, float]:
    return {c.code: c.ha for c in landcover_stats_uncached(area, snapshot).classes}


def check_closure(matrix, area, first, last):
    rows = {c.code: matrix.row_total(c.pk) for c in matrix.classes}
    cols = {c.code: matrix.col_total(c.pk) for c in matrix.classes}
    expected_rows, expected_cols = class_areas(area, first), class_areas(area, last)
    assert expected_rows and expected_cols
    for code, ha in expected_rows.items():
        assert abs(rows.pop(code) - ha) <= 0.01, code
    for code, ha in expected_cols.items():
        assert abs(cols.pop(code) - ha) <= 0.01, code
    assert all(abs(v) <= 0.01 for v in [*rows.values(), *cols.values()])  # no class the snapshots lack


def test_demo_matrix_closes_per_village_and_kabupaten(demo):
    first, last = demo
    for kode in SMALL_VILLAGES:
        village = Wilayah.objects.get(kode=kode)
        matrix = selectors.village_matrix(village, first, last)
        check_closure(matrix, village, first, last)
        assert abs(matrix.unmapped_ha) < 0.01  # the demo snapshots share their outlines
    kab = services.kabupaten()
    matrix, run = selectors.area_matrix(kab, first, last)
    assert run.status == ChangeRun.Status.DONE
    check_closure(matrix, kab, first, last)
    assert matrix.loss_ha > 0  # the demo converts forest between 2010 and 2020


def test_pages(client, demo, settings):
    settings.DUSUN_HUTAN_ALERT_LOSS_PCT = 0.001
    settings.DUSUN_HUTAN_ALERT_MIN_HA = 0.001
    kode = SMALL_VILLAGES[0]
    html = client.get(reverse("hutan:village", args=[kode])).content.decode()
    assert 'id="change-matrix"' in html and 'id="forest-alert"' in html and "tCO₂e" in html
    assert "Tidak terpetakan" in html
    geojson = client.get(reverse("hutan:village-geojson", args=[kode])).json()
    assert geojson["features"] and {f["properties"]["jenis"] for f in geojson["features"]} <= {"loss", "gain", "other"}
    html = client.get(reverse("hutan:kabupaten")).content.decode()
    assert 'id="village-table"' in html and "Melewati ambang" in html
    assert client.get(reverse("hutan:kecamatan", args=["15.08.14"])).status_code == 200
    portal = client.get(reverse("portal:village", args=[kode])).content.decode()
    assert reverse("hutan:village", args=[kode]) in portal and "kehilangan hutan alam melewati ambang" in portal
    assert reverse("hutan:kabupaten") in client.get(reverse("portal:home")).content.decode()
    settings.DUSUN_HUTAN_ALERT_MIN_HA = 1e9
    html = client.get(reverse("hutan:village", args=[kode])).content.decode()
    assert 'id="forest-alert"' not in html


def test_bad_requests_say_what_is_wrong(client, demo):
    kode = SMALL_VILLAGES[0]
    response = client.get(reverse("hutan:village", args=[kode]) + "?dari=1999")
    assert response.status_code == 400 and "Tahun yang tersedia: 2020, 2010" in response.content.decode()
    response = client.get(reverse("hutan:village", args=[kode]) + "?dari=2020&ke=2010")
    assert response.status_code == 400 and "harus sebelum" in response.content.decode()
    response = client.get(reverse("hutan:village-geojson", args=[kode]) + "?dari=abc")
    assert response.status_code == 400 and "tahun empat angka" in response.json()["error"]
    # A village without land cover: a message, not an error page.
    response = client.get(reverse("hutan:village", args=["15.08.14.2001"]))
    assert response.status_code == 200 and "belum punya dua potret" in response.content.decode()
    assert client.post(reverse("hutan:factors"), {"klass": 1, "tc_ha": "1", "note": "x"}).status_code == 403

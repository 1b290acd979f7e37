"""In a real browser: an operator imports a GeoJSON with one bad feature, reads the report, fixes the
attribute mapping, commits, and sees the imported features listed."""

import json

import pytest

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.ruang.models import Facility
from dusun.wilayah.models import Wilayah

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_imports_fixes_the_mapping_and_commits(page, live_server, reference_data, gis, tmp_path):
    village = Wilayah.objects.get(kode=gis.TELANG)
    user = User.objects.create_user("op-browser", password=gis.PASSWORD)
    assign_role(user, Role.OPERATOR, village)
    (lon1, lat1), (lon2, lat2) = gis.inside_points(village, 2)
    path = tmp_path / "fasilitas-dusun.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    gis.feature(gis.point(lon1, lat1), nama="SD Negeri 7", kategori_fasilitas="sd"),
                    gis.feature(gis.point(lon2, lat2), nama="Posyandu Mawar", kategori_fasilitas="Posyandu"),
                    # The bad one: typed in the wrong place, far outside the village.
                    gis.feature(gis.point(106.8456, -6.2088), nama="Titik salah", kategori_fasilitas="sd"),
                ],
            }
        )
    )

    page.goto(f"{live_server.url}/akun/masuk/?next=/ekspor/{gis.TELANG}/")
    page.fill("#id_username", "op-browser")
    page.fill("#id_password", gis.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/ekspor/{gis.TELANG}/")
    page.click("#import-link")
    page.wait_for_url(f"**/dusun/{gis.TELANG}/impor/")

    page.select_option("#id_layer", "fasilitas")
    assert page.locator("#snapshot-fields").is_hidden()  # only for land cover
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/impor/*/")

    # The report: one feature refused (outside the village), and the kind not yet mapped.
    assert page.locator("#count-total").inner_text() == "3"
    assert page.locator("#count-rejected").inner_text() == "3"  # Jenis unmapped: nothing can be stored yet
    problems = page.locator("#problems").inner_text()
    assert "fitur ke-3" in problems and "di luar batas Dusun Sungai Telang" in problems
    assert "Atribut wajib belum dipetakan: Jenis" in page.locator("#mapping-title + p + p").inner_text()
    assert page.locator("#commit-form").count() == 0

    page.select_option("#id_col_kind", "kategori_fasilitas")
    page.click("#mapping-form button[type=submit]")
    page.wait_for_selector("#count-accepted")
    assert page.locator("#count-accepted").inner_text() == "2"
    assert page.locator("#count-rejected").inner_text() == "1"
    assert "Posyandu" in page.locator("#samples").inner_text()

    page.check("#id_skip_rejected")
    page.click("#commit-form button[type=submit]")
    page.wait_for_selector("#job-done")
    listed = page.locator("#features").inner_text()
    assert "SD Negeri 7" in listed and "Posyandu Mawar" in listed and "Titik salah" not in listed
    assert sorted(Facility.objects.values_list("name", flat=True)) == ["Posyandu Mawar", "SD Negeri 7"]
    assert page.console_errors == []


def test_the_portal_partial_loads_the_scoped_panel(page, live_server, reference_data, gis):
    """The partial the village page includes fetches the panel: downloads for all, import for editors."""
    from django.template.loader import render_to_string

    village = Wilayah.objects.get(kode=gis.TELANG)
    html = (
        "<!doctype html><html><body>"
        + render_to_string("ruang/_import_export_links.html", {"village": village})
        + "</body></html>"
    )
    url = f"{live_server.url}/uji-partial/"
    page.route(url, lambda route: route.fulfill(status=200, body=html, content_type="text/html"))
    page.goto(url)
    page.wait_for_selector(f"[id='ruang-data-panel-{gis.TELANG}'] a[data-format='gpkg']")
    assert page.locator("a[data-format]").count() == 5 * 8  # five formats for each of the eight layers
    assert page.locator("#import-link").count() == 0  # anonymous: no import link
    assert page.console_errors == []

"""In a real browser: the thematic map colours the villages, and choosing an indicator and a classification
updates the legend, the table and the URL (shareable state)."""

import pytest

from dusun.wilayah.models import Wilayah

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _applied(page, level: str) -> None:
    page.wait_for_function(
        f"() => window.tematikMap && document.getElementById('map').dataset.level === '{level}' "
        "&& window.tematikMap.getLayoutProperty('dusun-fill', 'visibility') !== undefined",
        timeout=20000,
    )


def test_choose_indicator_and_classification_updates_legend_and_table(page, live_server, reference_data):
    assert Wilayah.objects.villages().count() == 153
    page.goto(f"{live_server.url}/peta-tematik/?indikator=luas")
    _applied(page, "dusun")
    assert page.locator("#tematik-table tbody tr").count() == 153
    assert page.locator("#legend").get_attribute("data-method") == "kuantil"
    # Colours really reach the map: the village layer's fill is a match expression on kode.
    fill = page.evaluate("() => JSON.stringify(window.tematikMap.getPaintProperty('dusun-fill', 'fill-color'))")
    assert fill.startswith('["match",["get","kode"]')

    page.select_option("#klasifikasi", "jenks")
    page.wait_for_function("() => document.getElementById('legend').dataset.method === 'jenks'", timeout=10000)
    assert "klasifikasi=jenks" in page.url
    page.select_option("#kelas", "7")
    page.wait_for_function("() => document.getElementById('legend').dataset.classes === '7'", timeout=10000)
    assert page.locator("#legend li").count() == 7

    page.select_option("#indikator", "fasilitas")
    page.wait_for_function("() => document.getElementById('legend-title').textContent.includes('fasilitas')")
    # No facilities in this database: every kecamatan counts 0, so the legend has a single class.
    page.check("input[name=tingkat][value=kecamatan]")
    _applied(page, "kecamatan")
    assert page.locator("#tematik-table tbody tr").count() == 17
    assert "tingkat=kecamatan" in page.url

    # The table sorts from its header (keyboard-operable buttons).
    page.click("#tematik-table thead th:nth-child(1) button")
    assert page.locator("#tematik-table thead th:nth-child(1)").get_attribute("aria-sort") == "ascending"

    # Reloading the shared URL restores the same state.
    page.goto(page.url)
    _applied(page, "kecamatan")
    assert page.locator("#legend").get_attribute("data-classes") in {"1", "7"}
    assert page.locator("#klasifikasi").input_value() == "jenks"
    assert page.console_errors == []


def test_compare_search_adds_villages_and_shows_them_side_by_side(page, live_server, reference_data):
    page.goto(f"{live_server.url}/bandingkan/?dusun=15.08.14.2008")
    assert page.locator("#compare-table thead th").count() == 2  # the indicator column and one village
    page.fill("#q", "Sungai Telang")
    page.wait_for_selector("#compare-results a", timeout=10000)
    page.click("#compare-results a >> nth=0")
    page.wait_for_url("**/bandingkan/?dusun=15.08.14.2008&dusun=15.08.14.2009")
    assert page.locator("#compare-table thead th").count() == 3
    assert "Sungai Telang" in page.locator("#compare-table thead").inner_text()
    page.click("#compare-table thead a.remove >> nth=0")
    page.wait_for_url("**/bandingkan/?dusun=15.08.14.2009")
    assert page.console_errors == []

"""The kabupaten map in a real browser: all 153 villages rendered, click one, land on its page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RENDERED_VILLAGES = """() => {
  const map = window.dusunMap;
  if (!map || !map.loaded() || !map.getLayer('dusun-fill')) return null;
  const kodes = new Set(map.queryRenderedFeatures({layers: ['dusun-fill']}).map(f => f.properties.kode));
  return kodes.size;
}"""


def wait_for_villages(page, expected):
    page.wait_for_function(f"() => ({RENDERED_VILLAGES})() === {expected}", timeout=30_000)


def test_home_map_renders_all_villages_and_opens_one(page, live_server, reference_data):
    page.goto(live_server.url + "/")
    wait_for_villages(page, 153)

    # Click inside Sungai Telang: a point guaranteed inside its boundary, projected to the screen.
    from dusun.wilayah.models import Wilayah
    from dusun.wilayah.selectors import label_point

    lon, lat = label_point(Wilayah.objects.get(kode="15.08.14.2009"))
    x, y = page.evaluate(
        "([lon, lat]) => { const p = window.dusunMap.project([lon, lat]); return [p.x, p.y]; }", [lon, lat]
    )
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator("#map-tooltip")
    tooltip.wait_for(state="visible")
    assert "Sungai Telang" in tooltip.inner_text()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/dusun/15.08.14.2009/")
    assert page.locator("h1").inner_text() == "Dusun Sungai Telang"
    assert page.console_errors == []


def test_village_page_map_shows_the_village_and_its_neighbours(page, live_server, reference_data):
    page.goto(live_server.url + "/dusun/15.08.14.2008/")
    page.wait_for_function(
        "() => window.dusunMap && window.dusunMap.loaded() && "
        "window.dusunMap.queryRenderedFeatures({layers: ['areas-fill']}).length > 1"
    )
    roles = page.evaluate(
        "() => [...new Set(window.dusunMap.queryRenderedFeatures({layers: ['areas-fill']})"
        ".map(f => f.properties.role))].sort()"
    )
    assert roles == ["focus", "neighbour"]
    assert page.console_errors == []


def test_search_filters_the_list_without_reloading(page, live_server, reference_data):
    page.goto(live_server.url + "/")
    page.fill("#q", "beringin")
    page.wait_for_function("() => document.querySelectorAll('#village-list a[href^=\"/dusun/\"]').length === 2")
    names = page.locator("#village-list ul.villages a").all_inner_texts()
    assert sorted(names) == ["Dusun Lubuk Beringin", "Dusun Sungai Beringin"]
    assert page.console_errors == []

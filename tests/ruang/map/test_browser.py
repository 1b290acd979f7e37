"""The layers map of a village page in a real browser: land cover drawn from the vector tiles, the layer
switcher and the snapshot selector work, popups show feature text as text, and the console stays clean."""

import pytest
from django.contrib.gis.geos import Point

from dusun.akun.models import User
from dusun.ruang import services
from dusun.ruang.demo import generate_demo_data
from dusun.ruang.layers import LAYERS
from dusun.ruang.models import FacilityKind, LandCover, LandCoverSnapshot
from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point

from .conftest import UPLAND

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAIT = '<img src=x onerror="window.__xss = 1">Posyandu <b>Uji</b>'

RENDERED = """(layer) => {
  const map = window.dusunLayersMap;
  if (!map || !map.loaded() || !map.getLayer(layer)) return null;
  return map.queryRenderedFeatures({layers: [layer]}).map(f => [f.id, f.properties.dusun]);
}"""


@pytest.fixture
def demo_live(reference_data):
    generate_demo_data(seed=7, scale="small")
    admin = User.objects.create_superuser("admin-peta-browser", password="rahasia-sekali-123")
    village = Wilayah.objects.get(kode=UPLAND)
    lon, lat = label_point(village)
    services.create_feature(
        LAYERS["fasilitas"],
        user=admin,
        dusun=village,
        geom=Point(lon, lat, srid=4326),
        attributes={"kind": FacilityKind.POSYANDU, "name": BAIT},
    )
    return lon, lat


def rendered(page, layer: str) -> list:
    return page.evaluate(RENDERED, layer) or []


def test_village_map_shows_land_cover_switches_layers_and_escapes_popups(page, live_server, demo_live):
    page.goto(live_server.url + f"/dusun/{UPLAND}/")
    page.wait_for_function(f"() => (({RENDERED})('ruang-tutupan-lahan-fill') || []).length > 20", timeout=30_000)
    features = rendered(page, "ruang-tutupan-lahan-fill")
    assert UPLAND in {dusun for _id, dusun in features}
    latest = LandCoverSnapshot.objects.filter(is_demo=True).order_by("-year").first()
    ids = {fid for fid, _dusun in features}
    assert set(LandCover.objects.filter(pk__in=ids).values_list("snapshot_id", flat=True)) == {latest.pk}
    legend = page.locator(f'[data-legend-snapshot="{latest.pk}"]')
    assert legend.is_visible() and "Agroforestri karet" in legend.inner_text()

    # Switching land cover off hides it (and its legend); on again brings it back.
    box = page.locator('input[name="layer"][value="tutupan-lahan"]')
    box.uncheck()
    page.wait_for_function(
        "() => window.dusunLayersMap.getLayoutProperty('ruang-tutupan-lahan-fill', 'visibility') === 'none'"
    )
    assert rendered(page, "ruang-tutupan-lahan-fill") == []
    assert not legend.is_visible()
    box.check()
    page.wait_for_function(f"() => (({RENDERED})('ruang-tutupan-lahan-fill') || []).length > 20")

    # The snapshot selector swaps the tiles: the polygons drawn are now those of 2010.
    older = LandCoverSnapshot.objects.filter(is_demo=True).order_by("year").first()
    shown = sorted({fid for fid, _dusun in rendered(page, "ruang-tutupan-lahan-fill")})
    page.select_option("#ruang-snapshot", str(older.pk))
    page.wait_for_function(
        """([layer, before]) => {
          const map = window.dusunLayersMap;
          if (!map.loaded() || !map.areTilesLoaded()) return false;
          const old = new Set(before);
          const now = map.queryRenderedFeatures({layers: [layer]});
          return now.length > 20 && now.every(f => !old.has(f.id));
        }""",
        arg=["ruang-tutupan-lahan-fill", shown],
        timeout=30_000,
    )
    ids = {fid for fid, _dusun in rendered(page, "ruang-tutupan-lahan-fill")}
    assert set(LandCover.objects.filter(pk__in=ids).values_list("snapshot_id", flat=True)) == {older.pk}
    assert page.locator(f'[data-legend-snapshot="{older.pk}"]').is_visible()

    # A click on the facility with markup in its name: the popup shows the text, nothing runs.
    lon, lat = demo_live
    page.evaluate("([lon, lat]) => window.dusunLayersMap.jumpTo({center: [lon, lat], zoom: 16})", [lon, lat])
    page.wait_for_function(
        """([lon, lat]) => {
          const map = window.dusunLayersMap;
          if (!map.loaded() || !map.areTilesLoaded()) return false;
          return map.queryRenderedFeatures(map.project([lon, lat]), {layers: ['ruang-fasilitas-point']}).length > 0;
        }""",
        arg=[lon, lat],
        timeout=30_000,
    )
    page.locator("#ruang-map").scroll_into_view_if_needed()
    x, y = page.evaluate(
        "([lon, lat]) => { const p = window.dusunLayersMap.project([lon, lat]); return [p.x, p.y]; }", [lon, lat]
    )
    box = page.locator("#ruang-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".maplibregl-popup .ruang-popup")
    popup.wait_for(state="visible")
    assert BAIT in popup.locator("h3").inner_text()
    assert popup.locator("img, b").count() == 0
    assert "Posyandu" in popup.inner_text() and "Fasilitas" in popup.inner_text()
    assert page.evaluate("() => window.__xss") is None
    assert page.console_errors == []


def test_kabupaten_map_shows_the_land_cover_overview(page, live_server, demo_live):
    page.goto(live_server.url + "/")
    page.wait_for_function(
        """() => {
          const map = window.dusunLayersMap;
          if (!map || !map.loaded() || !map.getLayer('ruang-tutupan-lahan-fill')) return false;
          const f = map.queryRenderedFeatures({layers: ['ruang-tutupan-lahan-fill']});
          return f.length > 0 && f.every(x => x.properties.ringkasan === true);
        }""",
        timeout=30_000,
    )
    note = page.locator("#ruang-zoom").inner_text()
    assert "diringkas" in note and "Bangunan tampil mulai zoom 13" in note
    assert page.console_errors == []

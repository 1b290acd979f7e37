"""The map editor in a real browser: an operator draws a land-cover polygon and saves it; another
village's operator is turned away."""

from urllib.parse import quote

import pytest
from django.db import connection

from dusun.ruang.models import FeatureRevision, LandCover

from .conftest import BERINGIN, PASSWORD, TELANG, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR_READY = "() => window.dusunEditor && document.getElementById('editor-status').textContent.includes('dimuat')"


def log_in(page, live_server, username, next_path):
    """Log in through the login form and land on `next_path` (not on the home page, whose map would
    still be loading tiles when the test moves on)."""
    page.goto(f"{live_server.url}/akun/masuk/?next={quote(next_path)}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + next_path)


def screen_points(page, coordinates):
    """Page coordinates of [lon, lat] positions on the editor map."""
    box = page.locator("#map").bounding_box()
    points = page.evaluate(
        "(coords) => coords.map(([lon, lat]) => { const p = window.dusunMap.project([lon, lat]); return [p.x, p.y]; })",
        coordinates,
    )
    return [(box["x"] + x, box["y"] + y) for x, y in points]


def geodesic_area_ha(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(geom::geography) / 10000 FROM ruang_landcover WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_operator_draws_a_land_cover_polygon_and_saves_it(page, live_server, reference_data, telang, snapshot):
    from dusun.wilayah.selectors import label_point

    operator = make_user("op-telang", "operator", telang)
    # Before: the village page has no land-cover statistics for this snapshot yet.
    page.goto(f"{live_server.url}/dusun/{TELANG}/?potret={snapshot.pk}")
    assert "Kebun karet Pak Udin" not in page.content()
    assert page.locator("#ruang-tutupan table.data").count() == 0
    log_in(page, live_server, "op-telang", f"/dusun/{TELANG}/peta/sunting/?lapisan=tutupan-lahan&potret={snapshot.pk}")
    page.wait_for_function(EDITOR_READY, timeout=30_000)

    lon, lat = label_point(telang)
    page.evaluate("([lon, lat]) => window.dusunMap.jumpTo({center: [lon, lat], zoom: 15})", [lon, lat])
    page.wait_for_function("() => !window.dusunMap.isMoving()")
    corners = [
        [lon - 0.002, lat - 0.002],
        [lon + 0.002, lat - 0.002],
        [lon + 0.002, lat + 0.002],
        [lon - 0.002, lat + 0.002],
    ]

    page.get_by_role("button", name="Poligon", exact=True).click()
    assert page.get_by_role("button", name="Poligon", exact=True).get_attribute("aria-pressed") == "true"
    points = screen_points(page, corners)
    for x, y in points:
        page.mouse.move(x, y)
        page.mouse.click(x, y)
    page.mouse.move(*points[0])
    page.mouse.click(*points[0])  # back on the first corner closes the polygon

    page.wait_for_function("() => document.getElementById('feature-title').textContent.includes('Fitur baru')")
    klass = snapshot.legend.classes.get(code="10")
    page.select_option("#id_attr_klass", str(klass.pk))
    page.fill("#id_attr_name", "Kebun karet Pak Udin")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_function("() => document.getElementById('editor-status').textContent === 'Tersimpan.'")

    polygon = LandCover.objects.get(dusun=telang, snapshot=snapshot)
    assert polygon.klass == klass and polygon.name == "Kebun karet Pak Udin"
    assert polygon.created_by == operator
    # ≈ 0.004° × 0.004° near the equator ≈ 19.7 ha; stored geodesic area matches PostGIS on the ellipsoid.
    assert 15 < polygon.area_ha < 25
    assert float(polygon.area_ha) == pytest.approx(geodesic_area_ha(polygon.pk), abs=0.0001)
    ring = polygon.geom[0][0]
    for (x, y), (cx, cy) in zip(ring[:4], corners, strict=True):
        assert abs(x - cx) < 0.0002 and abs(y - cy) < 0.0002  # clicks land where they were aimed
    assert FeatureRevision.objects.filter(layer="tutupan-lahan", feature_id=polygon.pk, action="create").exists()

    # The saved feature is listed with its class and area, and the map shows it as saved.
    item = page.locator("#feature-list button").first
    assert "Kebun karet Pak Udin" in item.inner_text() and "ha" in item.inner_text()
    assert "belum disimpan" not in item.inner_text()
    assert page.console_errors == []

    # After: the village page's land-cover statistics show the class with the polygon's geodesic area.
    page.goto(f"{live_server.url}/dusun/{TELANG}/?potret={snapshot.pk}")
    rows = page.locator("#ruang-tutupan table.data tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[0] == klass.code and klass.name_id in cells[1]
    shown_ha = float(cells[2].replace(".", "").replace(",", "."))  # Bahasa: 1.234,56
    assert shown_ha == pytest.approx(float(polygon.area_ha), abs=0.006)


def test_operator_of_another_village_is_refused(page, live_server, reference_data, beringin, snapshot):
    make_user("op-beringin", "operator", beringin)
    log_in(page, live_server, "op-beringin", f"/dusun/{BERINGIN}/peta/sunting/")
    response = page.goto(f"{live_server.url}/dusun/{TELANG}/peta/sunting/")
    assert response.status == 403
    assert "Tidak berwenang" in page.locator("h1").inner_text()
    assert page.locator("#map").count() == 0
    # Chromium reports the refused page itself as a failed load; that is the only message allowed.
    assert page.console_errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
    page.console_errors.clear()
    # The API refuses the same operator, whatever the page shows.
    status = page.evaluate(
        """async ([url, dusun]) => {
            const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
            const body = {type: 'Feature', geometry: {type: 'Point', coordinates: [101.76, -1.71]},
                          properties: {dusun, kind: 'sd'}};
            const r = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json',
                                  'X-CSRFToken': token}, body: JSON.stringify(body)});
            return [r.status, (await r.json()).errors.__all__[0]];
        }""",
        [f"{live_server.url}/api/v1/ruang/fasilitas/", TELANG],
    )
    assert status[0] == 403 and "tidak berwenang" in status[1]
    page.console_errors.clear()
    # Their own village opens, without errors.
    response = page.goto(f"{live_server.url}/dusun/{BERINGIN}/peta/sunting/")
    assert response.status == 200
    page.wait_for_function(EDITOR_READY, timeout=30_000)
    assert page.console_errors == []


def corner_inside(village):
    """A boundary vertex of the village and a small triangle inside the village that starts at it."""
    from django.contrib.gis.geos import Polygon

    ring = village.geom[0][0]
    centre = village.geom.point_on_surface
    for vx, vy in ring[:-1]:
        dx, dy = centre.x - vx, centre.y - vy
        scale = 0.003 / max(abs(dx), abs(dy))
        a = (vx + dx * scale - dy * scale * 0.4, vy + dy * scale + dx * scale * 0.4)
        b = (vx + dx * scale + dy * scale * 0.4, vy + dy * scale - dx * scale * 0.4)
        triangle = Polygon(((vx, vy), a, b, (vx, vy)), srid=4326)
        if triangle.buffer(-1e-6).within(village.geom):
            return (vx, vy), [a, b]
    raise AssertionError("no usable boundary vertex")


def test_vertices_snap_to_the_village_boundary(page, live_server, reference_data, telang):
    make_user("op-telang", "operator", telang)
    log_in(page, live_server, "op-telang", f"/dusun/{TELANG}/peta/sunting/?lapisan=kawasan")
    page.wait_for_function(EDITOR_READY, timeout=30_000)
    vertex, (a, b) = corner_inside(telang)
    page.evaluate("([lon, lat]) => window.dusunMap.jumpTo({center: [lon, lat], zoom: 16})", list(a))
    page.get_by_role("button", name="Poligon", exact=True).click()
    (vx, vy), pa, pb = screen_points(page, [list(vertex), list(a), list(b)])
    # Aim 6 px beside the boundary vertex: the vertex must land exactly on it.
    for x, y in [(vx + 6, vy - 4), pa, pb]:
        page.mouse.move(x, y)
        page.mouse.click(x, y)
    page.keyboard.press("Enter")  # Terra Draw's finish key, with the map focused by the clicks
    page.wait_for_function("() => document.getElementById('feature-title').textContent.includes('Fitur baru')")
    page.select_option("#id_attr_kind", "hutan_desa")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_function("() => document.getElementById('editor-status').textContent === 'Tersimpan.'")

    from dusun.ruang.models import ManagedArea

    area = ManagedArea.objects.get(dusun=telang)
    first = area.geom[0][0][0]
    # Boundaries reach the page with 6 decimals (≈ 0.1 m); aimed 6 px (≈ 14 m) away, the vertex landed on it.
    assert first == pytest.approx(vertex, abs=2e-6)
    assert area.area_ha > 0
    assert page.console_errors == []


def test_operator_moves_a_vertex_and_saves(page, live_server, reference_data, telang, snapshot):
    from dusun.ruang import services
    from dusun.ruang.layers import LAYERS
    from dusun.wilayah.selectors import label_point

    from .conftest import square_geos

    operator = make_user("op-telang", "operator", telang)
    lon, lat = label_point(telang)
    polygon = services.create_feature(
        LAYERS["tutupan-lahan"],
        user=operator,
        dusun=telang,
        geom=square_geos(lon, lat, 0.002),
        attributes={"snapshot": snapshot, "klass": snapshot.legend.classes.get(code="16"), "name": "Karet"},
    )
    area_before = polygon.area_ha
    log_in(page, live_server, "op-telang", f"/dusun/{TELANG}/peta/sunting/?lapisan=tutupan-lahan&potret={snapshot.pk}")
    page.wait_for_function(EDITOR_READY, timeout=30_000)

    # Keyboard path: pick the feature from the list; the map zooms to it and the form is filled.
    page.locator("#feature-list button").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('id_attr_name').value === 'Karet'")
    page.wait_for_function("() => !window.dusunMap.isMoving()")
    # Room around the square for the drag (the list zoomed in to fit the feature).
    page.evaluate(
        "([lon, lat]) => window.dusunMap.jumpTo({center: [lon, lat], zoom: 15.5})", [lon + 0.0015, lat + 0.0015]
    )
    # Drag the north-east corner further out.
    (x, y), (tx, ty) = screen_points(page, [[lon + 0.002, lat + 0.002], [lon + 0.003, lat + 0.003]])
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(tx, ty, steps=20)
    # Terra Draw applies every fifth drag event (dragEventThrottle); settle on the target as a hand does.
    for i in range(6):
        page.mouse.move(tx + (i % 2) * 0.2, ty)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#feature-list').textContent.includes('belum disimpan')")
    page.fill("#id_attr_note", "Batas diperbaiki setelah survei")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_function("() => document.getElementById('editor-status').textContent === 'Tersimpan.'")

    polygon.refresh_from_db()
    assert polygon.note == "Batas diperbaiki setelah survei"
    assert polygon.area_ha > area_before  # the geodesic area follows the new shape
    assert any(c == pytest.approx((lon + 0.003, lat + 0.003), abs=0.0002) for c in polygon.geom[0][0])
    actions = list(
        FeatureRevision.objects.filter(feature_id=polygon.pk, layer="tutupan-lahan").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "update"]
    # The history is one click away.
    page.locator("#feature-history summary").click()
    page.wait_for_function("() => document.querySelectorAll('#history-list li').length === 2")
    assert "op-telang" in page.locator("#history-list").inner_text()
    assert page.console_errors == []


def test_point_placed_at_the_centre_cross_then_deleted(page, live_server, reference_data, telang):
    from dusun.ruang.models import Facility
    from dusun.wilayah.selectors import label_point

    make_user("op-telang", "operator", telang)
    log_in(page, live_server, "op-telang", f"/dusun/{TELANG}/peta/sunting/?lapisan=fasilitas")
    page.wait_for_function(EDITOR_READY, timeout=30_000)
    lon, lat = label_point(telang)
    page.evaluate("([lon, lat]) => window.dusunMap.jumpTo({center: [lon, lat], zoom: 17})", [lon, lat])

    # Without a pointer: choose the tool and place the point at the "+" with the keyboard.
    page.get_by_role("button", name="Titik", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Tambah titik di tengah").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('feature-title').textContent.includes('Fitur baru')")
    page.select_option("#id_attr_kind", "posyandu")
    page.fill("#id_attr_name", "Posyandu Melati")
    page.locator("#id_attr_name").press("Enter")  # submits the form
    page.wait_for_function("() => document.getElementById('editor-status').textContent === 'Tersimpan.'")
    facility = Facility.objects.get(dusun=telang)
    assert facility.kind == "posyandu"
    # Within a pixel (≈ 1.2 m at zoom 17) of the map centre.
    assert facility.geom.x == pytest.approx(lon, abs=1.2e-5) and facility.geom.y == pytest.approx(lat, abs=1.2e-5)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hapus fitur").click()
    page.wait_for_function("() => document.getElementById('editor-status').textContent === 'Fitur dihapus.'")
    assert not Facility.objects.exists()
    assert page.locator("#feature-list button").count() == 0
    assert page.console_errors == []


def test_server_refusal_is_shown_next_to_the_form(page, live_server, reference_data, telang):
    from dusun.ruang.models import Facility

    make_user("op-telang", "operator", telang)
    log_in(page, live_server, "op-telang", f"/dusun/{TELANG}/peta/sunting/?lapisan=fasilitas")
    page.wait_for_function(EDITOR_READY, timeout=30_000)
    # A point in the neighbouring village: the browser lets it be drawn, the server refuses it.
    from dusun.wilayah.models import Wilayah
    from dusun.wilayah.selectors import label_point

    lon, lat = label_point(Wilayah.objects.get(kode=BERINGIN))
    page.evaluate("([lon, lat]) => window.dusunMap.jumpTo({center: [lon, lat], zoom: 15})", [lon, lat])
    page.get_by_role("button", name="Titik", exact=True).click()
    page.get_by_role("button", name="Tambah titik di tengah").click()
    page.select_option("#id_attr_kind", "masjid")
    page.get_by_role("button", name="Simpan", exact=True).click()
    errors = page.locator("#form-errors")
    errors.wait_for(state="visible")
    assert "di luar batas" in errors.inner_text()
    assert page.evaluate("() => document.activeElement.id") == "form-errors"
    assert not Facility.objects.exists()
    # The browser reports the 400 response itself; nothing else may fail.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_a_polygon_with_a_hole_is_shown_and_its_attributes_can_be_edited(page, live_server, reference_data, telang):
    """Terra Draw cannot edit rings with holes; the feature stays visible and its attributes editable."""
    from django.contrib.gis.geos import Polygon

    from dusun.ruang import services
    from dusun.ruang.layers import LAYERS
    from dusun.ruang.models import Parcel
    from dusun.wilayah.selectors import label_point

    operator = make_user("op-telang", "operator", telang)
    lon, lat = label_point(telang)
    outer = ((lon, lat), (lon + 0.002, lat), (lon + 0.002, lat + 0.002), (lon, lat + 0.002), (lon, lat))
    hole = (
        (lon + 0.0005, lat + 0.0005),
        (lon + 0.001, lat + 0.0005),
        (lon + 0.001, lat + 0.001),
        (lon + 0.0005, lat + 0.0005),
    )
    parcel = services.create_feature(
        LAYERS["persil"],
        user=operator,
        dusun=telang,
        geom=Polygon(outer, hole, srid=4326),
        attributes={"number": "P-12", "tenure": "skt"},
    )
    geometry_before = parcel.geom.wkt
    log_in(page, live_server, "op-telang", f"/dusun/{TELANG}/peta/sunting/?lapisan=persil")
    page.wait_for_function(EDITOR_READY, timeout=30_000)
    page.locator("#feature-list button").first.click()  # zooms to the parcel
    page.wait_for_function(
        "(key) => !window.dusunMap.isMoving() && "
        "window.dusunMap.queryRenderedFeatures({layers: ['readonly-fill']}).some(f => f.properties.key === key)",
        arg=f"f{parcel.pk}",
    )
    assert "tidak dapat disunting di peta" in page.locator("#editor-status").inner_text()
    page.fill("#id_attr_land_use", "Kebun karet")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.wait_for_function("() => document.getElementById('editor-status').textContent === 'Tersimpan.'")
    parcel = Parcel.objects.get(pk=parcel.pk)
    assert parcel.land_use == "Kebun karet" and parcel.number == "P-12"
    assert parcel.geom.wkt == geometry_before
    assert page.console_errors == []

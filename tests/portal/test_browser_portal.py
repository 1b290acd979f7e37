"""In a real browser (issue 8): keyboard navigation reaches the main content through the skip link, focus is
visible, every form control and map is labelled, the operator edits the profile with the keyboard, and the
village page stays within its page-weight budget (summed response sizes, map tiles excluded)."""

import gzip

import pytest

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.wilayah.models import ProfilDusun, Wilayah

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TELANG = "15.08.14.2009"
PASSWORD = "rahasia-sekali-123"

# Page-weight budget of a village page, bytes as transferred with gzip (what WhiteNoise serves in production;
# the live test server sends files uncompressed, so each body is gzipped here to count it), tiles excluded.
BUDGET = {"html": 25_000, "css": 25_000, "js": 350_000, "total": 450_000}

UNLABELLED_JS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length))
  .filter(el => !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""


def test_keyboard_skip_link_focus_and_labels(page, live_server, reference_data):
    page.goto(f"{live_server.url}/dusun/{TELANG}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip", "#main"]
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside_main = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert inside_main, "Tab after the skip link must land in the main content"
    assert page.evaluate(UNLABELLED_JS) == []
    maps = page.evaluate(
        "() => [...document.querySelectorAll('.map, [id$=map]')].map(m => m.getAttribute('aria-label'))"
    )
    assert maps and all(maps), "every map container has an aria-label"
    assert page.evaluate("() => document.documentElement.lang") == "id"
    page.goto(f"{live_server.url}/kecamatan/15.08.14/")
    assert page.evaluate(UNLABELLED_JS) == []
    maps = page.evaluate(
        "() => [...document.querySelectorAll('.map, [id$=map]')].map(m => m.getAttribute('aria-label'))"
    )
    assert maps and all(maps)
    assert page.console_errors == []


def test_operator_edits_profile_with_the_keyboard(page, live_server, reference_data):
    telang = Wilayah.objects.get(kode=TELANG)
    user = User.objects.create_user("op_telang", password=PASSWORD)
    assign_role(user, Role.OPERATOR, telang)
    page.goto(f"{live_server.url}/akun/masuk/?next=/dusun/{TELANG}/profil/ubah/")
    page.fill("#id_username", "op_telang")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**/dusun/{TELANG}/profil/ubah/")
    assert page.evaluate(UNLABELLED_JS) == []
    page.focus("#id_sejarah")
    page.keyboard.type("Dusun di hulu sungai.")
    page.keyboard.press("Tab")  # to the Rio's name: the form's order is the reading order
    assert page.evaluate("() => document.activeElement.id") == "id_rio_nama"
    page.keyboard.type("Rio Uji Keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type("2027")
    page.keyboard.press("Tab")
    page.keyboard.type("2021")  # ends before it starts: refused, said next to the field
    page.locator("form.profil-form button[type=submit]").press("Enter")
    error = page.locator("#id_rio_selesai_error")
    assert "lebih awal dari tahun mulai" in error.inner_text()
    assert not ProfilDusun.objects.exists()
    page.fill("#id_rio_selesai", "2033")
    page.locator("form.profil-form button[type=submit]").press("Enter")
    page.wait_for_url(f"**/dusun/{TELANG}/")
    assert "Rio Uji Keyboard" in page.locator(".facts").inner_text()
    assert "Profil" in page.locator(".messages").inner_text()
    assert page.console_errors == []


def test_village_page_weight_is_within_budget(page, live_server, reference_data):
    sizes = {"html": 0, "css": 0, "js": 0, "other": 0}
    raw = {"html": 0, "css": 0, "js": 0, "other": 0}
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(f"{live_server.url}/dusun/{TELANG}/")
    page.wait_for_load_state("networkidle")
    for response in responses:
        url = response.url
        if not url.startswith(live_server.url) or "/tiles/" in url or url.endswith(".map") or response.status >= 300:
            continue  # blob: (MapLibre's worker, made in the page from the script already counted), tiles
        kind = response.headers.get("content-type", "")
        key = "html" if "html" in kind else "css" if "css" in kind else "js" if "javascript" in kind else "other"
        body = response.body()
        raw[key] += len(body)
        sizes[key] += len(gzip.compress(body, 6)) if len(body) > 1024 else len(body)
    total = sum(sizes.values())
    print(f"\nvillage page weight, gzip: {sizes} total {total}; uncompressed: {raw} total {sum(raw.values())}")
    for key in ("html", "css", "js"):
        assert sizes[key] <= BUDGET[key], f"{key} {sizes[key]} B over budget {BUDGET[key]} B"
    assert total <= BUDGET["total"]

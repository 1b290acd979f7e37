"""In a real browser: an operator fills the manual items of a dusun, sees the status and the items to
improve first, and the kabupaten chart gains the new year."""

import pytest
from django.utils import timezone

from dusun.akun.models import Role
from dusun.indeks import engine
from dusun.indeks.selectors import spec_of

from .conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VILLAGE = "15.08.14.2009"  # Sungai Telang: no official result, no mapped facilities


def chosen_score(options: list[str]) -> int:
    """A realistic mixed questionnaire: the band closest to 3, preferring the lower one."""
    scores = sorted(int(v) for v in options if v != "")
    return min(scores, key=lambda s: (abs(s - 3), s))


def test_operator_fills_the_questionnaire_and_the_kabupaten_chart_updates(page, live_server, reference_data, idm):
    make_user("op_telang", Role.OPERATOR, VILLAGE, password="rahasia-sekali-123")
    year = timezone.localdate().year
    spec = spec_of(idm)

    page.goto(f"{live_server.url}/indeks/?tahun={year}")
    assert page.locator(f'#status-chart g.bar[data-year="{year}"]').count() == 0

    page.goto(f"{live_server.url}/akun/masuk/?next=/indeks/dusun/{VILLAGE}/")
    page.fill("#id_username", "op_telang")
    page.fill("#id_password", "rahasia-sekali-123")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**/indeks/dusun/{VILLAGE}/")
    page.select_option("#tahun", str(year))  # only years the definition covers are offered
    page.click("text=Mulai mengisi skor")
    page.wait_for_url(f"**/indeks/dusun/{VILLAGE}/{year}/isi/")

    selects = page.locator("#entry-form select")
    assert selects.count() == 50
    scores = {}
    for index in range(50):
        select = selects.nth(index)
        code = select.get_attribute("name")
        options = select.locator("option").evaluate_all("options => options.map(o => o.value)")
        scores[code] = chosen_score(options)
        select.select_option(str(scores[code]))
    page.click("text=Simpan sebagai versi baru")
    page.wait_for_url(f"**/indeks/dusun/{VILLAGE}/{year}/")

    expected = engine.compute(spec, scores)
    assert expected.complete
    assert page.locator("#idm-status").inner_text().strip() == expected.status.name
    value = f"{float(expected.value):.4f}".replace(".", ",")
    assert page.locator("#idm-value").inner_text() == value
    first_step = engine.improvement_steps(spec, scores)[0]
    assert page.locator("#top-items tbody tr").first.inner_text().startswith(first_step.code)
    assert page.locator("#fastest-path").is_visible()

    # The simulator answers in place (htmx): raise the first item to 5.
    page.select_option(f'#simulasi select[name="{first_step.code}"]', "5")
    page.locator("#sim-output").wait_for()
    after = engine.simulate(spec, scores, {first_step.code: 5})
    assert page.locator("#sim-value").inner_text() == f"{float(after.value):.4f}".replace(".", ",")

    page.goto(f"{live_server.url}/indeks/?tahun={year}")
    bar = page.locator(f'#status-chart g.bar[data-year="{year}"]')
    assert bar.get_attribute("data-total") == "1"
    assert bar.locator(f'rect[data-status="{expected.status.name}"]').get_attribute("data-count") == "1"
    assert page.locator(f'#ranking tr[data-kode="{VILLAGE}"]').count() == 1
    page.wait_for_function(
        "() => window.dusunMap && window.dusunMap.loaded() && window.dusunMap.getLayer('idm-fill') && "
        "window.dusunMap.queryRenderedFeatures({layers: ['idm-fill']}).length > 100"
    )
    assert page.console_errors == []

"""An operator imports a census in a real browser: a file with mistakes gets a row-level report and is
not saved; the corrected file is checked, committed, and the statistics show the new families."""

import pytest

from dusun.akun.models import Role
from dusun.warga.models import Household, Resident

from .conftest import PASSWORD, TELANG, make_user
from .sheets import family, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(base_url + "/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/akun/masuk/" not in url)


def upload(page, base_url, path):
    page.goto(base_url + "/warga/impor/")
    page.select_option("#id_wilayah", TELANG)
    page.set_input_files("#id_upload", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-state[data-status=checked], #import-state[data-status=failed]")


def test_operator_fixes_bad_rows_commits_and_sees_statistics(page, live_server, reference_data, tmp_path):
    make_user("op_browser", Role.OPERATOR, TELANG)
    households, residents = [], []
    for n in range(1, 13):
        h, people = family(n, rt=1 + n % 2, size=2 + n % 3)
        households.append(h)
        residents.extend(people)
    good = tmp_path / "sensus-telang.xlsx"
    good.write_bytes(workbook(households, residents))
    broken = [dict(r) for r in residents]
    broken[0]["NIK"] = "1.50801E+15"
    broken[3]["Tanggal Lahir"] = "31-02-1990"
    broken[5]["Agama"] = "Islma"
    bad = tmp_path / "sensus-telang-salah.xlsx"
    bad.write_bytes(workbook(households, broken))

    log_in(page, live_server.url, "op_browser")
    upload(page, live_server.url, bad)
    issues = page.locator("#import-issues tbody tr")
    codes = {issues.nth(i).get_attribute("data-code") for i in range(issues.count())}
    assert {"nik_scientific", "date_impossible", "choice_invalid"} <= codes
    assert "notasi ilmiah" in page.locator("#import-issues").inner_text()
    assert page.locator("#commit-button").count() == 0  # cannot be saved
    assert not Household.objects.exists()

    upload(page, live_server.url, good)
    assert page.locator("#import-issues tbody tr.level-error, #import-issues td.level-error").count() == 0
    summary = page.locator("#import-summary").inner_text()
    assert "12" in summary
    page.click("#commit-button")
    page.wait_for_selector("#import-written")
    assert Resident.objects.filter(dusun__kode=TELANG).count() == len(residents)

    page.click("text=Lihat statistik")
    page.wait_for_url(f"**/dusun/{TELANG}/statistik/")
    assert page.locator("h1").inner_text().startswith("Statistik warga")
    lead = page.locator(".lead").inner_text()
    assert f"{len(residents)} penduduk" in lead and "12 keluarga" in lead
    assert page.locator("svg.chart").count() >= 10
    assert page.console_errors == []

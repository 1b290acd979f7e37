"""In a real browser: the kabupaten admin changes a carbon factor; the village page's carbon account uses
the new version, its change map draws the changed polygons, and the public ledger shows only counts."""

import pytest
from django.core.management import call_command

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.hutan import services
from dusun.ruang.demo import generate_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VILLAGE = "15.08.14.2008"  # Lubuk Beringin: in the small demo and in the Bujang Raba scheme


def test_factor_edit_change_map_and_ledger(page, live_server, reference_data):
    generate_demo_data(seed=1, scale="small")
    call_command("generate_demo_hutan", verbosity=0)
    admin = User.objects.create_user("kab_admin", password="rahasia-sekali-123")
    assign_role(admin, Role.KABUPATEN, services.kabupaten())

    page.goto(f"{live_server.url}/akun/masuk/?next=/hutan/faktor-karbon/")
    page.fill("#id_username", "kab_admin")
    page.fill("#id_password", "rahasia-sekali-123")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/hutan/faktor-karbon/")
    page.select_option("#id_klass", label="17 Kelapa sawit")
    page.fill("#id_tc_ha", "-3")
    page.fill("#id_note", "Uji")
    page.click("form.hutan-form button[type=submit]")
    assert page.locator("#factor-history").count() == 0  # refused by the form: nothing written
    page.fill("#id_tc_ha", "45.25")
    page.click("form.hutan-form button[type=submit]")
    page.wait_for_url("**/hutan/faktor-karbon/")
    assert "45,25" in page.locator("#factor-history").inner_text()  # Bahasa decimal comma

    page.goto(f"{live_server.url}/hutan/dusun/{VILLAGE}/")
    assert "versi 2" in page.locator("#karbon").inner_text()
    page.wait_for_function(
        "() => window.hutanMap && window.hutanMap.isSourceLoaded('perubahan') "
        "&& window.hutanMap.querySourceFeatures('perubahan').length > 0",
        timeout=20000,
    )
    page.click("#karbon details >> nth=0")
    assert page.locator("#karbon details >> nth=0").locator("tbody tr").count() >= 2
    assert "tCO₂e" in page.locator("#emissions").inner_text()

    page.goto(f"{live_server.url}/hutan/dusun/{VILLAGE}/dana-karbon/")
    assert "31.400.000" in page.locator("#allocations").inner_text()
    assert "157" in page.locator("#allocations").inner_text()
    assert page.console_errors == []

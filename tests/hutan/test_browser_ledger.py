"""In a real browser: the kabupaten admin records a receipt and an allocation (htmx forms, a refused over-
allocation first); the village's operator links two households of its census; the public scheme page shows
the new sums and count but no names."""

import datetime as dt

import pytest

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.hutan import demo
from dusun.hutan.models import Allocation, Payment
from dusun.warga.models import Household, Resident
from dusun.wilayah.models import Wilayah

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TELANG = "15.08.14.2009"
PASSWORD = "rahasia-sekali-123"


def _login(page, live_server, username, next_url):
    page.goto(f"{live_server.url}/akun/masuk/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_receipt_allocation_and_household_links(page, browser, live_server, reference_data):
    demo.seed_ledger()
    telang = Wilayah.objects.get(kode=TELANG)
    kab = User.objects.create_user("kab_admin", password=PASSWORD)
    assign_role(kab, Role.KABUPATEN, Wilayah.objects.get(kode="15.08"))
    op = User.objects.create_user("op_telang", password=PASSWORD)
    assign_role(op, Role.OPERATOR, telang)
    for n, name in ((1, "Siti Aminah"), (2, "Rahmat Hidayat"), (3, "Yusuf Karim")):
        household = Household.objects.create(dusun=telang, kk_number=f"15081401012000{n:02d}")
        Resident.objects.create(
            household=household, dusun=telang, nik=f"15081401016000{n:02d}", name=name, sex="L",
            birth_date=dt.date(1970, 1, 1), relationship="kepala",
        )  # fmt: skip

    _login(page, live_server, "kab_admin", "/hutan/dana-karbon/bujang-raba/kelola/")
    page.fill("#id_penerimaan-year", "2025")
    page.fill("#id_penerimaan-buyer", "Pembeli Uji Browser")
    page.fill("#id_penerimaan-amount_rp", "40000000")
    page.click("#form-penerimaan button[type=submit]")
    page.wait_for_selector("#ledger-done")
    assert "Rp 40.000.000 dicatat" in page.locator("#ledger-done").inner_text()
    assert "Pembeli Uji Browser" in page.locator("#manage-payments").inner_text()

    page.select_option("#id_alokasi-payment", label="2025 · Pembeli Uji Browser")
    page.select_option("#id_alokasi-dusun", label="Sungai Telang")
    page.select_option("#id_alokasi-purpose", value="sosial")
    page.fill("#id_alokasi-amount_rp", "40000001")
    page.click("#form-alokasi button[type=submit]")
    page.wait_for_selector("#form-alokasi .error")
    assert "melebihi sisa penerimaan 2025" in page.locator("#form-alokasi").inner_text()
    assert not Allocation.objects.filter(payment__year=2025).exists()
    page.fill("#id_alokasi-amount_rp", "30000000")
    page.click("#form-alokasi button[type=submit]")
    page.wait_for_function("() => (document.querySelector('#ledger-done') || {}).innerText?.includes('Alokasi')")
    allocation = Allocation.objects.get(payment__year=2025)
    assert allocation.amount_rp == 30_000_000 and allocation.created_by == kab
    assert page.console_errors == []

    context = browser.new_context(locale="id-ID")  # the operator, in a fresh session
    op_page = context.new_page()
    _login(op_page, live_server, "op_telang", f"/hutan/dusun/{TELANG}/dana-karbon/kelola/")
    label = next(o for o in op_page.locator("#id_penerima-allocation option").all_inner_texts() if "2025" in o)
    for name in ("Siti Aminah", "Rahmat Hidayat"):
        op_page.select_option("#id_penerima-allocation", label=label)
        option = next(o for o in op_page.locator("#id_penerima-household option").all_inner_texts() if name in o)
        op_page.select_option("#id_penerima-household", label=option)
        op_page.click("#form-penerima button[type=submit]")
        op_page.wait_for_function(
            "(n) => (document.querySelector('#linked-households') || {}).innerText?.includes(n)", arg=name
        )
    assert allocation.beneficiaries.count() == 2
    context.close()

    anonymous = browser.new_context(locale="id-ID").new_page()
    anonymous.goto(f"{live_server.url}/hutan/dana-karbon/bujang-raba/")
    body = anonymous.locator("body").inner_text()
    total = sum(Payment.objects.values_list("amount_rp", flat=True))
    assert f"{total:,}".replace(",", ".") in anonymous.locator("#received").inner_text()
    assert "30.000.000" in anonymous.locator("#allocations").inner_text()
    assert "2 tertaut" in anonymous.locator("#allocations").inner_text()
    assert anonymous.locator("#households-linked").inner_text().strip() == "2"
    for secret in ("Siti Aminah", "Rahmat Hidayat", "150814010120000"):
        assert secret not in body and secret not in anonymous.content()
    anonymous.context.close()

"""The carbon ledger: bad input refused with nothing written, allocations never above receipts (also when
two are entered at once), seeded sourced and demo rows, no personal data on the public page."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.hutan import demo, services
from dusun.hutan.models import Allocation, Payment, Provenance
from dusun.warga.models import Household
from dusun.wilayah.models import Wilayah


@pytest.fixture
def scheme(reference_data):
    return demo.seed_ledger()


@pytest.fixture
def admin(reference_data):
    user = User.objects.create_user("kab")
    assign_role(user, Role.KABUPATEN, services.kabupaten())
    return user


@pytest.mark.django_db
def test_seed_flags_sourced_and_demo_rows(scheme):
    sourced = Payment.objects.get(provenance=Provenance.SOURCED)
    assert (sourced.year, sourced.amount_rp, sourced.is_demo) == (2020, 1_000_000_000, False)
    assert "mediaindonesia.com" in sourced.source_url
    blt = Allocation.objects.get(provenance=Provenance.SOURCED)
    assert (blt.dusun.kode, blt.amount_rp, blt.households) == ("15.08.14.2008", 31_400_000, 157)
    assert Allocation.objects.filter(is_demo=True).count() == 10
    demo.seed_ledger()  # idempotent
    assert Allocation.objects.count() == 11 and Payment.objects.count() == 2
    demo.remove_demo()
    assert list(Allocation.objects.values_list("provenance", flat=True)) == [Provenance.SOURCED]


@pytest.mark.django_db
def test_negative_payment_and_over_allocation_refused(scheme, admin):
    with pytest.raises(services.LedgerError, match="lebih dari Rp 0"):
        services.record_payment(admin, scheme, year=2023, buyer="X", amount_rp=-5)
    payment = services.record_payment(admin, scheme, year=2023, buyer="Pembeli uji", amount_rp=1_000)
    telang = Wilayah.objects.get(kode="15.08.14.2009")
    services.allocate(admin, payment, dusun=telang, purpose="patroli", amount_rp=600)
    with pytest.raises(services.LedgerError, match="melebihi sisa penerimaan"):
        services.allocate(admin, payment, dusun=telang, purpose="sosial", amount_rp=401)
    assert payment.allocations.count() == 1
    services.allocate(admin, payment, dusun=telang, purpose="sosial", amount_rp=400)
    assert Payment.objects.filter(year=2023).count() == 1


@pytest.mark.django_db
def test_ledger_writes_need_the_kabupaten_admin(scheme):
    operator = User.objects.create_user("op")
    telang = Wilayah.objects.get(kode="15.08.14.2009")
    assign_role(operator, Role.OPERATOR, telang)
    with pytest.raises(PermissionDenied):
        services.record_payment(operator, scheme, year=2023, buyer="X", amount_rp=5)
    with pytest.raises(services.LedgerError, match="bukan dusun peserta"):
        services.allocate(
            None,
            scheme.payments.first(),
            dusun=Wilayah.objects.get(kode="15.08.14.2001"),
            purpose="sosial",
            amount_rp=1,
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_exceed_the_receipt(reference_data):
    scheme = demo.seed_ledger()
    payment = services.record_payment(None, scheme, year=2024, buyer="Uji serentak", amount_rp=1_000)
    telang = Wilayah.objects.get(kode="15.08.14.2009")
    barrier, outcomes = threading.Barrier(2), []

    def allocate():
        try:
            barrier.wait()
            services.allocate(None, payment, dusun=telang, purpose="patroli", amount_rp=600)
            outcomes.append("ok")
        except services.LedgerError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert sum(payment.allocations.values_list("amount_rp", flat=True)) == 600


@pytest.mark.django_db
def test_public_ledger_page_shows_counts_not_people(client, scheme):
    telang = Wilayah.objects.get(kode="15.08.14.2009")
    household = Household.objects.create(dusun=telang, kk_number="1508140101200077", address="Jalan Rahasia 7")
    allocation = Allocation.objects.filter(dusun=telang, purpose="sosial").first()
    services.add_beneficiary(_kab_admin(), allocation, household)
    for url in (
        reverse("hutan:scheme-ledger", args=["bujang-raba"]),
        reverse("hutan:village-ledger", args=[telang.kode]),
    ):
        html = client.get(url).content.decode()
        assert "1508140101200077" not in html and "Jalan Rahasia" not in html
        assert "1.000.000.000" in html and "1 tertaut" in html
    html = client.get(reverse("hutan:village-ledger", args=[telang.kode])).content.decode()
    assert "504" in html and "Lubuk Beringin" not in html.split('id="allocations"')[1]


def _kab_admin():
    user = User.objects.create_user("kab2")
    assign_role(user, Role.KABUPATEN, services.kabupaten())
    return user

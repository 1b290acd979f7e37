"""The ledger entry screens: the kabupaten admin records receipts, allocations and corrections per scheme; a
village's operator records the village's use of the funds and links households of its own census. Every bad
input or out-of-scope user changes nothing; every entry leaves a history row; names stay off public pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dusun.akun.models import AccessLog, Role, User
from dusun.akun.services import assign_role
from dusun.hutan import demo, services
from dusun.hutan.models import Allocation, Beneficiary, LedgerEdit, Payment, Spending
from dusun.warga.models import Household, Resident
from dusun.wilayah.models import Wilayah

pytestmark = pytest.mark.django_db
TELANG, LUBUK = "15.08.14.2009", "15.08.14.2008"
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scheme(reference_data):
    return demo.seed_ledger()


def _user(name, role, kode):
    user = User.objects.create_user(name, password="x")
    assign_role(user, role, Wilayah.objects.get(kode=kode))
    return user


@pytest.fixture
def kab(reference_data):
    return _user("kab", Role.KABUPATEN, "15.08")


@pytest.fixture
def operator(reference_data):
    return _user("op_telang", Role.OPERATOR, TELANG)


def family(kode: str, n: int, name: str) -> Household:
    village = Wilayah.objects.get(kode=kode)
    household = Household.objects.create(dusun=village, kk_number=f"15081401012000{n:02d}")
    Resident.objects.create(
        household=household, dusun=village, nik=f"15081401016000{n:02d}", name=name, sex="L",
        birth_date=dt.date(1970, 1, 1), relationship="kepala",
    )  # fmt: skip
    return household


def snapshot():
    return (
        list(Payment.objects.values_list("id", "amount_rp")),
        list(Allocation.objects.values_list("id", "amount_rp")),
        Beneficiary.objects.count(),
        Spending.objects.count(),
        LedgerEdit.objects.count(),
    )


def post_scheme(client, data, htmx=True):
    return client.post(reverse("hutan:scheme-manage", args=["bujang-raba"]), data, **(HX if htmx else {}))


def post_village(client, kode, data):
    return client.post(reverse("hutan:village-manage", args=[kode]), data, **HX)


def receipt(year=2024, amount="50000000"):
    return {"penerimaan-aksi": "penerimaan", "penerimaan-year": year, "penerimaan-buyer": "Pembeli uji",
            "penerimaan-amount_rp": amount, "penerimaan-note": "transfer"}  # fmt: skip


def allocation(payment, kode=TELANG, amount="20000000", purpose="sosial"):
    return {"alokasi-aksi": "alokasi", "alokasi-payment": payment.pk,
            "alokasi-dusun": Wilayah.objects.get(kode=kode).pk, "alokasi-purpose": purpose,
            "alokasi-amount_rp": amount, "alokasi-households": "2"}  # fmt: skip


def test_kabupaten_records_receipt_and_allocation_with_history(client, scheme, kab):
    client.force_login(kab)
    response = post_scheme(client, receipt())
    assert response.status_code == 200 and "Rp 50.000.000 dicatat" in response.content.decode()
    payment = Payment.objects.get(year=2024, buyer="Pembeli uji")
    assert payment.created_by == kab and payment.created_at is not None
    response = post_scheme(client, allocation(payment))
    assert "Rp 20.000.000 dicatat" in response.content.decode()
    made = Allocation.objects.get(payment=payment)
    assert (made.dusun.kode, made.amount_rp, made.households, made.created_by) == (TELANG, 20_000_000, 2, kab)
    history = list(LedgerEdit.objects.filter(scheme=scheme).values_list("kind", "action", "username"))
    assert ("penerimaan", "catat", "kab") in history and ("alokasi", "catat", "kab") in history
    # Without htmx: redirect after the write (post/redirect/get).
    response = post_scheme(client, receipt(year=2025), htmx=False)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "data, message",
    [
        (receipt(amount="-5"), "Jumlah (Rp) harus lebih dari Rp 0"),
        (receipt(amount="abc"), "Jumlah (Rp) harus berupa bilangan rupiah bulat"),
        (receipt(year=1800), "Tahun harus antara 1990 dan 2100"),
    ],
)
def test_bad_receipt_changes_nothing(client, scheme, kab, data, message):
    client.force_login(kab)
    before = snapshot()
    response = post_scheme(client, data)
    assert message in response.content.decode()
    assert snapshot() == before
    assert post_scheme(client, data, htmx=False).status_code == 400


def test_allocation_over_receipt_negative_or_to_a_non_member_changes_nothing(client, scheme, kab):
    client.force_login(kab)
    payment = services.record_payment(kab, scheme, year=2024, buyer="Uji", amount_rp=1_000)
    before = snapshot()
    html = post_scheme(client, allocation(payment, amount="1001")).content.decode()
    assert "melebihi sisa penerimaan 2024" in html and "sisa Rp 1.000" in html
    html = post_scheme(client, allocation(payment, amount="-1")).content.decode()
    assert "Jumlah alokasi (Rp) harus lebih dari Rp 0" in html
    html = post_scheme(client, allocation(payment, kode="15.08.14.2001")).content.decode()
    assert "Dusun: Dusun yang dipilih bukan dusun peserta skema ini." in html
    assert snapshot() == before


def test_out_of_scope_users_get_403_and_change_nothing(client, scheme, operator):
    before = snapshot()
    url = reverse("hutan:scheme-manage", args=["bujang-raba"])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(operator)
    assert client.get(url).status_code == 403
    assert post_scheme(client, receipt()).status_code == 403
    camat = _user("camat", Role.KECAMATAN, "15.08.14")
    client.force_login(camat)  # sees the kecamatan, but may neither edit nor read names
    assert client.get(reverse("hutan:village-manage", args=[TELANG])).status_code == 403
    other = _user("op_lubuk", Role.OPERATOR, LUBUK)
    client.force_login(other)
    household = family(TELANG, 1, "Siti Telang")
    target = Allocation.objects.filter(dusun__kode=TELANG).first()
    data = {"penerima-aksi": "penerima", "penerima-allocation": target.pk, "penerima-household": household.uuid}
    assert post_village(client, TELANG, data).status_code == 403
    assert snapshot() == before


def test_corrections_are_edits_with_history_and_keep_the_rules(client, scheme, kab):
    client.force_login(kab)
    payment = services.record_payment(kab, scheme, year=2024, buyer="Uji", amount_rp=1_000)
    alloc = services.allocate(kab, payment, dusun=Wilayah.objects.get(kode=TELANG), purpose="patroli", amount_rp=600)
    before = snapshot()
    correct_p = {"koreksi-penerimaan-aksi": "koreksi-penerimaan", "koreksi-penerimaan-target": payment.pk,
                 "koreksi-penerimaan-amount_rp": "500", "koreksi-penerimaan-note": "salah ketik"}  # fmt: skip
    assert "sudah dialokasikan Rp 600" in post_scheme(client, correct_p).content.decode()
    no_reason = correct_p | {"koreksi-penerimaan-amount_rp": "900", "koreksi-penerimaan-note": ""}
    assert "Alasan koreksi" in post_scheme(client, no_reason).content.decode()
    assert snapshot() == before
    correct_a = {"koreksi-alokasi-aksi": "koreksi-alokasi", "koreksi-alokasi-target": alloc.pk,
                 "koreksi-alokasi-amount_rp": "700", "koreksi-alokasi-note": "bukti transfer"}  # fmt: skip
    assert "dikoreksi menjadi Rp 700" in post_scheme(client, correct_a).content.decode()
    alloc.refresh_from_db()
    assert alloc.amount_rp == 700
    edit = LedgerEdit.objects.get(kind="alokasi", action="koreksi")
    assert (edit.old_value, edit.new_value, edit.note, edit.user) == ("Rp 600", "Rp 700", "bukti transfer", kab)
    over = correct_a | {"koreksi-alokasi-amount_rp": "1001"}
    assert "melebihi sisa penerimaan" in post_scheme(client, over).content.decode()
    alloc.refresh_from_db()
    assert alloc.amount_rp == 700


@pytest.fixture
def telang_allocation(scheme):
    return Allocation.objects.filter(dusun__kode=TELANG, purpose="sosial").first()


def test_operator_links_households_of_its_own_census_only(client, telang_allocation, operator):
    mine, theirs = family(TELANG, 1, "Siti Telang"), family(LUBUK, 2, "Budi Lubuk")
    client.force_login(operator)
    url = reverse("hutan:village-manage", args=[TELANG])
    html = client.get(url).content.decode()
    assert "Siti Telang" in html and "Budi Lubuk" not in html  # the dropdown: this village's census only
    assert "1508140101200001" not in html  # never the KK number
    assert AccessLog.objects.filter(user=operator, object_type="hutan.penerima", action="daftar").exists()
    data = {"penerima-aksi": "penerima", "penerima-allocation": telang_allocation.pk}
    before = snapshot()
    html = post_village(client, TELANG, data | {"penerima-household": theirs.uuid}).content.decode()
    assert "bukan warga dusun ini" in html
    assert snapshot() == before
    html = post_village(client, TELANG, data | {"penerima-household": mine.uuid}).content.decode()
    assert "Keluarga ditautkan" in html and "Siti Telang" in html.split('id="linked-households"')[1]
    link = Beneficiary.objects.get(allocation=telang_allocation, household=mine)
    assert link.created_by == operator
    assert AccessLog.objects.filter(user=operator, action="ubah", object_ref=str(mine.uuid)).exists()
    assert "sudah tercatat" in post_village(client, TELANG, data | {"penerima-household": mine.uuid}).content.decode()
    # The service refuses a household of another village even when called directly.
    with pytest.raises(services.LedgerError, match="bukan warga"):
        services.add_beneficiary(operator, telang_allocation, theirs)
    # Unlinking needs a reason and keeps the history (by UUID, never a name).
    unlink = {"hapus-penerima-aksi": "hapus-penerima", "hapus-penerima-beneficiary": link.pk}
    assert "Alasan" in post_village(client, TELANG, unlink | {"hapus-penerima-note": ""}).content.decode()
    assert Beneficiary.objects.filter(pk=link.pk).exists()
    post_village(client, TELANG, unlink | {"hapus-penerima-note": "salah pilih"})
    assert not Beneficiary.objects.filter(pk=link.pk).exists()
    removed = LedgerEdit.objects.get(kind="penerima", action="hapus")
    assert removed.old_value == f"KK {mine.uuid}" and "Siti" not in removed.old_value


def test_operator_records_use_of_funds_within_the_allocation(client, telang_allocation, operator):
    client.force_login(operator)
    data = {"penggunaan-aksi": "penggunaan", "penggunaan-allocation": telang_allocation.pk,
            "penggunaan-spent_on": "2024-03-31", "penggunaan-description": "Bantuan sembako"}  # fmt: skip
    before = snapshot()
    assert (
        "Jumlah (Rp) harus lebih dari Rp 0"
        in post_village(client, TELANG, data | {"penggunaan-amount_rp": "-1"}).content.decode()
    )
    over = str(telang_allocation.amount_rp + 1)
    assert (
        "melebihi sisa alokasi" in post_village(client, TELANG, data | {"penggunaan-amount_rp": over}).content.decode()
    )
    bad_date = data | {"penggunaan-amount_rp": "10", "penggunaan-spent_on": "31/02/2024"}
    assert "Tanggal harus berformat" in post_village(client, TELANG, bad_date).content.decode()
    assert snapshot() == before
    assert "dicatat" in post_village(client, TELANG, data | {"penggunaan-amount_rp": "1000000"}).content.decode()
    spending = Spending.objects.get()
    assert (spending.amount_rp, spending.created_by, spending.allocation) == (1_000_000, operator, telang_allocation)
    html = client.get(reverse("hutan:village-ledger", args=[TELANG])).content.decode()
    assert "1.000.000" in html.split('id="spent"')[1][:60]


def test_operator_corrects_a_recorded_use_with_history_and_within_the_allocation(client, telang_allocation, operator):
    spending = services.record_spending(
        operator, telang_allocation, spent_on=dt.date(2024, 3, 31), description="Honor patroli", amount_rp=1_000_000
    )
    client.force_login(operator)
    data = {"koreksi-penggunaan-aksi": "koreksi-penggunaan", "koreksi-penggunaan-target": spending.pk}
    before = snapshot()
    no_reason = data | {"koreksi-penggunaan-amount_rp": "900000", "koreksi-penggunaan-note": ""}
    assert "Alasan koreksi" in post_village(client, TELANG, no_reason).content.decode()
    over = data | {"koreksi-penggunaan-amount_rp": str(telang_allocation.amount_rp + 1), "koreksi-penggunaan-note": "x"}
    assert "tidak dapat dikoreksi" in post_village(client, TELANG, over).content.decode()
    assert snapshot() == before
    spending.refresh_from_db()
    assert spending.amount_rp == 1_000_000
    good = data | {"koreksi-penggunaan-amount_rp": "900000", "koreksi-penggunaan-note": "salah ketik"}
    assert "dikoreksi menjadi Rp 900.000" in post_village(client, TELANG, good).content.decode()
    spending.refresh_from_db()
    assert spending.amount_rp == 900_000
    edit = LedgerEdit.objects.get(kind="penggunaan", action="koreksi")
    assert (edit.old_value, edit.new_value, edit.note, edit.user) == (
        "Rp 1.000.000",
        "Rp 900.000",
        "salah ketik",
        operator,
    )
    # Another village's operator cannot correct it, through the service either.
    other = _user("op_lubuk", Role.OPERATOR, LUBUK)
    with pytest.raises(PermissionDenied):
        services.correct_spending(other, spending, amount_rp=1, note="coba")


def test_public_pages_show_sums_and_counts_but_no_names(client, telang_allocation, operator):
    mine = family(TELANG, 1, "Siti Telang")
    services.add_beneficiary(operator, telang_allocation, mine)
    for url in (reverse("hutan:scheme-ledger", args=["bujang-raba"]), reverse("hutan:village-ledger", args=[TELANG])):
        html = client.get(url).content.decode()
        assert "Siti Telang" not in html and str(mine.uuid) not in html and "1508140101200001" not in html
        assert "1 tertaut" in html and 'id="manage-link"' not in html
    client.force_login(operator)
    assert 'id="manage-link"' in client.get(reverse("hutan:village-ledger", args=[TELANG])).content.decode()

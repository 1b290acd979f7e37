"""Village economy: APBDes with realisation, enterprises and markets, scope on every write, owners kept
private, commodity totals that never publish one family's harvest."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.ekonomi import selectors, services
from dusun.ekonomi.models import Commodity, DusunCommodity, Enterprise, HouseholdCommodity
from dusun.warga.models import Household, Resident
from dusun.wilayah.models import Wilayah

pytestmark = pytest.mark.django_db
TELANG, BERINGIN = "15.08.14.2009", "15.08.14.2008"


@pytest.fixture(autouse=True)
def commodities(db):
    # Reference rows come from a data migration; a transactional test elsewhere may have flushed them.
    from dusun.ekonomi.commodities import ensure

    ensure()


@pytest.fixture
def operator(reference_data):
    user = User.objects.create_user("op_eko", password="rahasia-sekali-123")
    assign_role(user, Role.OPERATOR, Wilayah.objects.get(kode=TELANG))
    return user


def test_budget_lines_with_realisation_and_area_totals(operator):
    telang = Wilayah.objects.get(kode=TELANG)
    services.save_budget_line(
        operator,
        telang,
        year=2026,
        kind="pendapatan",
        code="dana_desa",
        planned=Decimal("900000000"),
        realised=Decimal("450000000"),
    )
    services.save_budget_line(
        operator,
        telang,
        year=2026,
        kind="pendapatan",
        code="insentif_karbon",
        planned=Decimal("200000000"),
        realised=Decimal("200000000"),
    )
    services.save_budget_line(
        operator, telang, year=2026, kind="belanja", code="2", planned=Decimal("600000000"), realised=None
    )
    budget = selectors.budgets(telang)[0]
    summary = selectors.budget_summary(budget)
    assert summary["income_total"]["planned"] == Decimal("1100000000")
    assert round(summary["income_total"]["pct"], 1) == 59.1
    assert [x["label"] for x in summary["spending"]] == ["Pelaksanaan pembangunan desa"]
    finance = selectors.area_finance(Wilayah.objects.get(kode="15.08.14"))
    assert finance["year"] == 2026 and finance["villages_reported"] == 1 and finance["villages"] == 9
    with pytest.raises(ValidationError):
        services.save_budget_line(
            operator, telang, year=2026, kind="belanja", code="dana_desa", planned=1, realised=None
        )


def test_writes_are_scoped(operator):
    beringin = Wilayah.objects.get(kode=BERINGIN)
    with pytest.raises(PermissionDenied):
        services.save_budget_line(operator, beringin, year=2026, kind="belanja", code="1", planned=1, realised=None)
    with pytest.raises(PermissionDenied):
        services.save_enterprise(operator, beringin, name="X", kind="umkm", sector="jasa")


def test_public_page_never_shows_an_enterprise_owner(client, operator):
    telang = Wilayah.objects.get(kode=TELANG)
    household = Household.objects.create(dusun=telang, kk_number="1508140101200001")
    Resident.objects.create(
        household=household,
        dusun=telang,
        nik="1508141708850001",
        name="Pemilik Warung",
        sex="L",
        birth_date=dt.date(1985, 8, 17),
        relationship="kepala",
    )
    Enterprise.objects.create(
        dusun=telang, name="Warung Kopi Telang", kind="umkm", sector="perdagangan", owner_household=household
    )
    page = client.get(reverse("ekonomi:dusun", args=[TELANG])).content.decode()
    api = client.get(reverse("ekonomi:api_dusun", args=[TELANG])).content.decode()
    for body in (page, api):
        assert "Warung Kopi Telang" in body and "Pemilik Warung" not in body and "1508140101200001" not in body


def test_derived_commodities_skip_crops_of_fewer_than_five_households(operator):
    telang = Wilayah.objects.get(kode=TELANG)
    karet, kopi = Commodity.objects.get(code="karet"), Commodity.objects.get(code="kopi")
    for n in range(6):
        household = Household.objects.create(dusun=telang, kk_number=f"15081401012000{n + 10:02d}")
        HouseholdCommodity.objects.create(
            household=household, commodity=karet, year=2025, area_ha=2, production_kg=1800
        )
        if n < 2:
            HouseholdCommodity.objects.create(
                household=household, commodity=kopi, year=2025, area_ha=1, production_kg=600
            )
    assert services.derive_dusun_commodities(operator, telang, 2025) == 1
    row = DusunCommodity.objects.get(dusun=telang)
    assert (row.commodity, row.production_kg, row.households, row.source) == (karet, Decimal("10800"), 6, "dihitung")


def test_manage_page_requires_scope(client, operator):
    client.force_login(operator)
    assert client.get(reverse("ekonomi:manage", args=[TELANG])).status_code == 200
    assert client.get(reverse("ekonomi:manage", args=[BERINGIN])).status_code == 403
    response = client.post(
        reverse("ekonomi:manage", args=[TELANG]),
        {
            "form": "pasar",
            "pasar-name": "Pasar Kalangan Telang",
            "pasar-kind": "kalangan",
            "pasar-market_day": "Kamis",
        },
    )
    assert response.status_code == 302
    assert "Pasar Kalangan Telang" in client.get(reverse("ekonomi:dusun", args=[TELANG])).content.decode()


def _budget(operator, telang):
    services.save_budget_line(
        operator, telang, year=2026, kind="pendapatan", code="dana_desa", planned=Decimal("900"), realised=None
    )
    services.save_budget_line(
        operator, telang, year=2026, kind="belanja", code="2", planned=Decimal("600"), realised=Decimal("100")
    )


def test_enterprises_show_labels_and_their_active_flag_can_be_set(client, operator):
    client.force_login(operator)
    response = client.post(
        reverse("ekonomi:manage", args=[TELANG]),
        {
            "form": "usaha",
            "usaha-name": "Koperasi Simpan Pinjam Telang",
            "usaha-kind": "koperasi",
            "usaha-sector": "simpan_pinjam",
            # "usaha-active" left unticked: the cooperative has stopped
        },
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(name="Koperasi Simpan Pinjam Telang").active is False
    services.save_enterprise(
        operator, Wilayah.objects.get(kode=TELANG), name="BUMDes Maju", kind="bumdes", sector="air_listrik"
    )
    client.logout()
    page = client.get(reverse("ekonomi:dusun", args=[TELANG])).content.decode()
    for label in ("Koperasi", "Simpan pinjam", "BUMDes", "Air bersih/listrik desa"):
        assert f"<td>{label}</td>" in page, label
    for code in ("simpan_pinjam", "air_listrik", "<td>koperasi</td>", "<td>bumdes</td>"):
        assert code not in page, code
    assert page.count("<td>tidak</td>") == 1 and page.count("<td>ya</td>") == 1


def test_manage_tables_have_column_headers(client, operator):
    telang = Wilayah.objects.get(kode=TELANG)
    _budget(operator, telang)
    services.save_enterprise(operator, telang, name="Warung Telang", kind="umkm", sector="perdagangan")
    client.force_login(operator)
    page = client.get(reverse("ekonomi:manage", args=[TELANG])).content.decode()
    stored = page[page.index("Data tersimpan") :]
    assert stored.count("<table") == stored.count("<thead>") == 2
    assert '<th scope="col" class="num">Anggaran (Rp)</th>' in stored and '<th scope="col">Sektor</th>' in stored
    assert "<td>Perdagangan/toko</td>" in stored


def test_chart_titles_are_translated_and_area_page_uses_the_village_word(client, operator, settings):
    telang = Wilayah.objects.get(kode=TELANG)
    _budget(operator, telang)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (reverse("ekonomi:dusun", args=[TELANG]), reverse("ekonomi:kecamatan", args=["15.08.14"])):
        body = client.get(url).content.decode()
        assert 'aria-label="Revenue"' in body and 'aria-label="Expenditure"' in body, url
        assert 'aria-label="Pendapatan"' not in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    settings.DUSUN_VILLAGE_WORD = "Kampung"
    body = client.get(reverse("ekonomi:kecamatan", args=["15.08.14"])).content.decode()
    assert "jumlah seluruh kampung" in body and "1 dari 9 kampung" in body and '<th class="num">Kampung</th>' in body
    assert "seluruh desa" not in body and " desa sudah mengisi" not in body


def test_years_are_not_printed_with_a_thousands_separator(client, operator):
    telang = Wilayah.objects.get(kode=TELANG)
    _budget(operator, telang)
    services.save_budget_line(
        operator, telang, year=2025, kind="pendapatan", code="dana_desa", planned=Decimal("800"), realised=None
    )
    client.force_login(operator)
    for url in (
        reverse("ekonomi:dusun", args=[TELANG]),
        reverse("ekonomi:manage", args=[TELANG]),
        reverse("ekonomi:kecamatan", args=["15.08.14"]),
    ):
        body = client.get(url).content.decode()
        assert "2.026" not in body and "2.025" not in body and "APBDes 2026" in body, url


def test_an_enterprise_is_corrected_in_place_not_duplicated(client, operator):
    telang = Wilayah.objects.get(kode=TELANG)
    kud = services.save_enterprise(operator, telang, name="KUD Telang", kind="koperasi", sector="simpan_pinjam")
    client.force_login(operator)
    url = reverse("ekonomi:manage", args=[TELANG])
    form = client.get(url, {"ubah": f"usaha-{kud.pk}"}).content.decode()
    assert 'value="KUD Telang"' in form and f'name="ubah" value="usaha-{kud.pk}"' in form
    response = client.post(
        url,
        {
            "form": "usaha",
            "ubah": f"usaha-{kud.pk}",
            "usaha-name": "KUD Telang Makmur",
            "usaha-kind": "koperasi",
            "usaha-sector": "simpan_pinjam",
            "usaha-workers": "7",
            "usaha-active": "on",
        },
    )
    assert response.status_code == 302
    kud.refresh_from_db()
    assert (kud.name, kud.workers, Enterprise.objects.filter(dusun=telang).count()) == ("KUD Telang Makmur", 7, 1)


def test_a_record_of_another_village_cannot_be_edited_through_this_one(client, operator):
    beringin = Wilayah.objects.get(kode=BERINGIN)
    other = Enterprise.objects.create(dusun=beringin, name="BUMDes Beringin", kind="bumdes", sector="air_listrik")
    client.force_login(operator)
    url = reverse("ekonomi:manage", args=[TELANG])
    assert client.get(url, {"ubah": f"usaha-{other.pk}"}).status_code == 404
    post = {"form": "usaha", "ubah": f"usaha-{other.pk}", "usaha-name": "Diambil", "usaha-kind": "bumdes"}
    assert client.post(url, post | {"usaha-sector": "air_listrik"}).status_code == 404
    other.refresh_from_db()
    assert other.name == "BUMDes Beringin"
    with pytest.raises(PermissionDenied):
        services.save_enterprise(operator, Wilayah.objects.get(kode=TELANG), instance=other, name="Diambil")

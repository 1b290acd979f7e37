"""Statistics: the exact counts are right (checked against the register itself), the published counts
equal them wherever shown, and the published tables — read back through the public API — let no small
count be recovered by subtraction from totals, the other sex, or the other dusun of the kecamatan."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse

from dusun.warga import choices as c
from dusun.warga import selectors, statistics, suppression
from dusun.warga.models import Household, PublicStatCell, Resident, StatCell
from dusun.wilayah.models import Wilayah

from .conftest import TELANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_census")]


def test_exact_counts_match_the_register(users):
    telang = Wilayah.objects.get(kode=TELANG)
    active = Resident.objects.filter(dusun=telang, status="aktif")
    cells = StatCell.objects.filter(wilayah=telang)
    assert sum(cells.filter(dimension="penduduk").values_list("count", flat=True)) == active.count()
    by_religion = dict(active.values_list("religion").annotate(n=Count("pk")))
    for religion, n in by_religion.items():
        assert sum(cells.filter(dimension="agama", category=religion).values_list("count", flat=True)) == n
    households = Household.objects.filter(dusun=telang, members__status="aktif").distinct()
    assert cells.get(dimension="keluarga").count == households.count()
    pkh = households.filter(assistance__contains=["pkh"]).count()
    assert cells.get(dimension="bantuan", category="pkh").count == pkh
    # The kabupaten row is the sum of its parts.
    kab = StatCell.objects.filter(wilayah__kode="15.08", dimension="penduduk")
    assert sum(kab.values_list("count", flat=True)) == Resident.objects.filter(status="aktif").count()


def test_exact_statistics_with_filters_for_the_operator(users):
    telang = Wilayah.objects.get(kode=TELANG)
    rt = selectors.subunits_of(telang).first()
    group = 3
    first, last, _label = c.AGE_GROUPS[group]
    stats = selectors.exact_statistics(users["op_a"], telang, sex="P", age_group=group, subunit=rt)
    today = statistics.timezone.localdate()

    def age(born):
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    women = [
        r
        for r in Resident.objects.filter(household__subunit=rt, status="aktif", sex="P")
        if first * 5 <= age(r.birth_date) <= (last * 5 + 4 if last < c.AGE_BAND_COUNT - 1 else 200)
    ]
    assert women
    education = stats.table("pendidikan")
    assert sum(row.cell.value for row in education.rows) == len(women)
    assert stats.population["P"].value == len(women)
    with pytest.raises(PermissionDenied):
        selectors.exact_statistics(users["camat"], telang)
    with pytest.raises(PermissionDenied):
        selectors.exact_statistics(users["op_b"], telang)


def test_public_cells_equal_exact_cells_where_shown():
    table, _measures = statistics.build_public_table(Wilayah.objects.get(kode="15.08"))
    published = {
        (d, c, w, s, b): (v, f)
        for d, c, w, s, b, v, f in PublicStatCell.objects.values_list(
            "dimension", "category", "wilayah", "sex", "age_band", "value", "flag"
        )
    }
    assert len(published) == len(table.keys)
    shown = hidden = 0
    for key, value in zip(table.keys, table.values, strict=True):
        v, flag = published[key]
        if flag == suppression.PUBLISHED:
            assert v == value, key
            shown += 1
        else:
            assert v is None
            hidden += 1
            if flag == suppression.PRIMARY:
                assert value < suppression.THRESHOLD
    assert shown > hidden > 0


def _published_table(client) -> tuple[suppression.Table, list[int]]:
    """The relation structure of the public tables, with the suppression flags read back from the public
    API (what a data user actually gets) for the kabupaten, its kecamatan and the demo dusun."""
    table, _m = statistics.build_public_table(Wilayah.objects.get(kode="15.08"))
    flags = [None] * len(table.keys)
    areas = [("kabupaten", w) for w in Wilayah.objects.filter(kode="15.08")]
    areas += [("kecamatan", w) for w in Wilayah.objects.kecamatan()]
    areas += [("dusun", w) for w in Wilayah.objects.villages().filter(parent__kode="15.08.14")]
    for level, area in areas:
        for sex in ("", "L", "P"):
            data = client.get(reverse(f"warga:api_statistik_{level}", args=[area.kode]), {"jenis_kelamin": sex}).json()

            def flag_of(cell):
                return {"primer": suppression.PRIMARY, "komplementer": suppression.COMPLEMENTARY}.get(
                    cell.get("ditekan"), 0
                )

            if sex == "":
                for key, cell in data["penduduk"].items():
                    flags[table.index[("penduduk", "", area.pk, "" if key == "semua" else key, -1)]] = flag_of(cell)
                flags[table.index[("keluarga", "", area.pk, "", -1)]] = flag_of(data["keluarga"])
                for band, row in enumerate(data["piramida"]):
                    flags[table.index[("penduduk", "", area.pk, "L", band)]] = flag_of(row["laki_laki"])
                    flags[table.index[("penduduk", "", area.pk, "P", band)]] = flag_of(row["perempuan"])
            for tab in data["tabel"]:
                unit_sex = sex if tab["satuan"] == "jiwa" else ""
                if tab["satuan"] == "kk" and sex:
                    continue
                for row in tab["baris"]:
                    flags[table.index[(tab["kode"], row["kode"], area.pk, unit_sex, -1)]] = flag_of(row)
    # Cells not fetched (the both-sexes pyramid bands and dusun of other kecamatan): use what is stored.
    stored = dict(
        ((d, c, w, s, b), f)
        for d, c, w, s, b, f in PublicStatCell.objects.values_list(
            "dimension", "category", "wilayah", "sex", "age_band", "flag"
        )
    )
    fetched = sum(1 for f in flags if f is not None)
    flags = [stored[k] if f is None else f for k, f in zip(table.keys, flags, strict=True)]
    assert fetched > 5000
    return table, flags


def test_no_suppressed_cell_is_recoverable_from_the_published_margins(client):
    table, flags = _published_table(client)
    small = [i for i, v in enumerate(table.values) if 0 < v < suppression.THRESHOLD]
    assert small and all(flags[i] == suppression.PRIMARY for i in small)  # every 1–4 shows as "<5"
    audit = suppression.Audit(table, flags)
    assert audit.exact() == []
    # Where an attacker can narrow a "<5" cell at all, at least two values remain possible.
    for i in audit.narrowed():
        assert audit.hi[i] > audit.lo[i]
    # And the naive alternative (hide only the small cells) would have leaked: the audit is not vacuous.
    naive = [suppression.PRIMARY if 0 < v < suppression.THRESHOLD else 0 for v in table.values]
    assert suppression.Audit(table, naive).exact()


def test_public_api_shape_and_suppression_markers(client):
    data = client.get(reverse("warga:api_statistik_dusun", args=[TELANG])).json()
    assert data["wilayah"]["kode"] == TELANG and data["kerahasiaan"]["ambang"] == 5
    cells = [row for tab in data["tabel"] for row in tab["baris"]]
    assert any(row["jumlah"] == "<5" and row["ditekan"] == "primer" and row["persen"] is None for row in cells)
    assert any(row["jumlah"] is None and row["ditekan"] == "komplementer" for row in cells)
    assert data["penduduk"]["semua"]["jumlah"] > 100
    assert client.get(reverse("warga:api_statistik_dusun", args=[TELANG]), {"jenis_kelamin": "X"}).status_code == 400
    assert client.get(reverse("warga:api_statistik_dusun", args=["15.08.99.9999"])).status_code == 404


def test_statistics_page_renders_charts_and_exports(client, users):
    response = client.get(reverse("warga:statistik_kabupaten", args=["15.08"]))
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<svg") >= 20 and "Piramida penduduk" in body
    assert 'role="img"' in body and "&lt;5" in body
    xlsx = client.get(reverse("warga:statistik_dusun_xlsx", args=[TELANG]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    # The operator sees exact numbers on the same page, marked private.
    client.force_login(users["op_a"])
    own = client.get(
        reverse("warga:statistik_dusun", args=[TELANG]), {"sub": f"{TELANG}.RT01", "sex": "L", "umur": "2"}
    )
    assert own.context["stats"].exact and own["X-Robots-Tag"] == "noindex, nofollow"
    other = client.get(reverse("warga:statistik_dusun", args=["15.08.14.2008"]))
    assert not other.context["stats"].exact  # another dusun: the public version only


def test_idm_census_facts_are_aggregates():
    facts = selectors.idm_census_facts(Wilayah.objects.get(kode=TELANG))
    active = Resident.objects.filter(dusun__kode=TELANG, status="aktif")
    assert facts["population"] == active.count()
    assert facts["bpjs"] == active.filter(Q(health_insurance__in=["pbi", "pbi_daerah", "mandiri"])).count()
    assert facts["toilet_majority"] in {"sendiri", "bersama", "umum", "tidak_ada"}


def _xlsx_values(content: bytes) -> list:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def test_scoped_user_can_get_the_public_version_equal_to_what_anonymous_users_get(client, users):
    from dusun.warga.json_export import statistics_json as _as_json

    page_url = reverse("warga:statistik_dusun", args=[TELANG])
    xlsx_url = reverse("warga:statistik_dusun_xlsx", args=[TELANG])
    anonymous_page = client.get(page_url, {"sex": "P"})
    anonymous_xlsx = client.get(xlsx_url, {"sex": "P"})
    assert "Versi publik" not in anonymous_page.content.decode()

    client.force_login(users["op_a"])
    exact = client.get(page_url, {"sex": "P", "umur": "2"})
    assert exact.context["stats"].exact
    body = exact.content.decode()
    assert "Versi publik" in body and "publik=1" in body
    public = client.get(page_url, {"sex": "P", "publik": "1"})
    assert not public.context["stats"].exact
    assert _as_json(public.context["stats"]) == _as_json(anonymous_page.context["stats"])
    assert 'name="publik" value="1"' in public.content.decode()  # the filters keep the public version
    assert "Angka persis (internal)" in public.content.decode()
    public_xlsx = client.get(xlsx_url, {"sex": "P", "publik": "1"})
    assert _xlsx_values(public_xlsx.content) == _xlsx_values(anonymous_xlsx.content)
    assert _xlsx_values(client.get(xlsx_url, {"sex": "P"}).content) != _xlsx_values(anonymous_xlsx.content)

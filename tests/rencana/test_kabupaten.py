"""Issue 6, the kabupaten side and the documents: buttons named by what they do, proposals by OPD (mapping,
totals, filter, exports), the cross-village ranking, RKPDes Bab II (last year's evaluation) and the
rejected proposals kept out of the plan total, carry-over recounting beneficiaries, kecamatan verification
as a new version, and the year box's bounds."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document as Docx
from openpyxl import load_workbook
from pypdf import PdfReader

from dusun.akun.models import Role
from dusun.rencana import classification, documents, priority, selectors, services, spatial
from dusun.rencana.models import OpdMapping, Proposal, ProposalEvent, Status
from dusun.wilayah.models import Level, Wilayah

from .conftest import TELANG, add_household, centre, make_user
from .test_rencana import bring_to, data, meeting

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'<button[^>]*data-action="(\w+)"[^>]*>([^<]+)</button>')


def buttons(html: str) -> dict[str, str]:
    return {action: label.strip() for action, label in BUTTON.findall(html)}


# --- 1. workflow buttons are verbs ------------------------------------------------------------------------


def test_workflow_buttons_say_what_they_do_and_statuses_stay(client, users, telang):
    agreed = bring_to(Status.AGREED, users, telang)
    client.force_login(users["kecamatan"])
    page = client.get(reverse("rencana:area", args=["15.08.14"]) + "?tahun=2027").content.decode()
    assert buttons(page) == {
        "forward": "Teruskan ke kabupaten",
        "reject": "Tolak",
        "carry_over": "Lanjutkan ke tahun berikutnya",
    }
    assert buttons(client.get(reverse("rencana:proposal", args=[agreed.pk])).content.decode()) == buttons(page)
    response = client.post(reverse("rencana:transition", args=[agreed.pk, "forward"]), follow=True)
    text = response.content.decode()
    assert f"Usulan {agreed.title}: diteruskan." in text  # the message says what happened
    client.force_login(users["kabupaten"])
    page = client.get(reverse("rencana:area", args=["15.08"]) + "?tahun=2027").content.decode()
    assert buttons(page) == {"accept": "Terima", "reject": "Tolak", "carry_over": "Lanjutkan ke tahun berikutnya"}
    assert "Diteruskan kecamatan ke kabupaten" in page  # the badge keeps the status
    assert ProposalEvent.objects.filter(proposal=agreed).last().to_status == Status.FORWARDED
    with pytest.raises(ValidationError, match="tidak dapat langsung diteruskan"):
        services.forward(users["kecamatan"], agreed)


# --- 2. OPD mapping ---------------------------------------------------------------------------------------


def test_opd_mapping_loads_from_the_file_and_keeps_bappeda_corrections(client, users, reference_data):
    OpdMapping.objects.all().delete()
    # Nothing loaded yet: the pages fall back to the shipped file.
    assert classification.opd_map()["2.3"] == ("PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang")
    call_command("load_opd", verbosity=0)
    assert OpdMapping.objects.count() == len(classification.sub_bidang()) == 27
    assert set(OpdMapping.objects.values_list("sub_bidang", flat=True)) == set(classification.sub_bidang())
    # Bappeda corrects a row in admin: it is marked and survives a reload; an unedited row is refreshed.
    row = OpdMapping.objects.get(sub_bidang="2.6")
    client.force_login(users["superuser"])
    url = reverse("admin:rencana_opdmapping_change", args=[row.pk])
    response = client.post(url, {"opd_code": "DISHUB", "opd_name": "Dinas Perhubungan", "note": "koreksi"})
    assert response.status_code == 302
    OpdMapping.objects.filter(sub_bidang="2.2").update(opd_name="salah")
    call_command("load_opd", verbosity=0)
    assert OpdMapping.objects.get(sub_bidang="2.6").opd_name == "Dinas Perhubungan"
    assert OpdMapping.objects.get(sub_bidang="2.6").edited
    assert OpdMapping.objects.get(sub_bidang="2.2").opd_name == "Dinas Kesehatan"
    assert classification.opd_map()["2.6"] == ("DISHUB", "Dinas Perhubungan")
    assert classification.sub_bidang_of_opd("BPBD") == ["5.1", "5.2"]


def forwarded(users, dusun, operator, camat, **over):
    p = services.save_proposal(users["kabupaten"], dusun, data(dusun, **over))
    services.agree(operator, p, meeting(operator, dusun))
    return services.forward(camat, p)


def test_area_page_totals_filters_and_exports_by_opd(client, users, telang, census):
    call_command("load_opd", verbosity=0)
    road = forwarded(users, telang, users["operator"], users["kecamatan"], title="Jalan", sub_bidang="2.3",
                     cost=Decimal("400000000"), buffer_m=500)  # fmt: skip
    bridge = forwarded(users, telang, users["operator"], users["kecamatan"], title="Jembatan", sub_bidang="2.3",
                       cost=Decimal("100000000"), buffer_m=30)  # fmt: skip
    clinic = forwarded(users, telang, users["operator"], users["kecamatan"], title="Posyandu", sub_bidang="2.2",
                       cost=Decimal("50000000"), buffer_m=60)  # fmt: skip
    services.accept(users["kabupaten"], bridge)
    for p in (road, bridge, clinic):
        p.refresh_from_db()
    by_opd = {r["code"]: r for r in selectors.totals_by_opd(selectors.proposals(reference_data_of(telang), 2027))}
    assert by_opd["PUPR"] == {
        "code": "PUPR",
        "name": "Dinas Pekerjaan Umum dan Penataan Ruang",
        "n": 2,
        "accepted": 1,
        "households": road.beneficiary_households + bridge.beneficiary_households,
        "cost": Decimal("500000000"),
        "accepted_cost": Decimal("100000000"),
    }
    assert by_opd["DINKES"]["n"] == 1 and by_opd["DINKES"]["households"] == clinic.beneficiary_households
    client.force_login(users["kabupaten"])
    url = reverse("rencana:area", args=["15.08"])
    page = client.get(url + "?tahun=2027").content.decode()
    assert 'data-opd="PUPR"' in page and 'data-opd="DINKES"' in page
    filtered = client.get(url + "?tahun=2027&opd=DINKES").content.decode()
    table = filtered[filtered.index('id="area-proposals"') :]
    assert 'data-title="Posyandu"' in table and 'data-title="Jalan"' not in table
    assert 'data-opd="PUPR"' not in filtered
    assert client.get(url + "?tahun=2027&opd=TIDAKADA&bidang=9&kecamatan=x").status_code == 200  # ignored
    # Exports: the same table with a total row; a formula-like OPD name is neutralised.
    OpdMapping.objects.filter(sub_bidang="2.2").update(opd_name="=HYPERLINK(1)")
    export = reverse("rencana:opd_table", args=["15.08", 2027, "csv"])
    rows = list(csv.reader(io.StringIO(client.get(export).content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Kode OPD", "Perangkat daerah (OPD)", "Usulan diteruskan/diterima"]
    assert rows[1][:4] == ["PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "2", "1"]
    assert rows[1][5:] == ["500000000", "100000000"]
    assert rows[2][:2] == ["DINKES", "'=HYPERLINK(1)"]
    assert rows[-1][1:3] == ["Jumlah", "3"] and rows[-1][5] == "550000000"
    response = client.get(reverse("rencana:opd_table", args=["15.08", 2027, "xlsx"]) + "?opd=PUPR")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[1][:4] == ["PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", 2, 1] and len(values) == 3
    assert client.get(reverse("rencana:opd_table", args=["15.08", 2027, "ods"])).status_code == 404
    client.force_login(users["other_kecamatan"])  # another kecamatan sees nothing of this one
    assert client.get(reverse("rencana:opd_table", args=["15.08.14", 2027, "csv"])).status_code == 403


def reference_data_of(dusun):
    return Wilayah.objects.get(kode="15.08")


# --- 3. ranking across villages ---------------------------------------------------------------------------


def test_kabupaten_ranks_forwarded_proposals_across_villages_with_reasons(client, users, telang, census):
    call_command("load_opd", verbosity=0)
    beringin = Wilayah.objects.get(kode="15.08.14.2008")
    other = Wilayah.objects.filter(parent__kode="15.08.01", level=Level.DESA).order_by("kode").first()
    op_beringin, op_other = users["other_operator"], make_user("op_lain", Role.OPERATOR, other.kode)
    add_household(beringin, 500, centre(beringin).x, centre(beringin).y)
    many = forwarded(users, telang, users["operator"], users["kecamatan"], title="Telang banyak", buffer_m=500)
    few = forwarded(users, beringin, op_beringin, users["kecamatan"], title="Beringin satu KK", sub_bidang="2.3",
                    buffer_m=100, urgency=2)  # fmt: skip
    none = forwarded(users, other, op_other, users["other_kecamatan"], title="Desa lain", sub_bidang="2.3", urgency=1)
    services.accept(users["kabupaten"], few)
    draft = services.save_proposal(users["kabupaten"], other, data(other, title="Belum diteruskan"))
    kab = Wilayah.objects.get(kode="15.08")
    weights = services.weights_for(kab)
    ranking = selectors.kabupaten_ranking(kab, 2027, weights)
    assert [p.title for p in ranking] == ["Telang banyak", "Beringin satu KK", "Desa lain"]
    assert [p.kab_rank for p in ranking] == [1, 2, 3]
    # The same transparent score as the village list, computed over the whole forwarded set.
    pool = [Proposal.objects.get(pk=p.pk) for p in (many, few, none)]
    expected = priority.score_all([priority.inputs_for(p, {}) for p in pool], weights)
    assert [p.kab_score for p in ranking] == [score for score, _r in expected]
    assert any("12 KK penerima manfaat (terbanyak di daftar: 12)" in r for r in ranking[0].kab_reasons)
    # Thousands keep their dots (they used to be turned into decimal commas: "Rp 12,500,000 per KK").
    assert "Rp 12.500.000 per KK → 1,00 × 15" in ranking[0].kab_reasons
    assert len(ranking[2].kab_reasons) == 5
    # Filters narrow the list but keep the kabupaten-wide rank.
    by_kec = selectors.kabupaten_ranking(kab, 2027, weights, kecamatan="15.08.01")
    assert [(p.title, p.kab_rank) for p in by_kec] == [("Desa lain", 3)]
    by_opd = selectors.kabupaten_ranking(kab, 2027, weights, opd="PUPR")
    assert [(p.title, p.kab_rank) for p in by_opd] == [("Beringin satu KK", 2), ("Desa lain", 3)]
    by_bidang = selectors.kabupaten_ranking(kab, 2027, weights, bidang="2", kecamatan="15.08.14")
    assert [p.kab_rank for p in by_bidang] == [1, 2]
    # The page: kabupaten only, in rank order, with reasons; the draft never appears.
    client.force_login(users["kabupaten"])
    page = client.get(reverse("rencana:area", args=["15.08"]) + "?tahun=2027&kecamatan=15.08.01").content.decode()
    part = page[page.index('id="kab-ranking"') : page.index("</table>", page.index('id="kab-ranking"'))]
    assert re.findall(r'data-title="([^"]+)" data-rank="(\d+)"', part) == [("Desa lain", "3")]
    page = client.get(reverse("rencana:area", args=["15.08"]) + "?tahun=2027").content.decode()
    part = page[page.index('id="kab-ranking"') : page.index("</table>", page.index('id="kab-ranking"'))]
    assert [t for t, _n in re.findall(r'data-title="([^"]+)" data-rank="(\d+)"', part)] == [
        "Telang banyak",
        "Beringin satu KK",
        "Desa lain",
    ]
    assert part.count('<ul class="reasons">') == 3 and draft.title not in part
    client.force_login(users["kecamatan"])
    assert 'id="kab-ranking"' not in client.get(reverse("rencana:area", args=["15.08.14"])).content.decode()


# --- 4 and 5. RKPDes: last year's evaluation, rejected proposals apart ------------------------------------


def docx_text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts)


def test_rkpdes_evaluates_last_year_and_keeps_rejected_out_of_the_total(users, telang, census):
    op, camat, kab = users["operator"], users["kecamatan"], users["kabupaten"]
    # Last year (2026): one carried out (realisation reported), one rejected, one carried over.
    done = forwarded(users, telang, op, camat, year=2026, title="Sumur bor 2026", cost=Decimal("150000000"))
    services.accept(kab, done)
    done.refresh_from_db()
    services.record_progress(op, done.project, date=dt.date(2026, 10, 1), progress_pct=75,
                             realised=Decimal("90000000"))  # fmt: skip
    lost = forwarded(users, telang, op, camat, year=2026, title="Gedung serbaguna 2026")
    services.reject(kab, lost, "Tidak sesuai prioritas kabupaten")
    later = forwarded(users, telang, op, camat, year=2026, title="Pasar desa 2026")
    services.carry_over(kab, later, "Pagu habis")
    # This year (2027): one agreed, one accepted, one rejected by the kabupaten.
    kept = services.save_proposal(op, telang, data(telang, title="Jalan usaha tani", cost=Decimal("200000000")))
    services.agree(op, kept, meeting(op, telang))
    taken = forwarded(users, telang, op, camat, title="Posyandu", cost=Decimal("50000000"))
    services.accept(kab, taken)
    refused = forwarded(users, telang, op, camat, title="Rabat beton", cost=Decimal("420000000"))
    services.reject(kab, refused, "Masuk program jalan kabupaten")

    doc = documents.rkpdes(telang, 2027)
    sections = {s.heading: s for s in doc.sections}
    evaluation = sections["BAB II EVALUASI PELAKSANAAN RKP DESA TAHUN 2026"]
    assert [row[1] for row in evaluation.table[1:]] == ["Sumur bor 2026", "Gedung serbaguna 2026", "Pasar desa 2026"]
    plan = sections["BAB III PRIORITAS KEGIATAN DAN ANGGARAN DESA"]
    assert {row[2] for row in plan.table[1:]} == {"Jalan usaha tani", "Posyandu"}
    assert "jumlah perkiraan biaya Rp 250.000.000" in plan.paragraphs[0]
    apart = sections["Usulan ke kabupaten yang tidak diterima"]
    assert apart.level == 2 and [row[2] for row in apart.table[1:]] == ["Rabat beton"]
    assert apart.table[1][-1] == "Masuk program jalan kabupaten (ditolak kabupaten)"
    assert apart.paragraphs == ["Jumlah usulan: 1; jumlah perkiraan biaya Rp 420.000.000."]

    expected = [
        "BAB II EVALUASI PELAKSANAAN RKP DESA TAHUN 2026",
        "RKP Desa tahun 2026 memuat 3 kegiatan; 1 diterima dan dilaksanakan",
        "anggaran Rp 150.000.000 dan realisasi Rp 90.000.000 (60,0 %)",
        "Sumur bor 2026 | 2.4 Kawasan permukiman | Rp 150.000.000 | Rp 150.000.000 | Rp 90.000.000 | 60,0 % | 75 %",
        "Tidak diterima: Tidak sesuai prioritas kabupaten (ditolak kabupaten)",
        "Dilanjutkan ke tahun 2027",
        "jumlah perkiraan biaya Rp 250.000.000",
        "Usulan ke kabupaten yang tidak diterima",
        "Jumlah usulan: 1; jumlah perkiraan biaya Rp 420.000.000.",
        "Masuk program jalan kabupaten (ditolak kabupaten)",
    ]
    text = docx_text(documents.to_docx(doc))
    for piece in expected:
        assert piece in text, piece
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(documents.to_pdf(doc))).pages)
    pdf = " ".join(pdf.split())
    for piece in [*expected[:3], *expected[6:9]]:
        assert piece in pdf, piece
    for cell in ("Sumur bor 2026", "Rp 90.000.000", "60,0 %", "75 %", "Rabat beton", "Dilanjutkan ke tahun 2027"):
        assert cell in pdf, cell
    # No previous plan: the chapter says so instead of an empty table.
    first = {s.heading: s for s in documents.rkpdes(telang, 2026).sections}
    assert first["BAB II EVALUASI PELAKSANAAN RKP DESA TAHUN 2025"].table is None


# --- 6. carry-over recounts beneficiaries -----------------------------------------------------------------


def test_carried_over_copy_recounts_its_beneficiaries(users, telang, census):
    p = bring_to(Status.REJECTED, users, telang)
    before = p.beneficiary_households
    c = centre(telang)
    add_household(telang, 700, c.x, c.y, members=4)  # moved in since the proposal was counted
    services.carry_over(users["kabupaten"], p, "Tahun depan")
    copy = Proposal.objects.get(previous=p)
    assert (copy.beneficiary_households, copy.beneficiary_persons) == spatial.beneficiaries(
        telang, copy.geom, copy.buffer_m
    )
    assert copy.beneficiary_households == before + 1
    p.refresh_from_db()
    assert p.beneficiary_households == before  # the closed proposal keeps what it was decided on


# --- 7. kecamatan verification as a new version -----------------------------------------------------------


def test_kecamatan_corrects_volume_and_cost_as_a_new_agreed_version(client, users, telang, census):
    p = bring_to(Status.AGREED, users, telang)
    with pytest.raises(PermissionDenied):
        services.correct_at_kecamatan(users["operator"], p, volume=Decimal(2), unit="unit", cost=Decimal(1), reason="x")
    with pytest.raises(ValidationError) as exc:
        services.correct_at_kecamatan(users["kecamatan"], p, volume=Decimal(0), unit="", cost=Decimal(-1), reason=" ")
    assert set(exc.value.error_dict) == {"volume", "unit", "cost", "reason"}
    with pytest.raises(ValidationError, match="tidak ada yang dikoreksi"):
        services.correct_at_kecamatan(users["kecamatan"], p, volume=p.volume, unit=p.unit, cost=p.cost, reason="x")
    assert Proposal.objects.count() == 1

    client.force_login(users["operator"])
    assert 'id="verify"' not in client.get(reverse("rencana:proposal", args=[p.pk])).content.decode()
    client.force_login(users["kecamatan"])
    assert 'id="verify"' in client.get(reverse("rencana:proposal", args=[p.pk])).content.decode()
    response = client.post(
        reverse("rencana:verify", args=[p.pk]),
        {"volume": "2", "unit": "unit", "cost": "120000000", "reason": "Harga satuan kabupaten 2027"},
    )
    v2 = Proposal.objects.get(previous=p)
    assert response.status_code == 302 and response["Location"] == reverse("rencana:proposal", args=[v2.pk])
    p.refresh_from_db()
    assert (v2.version, v2.status, v2.is_current, v2.meeting_id) == (2, Status.AGREED, True, p.meeting_id)
    assert (v2.volume, v2.cost, v2.title, v2.beneficiary_households) == (
        Decimal(2), Decimal(120000000), p.title, p.beneficiary_households
    )  # fmt: skip
    assert (p.is_current, p.status, p.cost) == (False, Status.AGREED, Decimal(150000000))
    event = ProposalEvent.objects.get(proposal=v2, action="verifikasi")
    assert "biaya Rp 150.000.000 → Rp 120.000.000" in event.reason and "Harga satuan kabupaten" in event.reason
    assert event.role == Role.KECAMATAN and v2.rank is not None
    for volume, cost in (("x", "1"), ("NaN", "1"), ("1e20", "1"), ("1", "-5"), ("1", "")):
        bad = client.post(reverse("rencana:verify", args=[v2.pk]), {"volume": volume, "unit": "u", "cost": cost,
                                                                     "reason": "r"})  # fmt: skip
        assert bad.status_code == 302 and Proposal.objects.count() == 2
    # The corrected version goes on; the old one cannot.
    services.forward(users["kecamatan"], v2)
    with pytest.raises(ValidationError):
        services.correct_at_kecamatan(users["kecamatan"], v2, volume=Decimal(3), unit="u", cost=Decimal(1), reason="r")
    assert 'id="verify"' not in client.get(reverse("rencana:proposal", args=[v2.pk])).content.decode()


# --- 8. the year box --------------------------------------------------------------------------------------


def test_year_box_has_bounds_and_out_of_range_years_fall_back(client, users, telang):
    client.force_login(users["kabupaten"])
    page = client.get(reverse("rencana:area", args=["15.08"]) + "?tahun=99999").content.decode()
    box = re.search(r'<input id="tahun"[^>]*>', page).group(0)
    assert 'min="2000"' in box and 'max="2100"' in box
    assert f'value="{timezone.localdate().year + 1}"' in box
    page = client.get(reverse("rencana:village", args=[TELANG]) + "?tahun=1500").content.decode()
    assert f'value="{timezone.localdate().year + 1}"' in re.search(r'<input id="tahun"[^>]*>', page).group(0)

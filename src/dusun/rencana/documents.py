"""RKPDes, RPJMDes and the musrenbang minutes (berita acara), each built once as a plain structure and
written out as DOCX (python-docx) and PDF (WeasyPrint, from an HTML template), so both carry the same text.

Structure after Permendagri 114/2014 on village development planning: RPJMDes (6 years) — Bab I
Pendahuluan, Bab II Profil Desa, Bab III Potensi dan Masalah, Bab IV Rencana Program dan Kegiatan, Bab V
Penutup; RKPDes (one year) — Bab I Pendahuluan (with the village profile), Bab II Evaluasi Pelaksanaan RKP
Desa tahun sebelumnya (art. 30: the RKPDes is drawn up after evaluating the previous year's), Bab III
Prioritas Kegiatan dan Anggaran Desa with the activity matrix, Bab IV Penutup.

Proposals the kecamatan or the kabupaten did not accept (status *ditolak*) are not part of the village's
plan total: the RKPDes lists them apart, with the reason and their own total, so the musyawarah sees what
it asked for and did not get.
"""

import io
import logging
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from .models import FundingSource, IssueKind, ProposalEvent, Status
from .selectors import AGREED_OR_LATER, issues, profile, proposals
from .spatial import shape_label

FUNDING = dict(FundingSource.choices)
STATUS = dict(Status.choices)


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] | None = None  # first row = header
    level: int = 1  # 1 = a chapter (BAB), 2 = a part within it


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    filename: str


def _rp(value) -> str:
    return "Rp " + f"{float(value or 0):,.0f}".replace(",", ".")


def _pct(part, whole) -> str:
    return f"{float(part) * 100 / float(whole):.1f} %".replace(".", ",") if whole else "—"


def _profile_section(dusun, heading: str = "BAB II PROFIL DESA", level: int = 1) -> Section:
    p = profile(dusun)
    idm = (
        f"Indeks Desa Membangun {p['idm_year']}: {float(p['idm_value']):.4f} ({p['idm_status']})."
        if p["idm_value"] is not None
        else "Indeks Desa Membangun belum tersedia."
    )
    return Section(
        heading,
        [
            f"{dusun.label} {dusun.nama}, Kecamatan {dusun.parent.nama}, Kabupaten Bungo, kode wilayah {dusun.kode}.",
            f"Luas wilayah {float(p['luas_ha'] or 0):,.2f} ha (geodesik).".replace(",", "X")
            .replace(".", ",")
            .replace("X", "."),
            f"Menurut data sensus Dusun Online: {p['households']} kepala keluarga dan {p['persons']} jiwa.",
            idm,
        ],
        level=level,
    )


def _activity_table(rows) -> list[list[str]]:
    table = [
        [
            "No",
            "Bidang / sub-bidang",
            "Kegiatan",
            "Lokasi (jangkauan)",
            "Volume",
            "Penerima manfaat",
            "Biaya",
            "Sumber dana",
            "Status",
        ]
    ]
    for n, p in enumerate(rows, start=1):
        table.append(
            [
                str(n),
                p.sub_bidang_label,
                p.title,
                f"{shape_label(p.geom)} ({p.buffer_m} m)",
                f"{p.volume.normalize():f} {p.unit}",
                f"{p.beneficiary_households} KK / {p.beneficiary_persons} jiwa",
                _rp(p.cost),
                FUNDING.get(p.funding, p.funding),
                STATUS.get(p.status, p.status),
            ]
        )
    return table


PLAN_STATUSES = [Status.AGREED, Status.FORWARDED, Status.ACCEPTED]
STATE_LABEL = {"selesai": "selesai", "berjalan": "berjalan", "terlambat": "terlambat"}


def _reject_reasons(rows) -> dict[int, str]:
    """The reason of the latest rejection of each proposal and who rejected it (from agreed: the kecamatan,
    from forwarded: the kabupaten — the state machine allows nothing else)."""
    out = {}
    for event in ProposalEvent.objects.filter(proposal__in=rows, action="reject").order_by("at", "pk"):
        who = "kecamatan" if event.from_status == Status.AGREED else "kabupaten"
        out[event.proposal_id] = f"{event.reason} (ditolak {who})"
    return out


def _evaluation_section(dusun, year: int) -> Section:
    """Bab II: last year's RKPDes activities and what became of them (budget vs realisation, physical %)."""
    last = year - 1
    rows = list(
        proposals(dusun, last, [*AGREED_OR_LATER, Status.CARRIED_OVER]).select_related("project").order_by("rank", "pk")
    )
    heading = f"BAB II EVALUASI PELAKSANAAN RKP DESA TAHUN {last}"
    if not rows:
        return Section(heading, [f"Belum ada RKP Desa tahun {last} di Dusun Online: tidak ada yang dievaluasi."])
    reasons = _reject_reasons([p for p in rows if p.status == Status.REJECTED])
    table = [
        ["No", "Kegiatan", "Sub-bidang", "Rencana biaya", "Anggaran", "Realisasi", "Realisasi keuangan", "Fisik",
         "Keterangan"]
    ]  # fmt: skip
    budget = realised = progress = done = 0
    projects = []
    for n, p in enumerate(rows, start=1):
        project = getattr(p, "project", None) if p.status == Status.ACCEPTED else None
        if project is not None:
            projects.append(project)
            budget += project.budget
            realised += project.realised
            progress += project.progress_pct
            done += project.progress_pct >= 100
            note = f"Dilaksanakan, {STATE_LABEL[project.state]}"
            cells = [_rp(project.budget), _rp(project.realised), _pct(project.realised, project.budget),
                     f"{project.progress_pct} %"]  # fmt: skip
        else:
            if p.status == Status.REJECTED:
                note = f"Tidak diterima: {reasons.get(p.pk, '—')}"
            elif p.status == Status.CARRIED_OVER:
                note = f"Dilanjutkan ke tahun {last + 1}"
            else:
                note = f"Tidak dilaksanakan (status akhir: {STATUS.get(p.status, p.status)})"
            cells = ["—", "—", "—", "—"]
        table.append([str(n), p.title, p.sub_bidang_label, _rp(p.cost), *cells, note])
    summary = (
        f"RKP Desa tahun {last} memuat {len(rows)} kegiatan; {len(projects)} diterima dan dilaksanakan sebagai "
        f"kegiatan dengan anggaran {_rp(budget)} dan realisasi {_rp(realised)} ({_pct(realised, budget)}); "
        f"{done} selesai" + (f", rata-rata kemajuan fisik {progress / len(projects):.0f} %." if projects else ".")
    )
    return Section(
        heading,
        [summary, "Realisasi dan kemajuan fisik menurut laporan kemajuan terakhir setiap kegiatan."],
        table,
    )


def rkpdes(dusun, year: int) -> Document:
    every = sorted(proposals(dusun, year, AGREED_OR_LATER), key=lambda p: (p.effective_rank or 9999, p.pk))
    rows = [p for p in every if p.status in PLAN_STATUSES]
    refused = [p for p in every if p.status == Status.REJECTED]
    total = sum(float(p.cost) for p in rows)
    refused_total = sum(float(p.cost) for p in refused)
    reasons = _reject_reasons(refused)
    refused_table = _activity_table(refused)
    refused_table[0].append("Alasan")
    for row, p in zip(refused_table[1:], refused, strict=True):
        row.append(reasons.get(p.pk, "—"))
    return Document(
        title=f"RENCANA KERJA PEMERINTAH DESA (RKP DESA) TAHUN {year}",
        subtitle=f"{dusun.label.upper()} {dusun.nama.upper()} KECAMATAN {dusun.parent.nama.upper()} KABUPATEN BUNGO",
        filename=f"RKPDes-{dusun.kode}-{year}",
        sections=[
            Section(
                "BAB I PENDAHULUAN",
                [
                    "RKP Desa ini disusun berdasarkan Undang-Undang Nomor 6 Tahun 2014 tentang Desa dan Peraturan "
                    "Menteri Dalam Negeri Nomor 114 Tahun 2014 tentang Pedoman Pembangunan Desa, dari usulan yang "
                    "disepakati dalam musyawarah dusun dan data desa di Dusun Online.",
                ],
            ),
            _profile_section(dusun, "Gambaran umum desa", level=2),
            _evaluation_section(dusun, year),
            Section(
                "BAB III PRIORITAS KEGIATAN DAN ANGGARAN DESA",
                [
                    f"Jumlah kegiatan: {len(rows)}; jumlah perkiraan biaya {_rp(total)}. Penerima manfaat dihitung "
                    "dari rumah tangga sensus di dalam lokasi kegiatan (titik/garis: dalam jarak jangkauan). "
                    "Usulan yang tidak diterima kecamatan atau kabupaten tidak termasuk dalam jumlah ini.",
                ],
                _activity_table(rows),
            ),
            Section(
                "Usulan ke kabupaten yang tidak diterima",
                [f"Jumlah usulan: {len(refused)}; jumlah perkiraan biaya {_rp(refused_total)}."]
                if refused
                else ["Tidak ada usulan yang ditolak."],
                refused_table if refused else None,
                level=2,
            ),
            Section("BAB IV PENUTUP", ["RKP Desa ini menjadi dasar penyusunan APBDes tahun berkenaan."]),
        ],
    )


def rpjmdes(dusun, first_year: int) -> Document:
    last = first_year + 5
    rows = [p for p in proposals(dusun, None, AGREED_OR_LATER) if first_year <= p.year <= last]
    found = list(issues(dusun))
    issue_table = [["Jenis", "Kategori", "Uraian", "Bukti dari data"]] + [
        [i.get_kind_display(), i.get_category_display(), i.title, "; ".join(e["text"] for e in i.evidence) or "—"]
        for i in sorted(found, key=lambda i: (i.kind != IssueKind.MASALAH, i.pk))
    ]
    plan = [["Tahun", "Kegiatan", "Sub-bidang", "Penerima manfaat", "Biaya", "Sumber dana"]] + [
        [
            str(p.year),
            p.title,
            p.sub_bidang_label,
            f"{p.beneficiary_households} KK",
            _rp(p.cost),
            FUNDING.get(p.funding, p.funding),
        ]
        for p in rows
    ]
    return Document(
        title=f"RENCANA PEMBANGUNAN JANGKA MENENGAH DESA (RPJM DESA) TAHUN {first_year}–{last}",
        subtitle=f"{dusun.label.upper()} {dusun.nama.upper()} KECAMATAN {dusun.parent.nama.upper()} KABUPATEN BUNGO",
        filename=f"RPJMDes-{dusun.kode}-{first_year}-{last}",
        sections=[
            Section(
                "BAB I PENDAHULUAN",
                [
                    "RPJM Desa memuat arah pembangunan desa selama enam tahun (Permendagri 114/2014), disusun dari "
                    "masalah dan potensi yang dicatat bersama data desa di Dusun Online.",
                ],
            ),
            _profile_section(dusun),
            Section("BAB III POTENSI DAN MASALAH", [f"Tercatat {len(found)} masalah dan potensi."], issue_table),
            Section("BAB IV RENCANA PROGRAM DAN KEGIATAN", [f"Jumlah kegiatan: {len(rows)}."], plan),
            Section("BAB V PENUTUP", ["RPJM Desa dijabarkan setiap tahun dalam RKP Desa."]),
        ],
    )


def minutes(meeting) -> Document:
    dusun = meeting.dusun
    rows = list(meeting.proposals.filter(is_current=True).order_by("rank", "pk"))
    return Document(
        title="BERITA ACARA MUSYAWARAH DUSUN",
        subtitle=f"{dusun.label.upper()} {dusun.nama.upper()} — PERENCANAAN TAHUN {meeting.year}",
        filename=f"BeritaAcara-{dusun.kode}-{meeting.date:%Y%m%d}",
        sections=[
            Section(
                "Pelaksanaan",
                [
                    f"Pada tanggal {meeting.date:%d-%m-%Y} bertempat di {meeting.place} telah dilaksanakan musyawarah "
                    f"dusun dengan {meeting.attendees} peserta ({meeting.attendees_male} laki-laki, "
                    f"{meeting.attendees_female} perempuan).",
                ],
            ),
            Section("Notulen", [line for line in meeting.minutes.splitlines() if line.strip()]),
            Section("Usulan yang disepakati", [], _activity_table(rows)),
            Section("Daftar hadir", [line for line in meeting.attendance_list.splitlines() if line.strip()] or ["—"]),
        ],
    )


def to_docx(doc: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    out = Docx()
    out.styles["Normal"].font.name = "DejaVu Sans"
    out.styles["Normal"].font.size = Pt(10)
    title = out.add_heading(doc.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = out.add_paragraph(doc.subtitle)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in doc.sections:
        out.add_heading(section.heading, level=section.level)
        for text in section.paragraphs:
            out.add_paragraph(text)
        if section.table:
            table = out.add_table(rows=0, cols=len(section.table[0]))
            table.style = "Table Grid"
            for i, row in enumerate(section.table):
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = value
                    if i == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
    out.add_paragraph(f"Dibuat oleh Dusun Online, {timezone.localdate():%d-%m-%Y}.")
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def to_html(doc: Document) -> str:
    return render_to_string("rencana/document.html", {"doc": doc, "today": timezone.localdate()})


def to_pdf(doc: Document) -> bytes:
    # WeasyPrint reports every layout step (and its import) at INFO; keep the server log for what matters.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    return HTML(string=to_html(doc)).write_pdf()

"""The Excel workbook for Bappeda and Dinas PMD: status counts, the ranking of a year, every item score."""

from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from . import selectors
from .models import Provenance, Result, Series

INDEX_FORMAT = "0.0000"


def _header(sheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{sheet.max_row + 1}"  # a string: asking for the cell would create an empty row


def _widths(sheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def workbook(area, definition, year: int, series: str) -> bytes:
    spec = selectors.spec_of(definition)
    word = settings.DUSUN_VILLAGE_WORD
    statuses = {s.code: s for s in spec.statuses}
    series_label = Series(series).label
    book = Workbook()

    summary = book.active
    summary.title = _("Status per tahun")
    summary.append([f"{definition.abbreviation} — {area.label} {area.nama} ({series_label})"])
    summary["A1"].font = Font(bold=True, size=13)
    _header(summary, [_("Tahun")] + [s.name for s in spec.statuses] + [_("Belum lengkap"), _("Jumlah")])
    for y, counts in selectors.status_counts(area, series).items():
        row = [y] + [counts.get(s.code, 0) for s in spec.statuses] + [counts.get("", 0), sum(counts.values())]
        summary.append(row)
    for column, status in enumerate(spec.statuses, start=2):
        summary.cell(row=2, column=column).fill = PatternFill("solid", fgColor=status.colour.lstrip("#"))
    _widths(summary, [10] + [18] * (len(spec.statuses) + 2))

    ranking = book.create_sheet(_("Peringkat %(y)s") % {"y": year})
    components = [c.code for c in spec.components]
    _header(
        ranking,
        [_("Peringkat"), _("Kode"), word, _("Kecamatan")]
        + components
        + [definition.abbreviation, _("Status"), _("Target status"), _("Skor minimal"), _("Penambahan")]
        + [
            _("%(a)s %(y)s") % {"a": definition.abbreviation, "y": year - 1},
            _("Perubahan"),
            _("Status %(y)s") % {"y": year - 1},
        ],
    )
    rows = selectors.year_rows(area, series, year)
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.kode))
    for r in rows:
        values = [(r.components.get(c) or {}).get("value") if r.complete else None for c in components]
        ranking.append(
            [r.rank, r.kode, r.nama, r.kecamatan_nama]
            + values
            + [
                float(r.value) if r.value is not None else None,
                statuses[r.status].name if r.status in statuses else (_("belum lengkap") if r.has_result else ""),
                statuses[r.target_status].name if r.target_status in statuses else "",
                float(r.minimum_score) if r.minimum_score is not None else None,
                float(r.gap) if r.gap is not None else None,
                float(r.previous_value) if r.previous_value is not None else None,
                float(r.delta) if r.delta is not None else None,
                statuses[r.previous_status].name if r.previous_status in statuses else "",
            ]
        )
    first_value = 5
    for row in ranking.iter_rows(min_row=2, min_col=first_value, max_col=first_value + len(components) + 6):
        for cell in row:
            cell.number_format = INDEX_FORMAT
    _widths(ranking, [10, 16, 26, 22] + [10] * len(components) + [10, 18, 18, 12, 12, 10, 10, 18])

    items_sheet = book.create_sheet(_("Skor indikator %(y)s") % {"y": year})
    items = list(definition.items.order_by("order"))
    _header(items_sheet, [_("Kode"), word, _("Kecamatan")] + [f"{i.code} {i.official_label}" for i in items])
    results = (
        Result.objects.filter(
            definition=definition, series=series, year=year, is_current=True, dusun__kode__startswith=area.kode + "."
        )
        .select_related("dusun__parent")
        .prefetch_related("items")
        .order_by("dusun__kode")
    )
    derived_fill = PatternFill("solid", fgColor="DDEBF7")
    entered_fill = PatternFill("solid", fgColor="FFF2CC")
    for result in results:
        by_item = {ri.item_id: ri for ri in result.items.all()}
        items_sheet.append(
            [result.dusun.kode, result.dusun.nama, result.dusun.parent.nama]
            + [by_item[i.pk].score if i.pk in by_item else None for i in items]
        )
        for column, item in enumerate(items, start=4):
            ri = by_item.get(item.pk)
            if ri is not None and ri.provenance == Provenance.DERIVED:
                items_sheet.cell(row=items_sheet.max_row, column=column).fill = derived_fill
            elif ri is not None and ri.provenance == Provenance.ENTERED:
                items_sheet.cell(row=items_sheet.max_row, column=column).fill = entered_fill
    items_sheet.append([])
    items_sheet.append(
        [_("Warna sel: kuning = diisi operator, biru = diturunkan dari data, tanpa warna = impor resmi.")]
    )
    _widths(items_sheet, [16, 26, 22] + [12] * len(items))

    notes = book.create_sheet(_("Keterangan"))
    for line in [
        f"{definition.name} ({definition.abbreviation}) — {definition.version_label}",
        definition.legal_basis,
        definition.description,
        _("Seri: %(s)s. Nilai ditampilkan 4 desimal; sel menyimpan nilai penuh.") % {"s": series_label},
        _("Sumber: Dusun Online, Kabupaten Bungo. Data resmi: Kemendesa PDTT (idm.kemendesa.go.id)."),
    ]:
        notes.append([line])
    _widths(notes, [120])

    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""Spreadsheet exports of the planning pages (the kabupaten's table of proposals by OPD).

Text cells go through `warga.xlsx.safe_text`: OPD names are edited in admin, and a value starting with
"=" must not become a live formula in an officer's spreadsheet (CSV/formula injection)."""

import csv
import io

from django.utils.translation import gettext as _

from dusun.warga.xlsx import safe_text

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(by_opd: list[dict]) -> tuple[list[str], list[list]]:
    header = [
        _("Kode OPD"),
        _("Perangkat daerah (OPD)"),
        _("Usulan diteruskan/diterima"),
        _("Usulan diterima"),
        _("Penerima manfaat (KK)"),
        _("Perkiraan biaya (Rp)"),
        _("Biaya diterima (Rp)"),
    ]
    body = [
        [
            safe_text(r["code"]),
            safe_text(r["name"]),
            r["n"],
            r["accepted"],
            r["households"],
            int(r["cost"]),
            int(r["accepted_cost"]),
        ]
        for r in by_opd
    ]
    total = [
        "",
        _("Jumlah"),
        *(sum(row[i] for row in body) for i in range(2, 7)),
    ]
    return header, [*body, total]


def opd_table(by_opd: list[dict], area, year: int, fmt: str) -> tuple[bytes, str]:
    header, rows = _rows(by_opd)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8"), CSV_TYPE  # BOM: Excel opens it as UTF-8
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Usulan per OPD"
    sheet.append([f"{area.get_level_display()} {area.nama} — {_('usulan musrenbang per OPD')} {year}"])
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for letter, width in zip("ABCDEFG", (14, 48, 14, 12, 14, 20, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), XLSX_TYPE

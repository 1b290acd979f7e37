"""Spreadsheets the census module writes: the import template, the personal-data export (same layout, so
it can be imported back), and the statistics export.

Every text cell written goes through `safe_text`: a value that a spreadsheet would run as a formula
(=, +, -, @, or a leading tab/CR) gets an apostrophe in front and is stored as a string, so data that
once came from anywhere cannot become a live `=HYPERLINK(...)` on an officer's computer (CSV/formula
injection, OWASP).
"""

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import choices as c
from .importer import columns as cols
from .importer.validate import is_formula

HEADER_FILL = PatternFill("solid", fgColor="2F7D4F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TEMPLATE_ROWS = 2000  # rows pre-formatted (text NIK/KK, date format) and covered by the drop-downs


def safe_text(value):
    """A value to put in a cell: strings that would start a formula are neutralised."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def _put(ws, row: int, col: int, value):
    cell = ws.cell(row=row, column=col)
    value = safe_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never let openpyxl infer a formula from a leading "="
    return cell


def _header(ws, columns: list[cols.Column]) -> None:
    for i, column in enumerate(columns, start=1):
        cell = _put(ws, 1, i, column.header + (" *" if column.required else ""))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = max(14, min(34, len(column.header) + 4))
    ws.freeze_panes = "A2"


def _lists_sheet(wb) -> dict:
    """One column per enumeration on a hidden sheet; returns choices class → formula range."""
    ws = wb.create_sheet(cols.SHEET_LISTS)
    ranges = {}
    enumerations = []
    for column in cols.HOUSEHOLD_COLUMNS + cols.RESIDENT_COLUMNS:
        if column.choices is not None and column.choices not in enumerations:
            enumerations.append(column.choices)
    for i, choices in enumerate(enumerations, start=1):
        letter = get_column_letter(i)
        _put(ws, 1, i, choices.__name__)
        labels = [str(label) for _code, label in choices.choices]
        for j, label in enumerate(labels, start=2):
            _put(ws, j, i, label)
        ranges[choices] = f"{cols.SHEET_LISTS}!${letter}$2:${letter}${len(labels) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _validations(ws, columns: list[cols.Column], ranges: dict) -> None:
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        span = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if column.kind == "choice":
            dv = DataValidation(type="list", formula1=f"={ranges[column.choices]}", allow_blank=not column.required)
            dv.error = _("Pilih dari daftar.")
            dv.errorTitle = column.header
            dv.showErrorMessage = True
        elif column.kind == "bool":
            dv = DataValidation(type="list", formula1='"Ya,Tidak"', allow_blank=True)
            dv.showErrorMessage = True
        elif column.kind in ("nik", "kk"):
            dv = DataValidation(type="textLength", operator="equal", formula1="16", allow_blank=not column.required)
            dv.error = _("Harus 16 angka, diketik sebagai teks.")
            dv.showErrorMessage = True
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(span)
        if column.kind in ("nik", "kk"):
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=i).number_format = "@"  # text: Excel must not round 16 digits
        if column.kind == "date":
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=i).number_format = "DD-MM-YYYY"


def _guide(ws, dusun_kode: str) -> None:
    lines = [
        _("Templat sensus warga Dusun Online"),
        "",
        _("1. Isi lembar Keluarga (satu baris per Kartu Keluarga) dan lembar Penduduk (satu baris per orang)."),
        _("2. Kolom bertanda * wajib diisi. Jangan mengganti nama lembar atau judul kolom."),
        _(
            "3. NIK dan Nomor KK: 16 angka, diketik sebagai teks (kolomnya sudah berformat Teks). Jangan menempel dari "
            "sel berformat Angka: Excel membulatkan digit terakhir (1.50801E+15)."
        ),
        _("4. Tanggal lahir: hh-bb-tttt, mis. 17-08-1985. Tahun harus 4 angka."),
        _("5. Kolom pilihan: pilih dari daftar tarik-turun. Kolom 'boleh lebih dari satu': pisahkan dengan koma."),
        _("6. Jangan memakai rumus atau sel gabungan. Satu baris = satu data."),
        _(
            "7. Unggah lewat menu Impor: berkas diperiksa dulu (tidak ada yang "
            "disimpan), laporan per baris ditampilkan, "
            "baru disimpan setelah semua baris benar."
        ),
        _("8. Impor ulang berkas yang sama aman: data dicocokkan dengan NIK dan Nomor KK, tidak ada yang ganda."),
        "",
        _("Kode Dusun untuk berkas ini: %(k)s (boleh dikosongkan bila mengimpor untuk dusun ini saja).")
        % {"k": dusun_kode},
        _("Berkas ini berisi data pribadi setelah diisi: simpan dengan aman dan hapus setelah diimpor (UU 27/2022)."),
    ]
    for i, line in enumerate(lines, start=1):
        _put(ws, i, 1, line)
    ws.column_dimensions["A"].width = 120
    ws["A1"].font = Font(bold=True, size=14)
    row = len(lines) + 2
    _put(ws, row, 1, _("Isian kolom pilihan:")).font = Font(bold=True)
    for column in cols.HOUSEHOLD_COLUMNS + cols.RESIDENT_COLUMNS:
        if column.help:
            row += 1
            _put(ws, row, 1, f"{column.header}: {column.help}")


def template(dusun_kode: str) -> bytes:
    wb = Workbook()
    _guide(wb.active, dusun_kode)
    wb.active.title = cols.SHEET_GUIDE
    households = wb.create_sheet(cols.SHEET_HOUSEHOLDS)
    residents = wb.create_sheet(cols.SHEET_RESIDENTS)
    _header(households, cols.HOUSEHOLD_COLUMNS)
    _header(residents, cols.RESIDENT_COLUMNS)
    ranges = _lists_sheet(wb)
    _validations(households, cols.HOUSEHOLD_COLUMNS, ranges)
    _validations(residents, cols.RESIDENT_COLUMNS, ranges)
    return _save(wb)


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _label(choices, code) -> str:
    if code in (None, ""):
        return ""
    return str(dict(choices.choices).get(code, code))


def _cell_value(column: cols.Column, value):
    if column.kind == "choice":
        return _label(column.choices, value)
    if column.kind == "multi":
        return ", ".join(_label(column.choices, v) for v in value or [])
    if column.kind == "bool":
        return "" if value is None else (_("Ya") if value else _("Tidak"))
    if column.kind == "date":
        return value.strftime("%d-%m-%Y") if value else ""
    if column.kind == "decimal":
        return float(value) if value is not None else None
    return value if value is not None else ""


def personal_export(households: Iterable, residents: Iterable, dusun_kode: str) -> bytes:
    """The register of a dusun in the template layout (re-importable). Caller checks scope and logs."""
    wb = Workbook(write_only=False)
    _guide(wb.active, dusun_kode)
    wb.active.title = cols.SHEET_GUIDE
    hs = wb.create_sheet(cols.SHEET_HOUSEHOLDS)
    rs = wb.create_sheet(cols.SHEET_RESIDENTS)
    _header(hs, cols.HOUSEHOLD_COLUMNS)
    _header(rs, cols.RESIDENT_COLUMNS)
    for r, household in enumerate(households, start=2):
        subunit = household.subunit
        rt = kampung = ""
        if subunit is not None:
            last = subunit.kode.rsplit(".", 1)[-1]
            if last.startswith("RT"):
                rt = int(last[2:])
                parent_code = subunit.kode.rsplit(".", 1)[0]
                if parent_code != household.dusun.kode and subunit.parent is not None:
                    kampung = subunit.parent.nama
            else:
                kampung = subunit.nama
        values = {
            "kk_number": household.kk_number,
            "dusun": household.dusun.kode,
            "kampung": kampung,
            "rt": rt,
            "lat": household.location.y if household.location else None,
            "lng": household.location.x if household.location else None,
        }
        for i, column in enumerate(cols.HOUSEHOLD_COLUMNS, start=1):
            value = values[column.field] if column.field in values else getattr(household, column.field)
            cell = _put(hs, r, i, _cell_value(column, value) if column.field not in values else value)
            if column.kind == "kk":
                cell.number_format = "@"
    for r, resident in enumerate(residents, start=2):
        for i, column in enumerate(cols.RESIDENT_COLUMNS, start=1):
            value = resident.household.kk_number if column.field == "kk_number" else getattr(resident, column.field)
            cell = _put(rs, r, i, _cell_value(column, value))
            if column.kind in ("nik", "kk"):
                cell.number_format = "@"
    return _save(wb)


def statistics_export(stats, title: str) -> bytes:
    """The aggregates on a statistics page, one table after the other; suppressed cells as shown."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Statistik")
    row = 1
    _put(ws, row, 1, title).font = Font(bold=True, size=13)
    row += 1
    _put(ws, row, 1, _("Per tanggal: %(d)s") % {"d": stats.as_of or "-"})
    row += 1
    if stats.exact:
        _put(ws, row, 1, _("Angka persis (internal). Jangan disebarkan: sel kecil dapat mengenali orang."))
    else:
        _put(
            ws,
            row,
            1,
            _("Angka publik: '<5' = 0–4 orang/KK; '•' = disembunyikan agar sel kecil tidak dapat dihitung balik."),
        )
    row += 2
    _put(ws, row, 1, _("Kelompok umur")).font = Font(bold=True)
    _put(ws, row, 2, _("Laki-laki")).font = Font(bold=True)
    _put(ws, row, 3, _("Perempuan")).font = Font(bold=True)
    for band in stats.pyramid:
        row += 1
        _put(ws, row, 1, band["label"])
        _put(ws, row, 2, _export_value(band["L"]))
        _put(ws, row, 3, _export_value(band["P"]))
    for table in stats.tables:
        row += 2
        _put(ws, row, 1, table.title).font = Font(bold=True)
        _put(ws, row, 2, _("Jumlah (%(u)s)") % {"u": table.unit}).font = Font(bold=True)
        _put(ws, row, 3, "%").font = Font(bold=True)
        if table.code == "komoditas":
            _put(ws, row, 4, _("Luas (ha)")).font = Font(bold=True)
            _put(ws, row, 5, _("Produksi (kg)")).font = Font(bold=True)
        for item in table.rows:
            row += 1
            _put(ws, row, 1, item.label)
            _put(ws, row, 2, _export_value(item.cell))
            _put(ws, row, 3, item.pct)
            if table.code == "komoditas":
                _put(ws, row, 4, item.area_ha)
                _put(ws, row, 5, item.production_kg)
        if not table.multi:
            row += 1
            _put(ws, row, 1, _("Jumlah")).font = Font(bold=True)
            _put(ws, row, 2, _export_value(table.total))
    ws.column_dimensions["A"].width = 48
    return _save(wb)


def _export_value(cell):
    if cell.hidden:
        return cell.display
    return cell.value


def age_group_choices() -> list[tuple[int, str]]:
    return [(i, label) for i, (_f, _l, label) in enumerate(c.AGE_GROUPS)]

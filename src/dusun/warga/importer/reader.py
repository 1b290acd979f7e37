"""Reading an uploaded census file into sheets of raw cell values, refusing what cannot be read safely.

Excel files are read with openpyxl in read-only mode (streamed; a 373,000-row sheet never sits in memory
as cell objects) and with formulas as text (`data_only=False`), so `=HYPERLINK(...)` arrives as the
formula it is and is refused, never evaluated. Merged cells are found in the sheet's XML, because the
streaming reader does not report them. CSV files are decoded as UTF-8 (or Windows-1252, what Excel
writes on Indonesian Windows) with the separator sniffed among comma, semicolon and tab.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

MAX_BYTES = 50 * 1024 * 1024  # the limit the issue sets for a census file
MAX_UNCOMPRESSED = 20 * MAX_BYTES  # an .xlsx is a zip: refuse "zip bombs" before opening them
MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, in Bahasa."""


@dataclass
class Sheet:
    name: str
    header: list
    header_row: int
    rows: Iterator[tuple[int, tuple]]  # (row number as Excel shows it, values)
    merged: list[tuple[str, int, int]] = field(default_factory=list)  # (range, first row, last row)


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise UnreadableFile(
            _("Berkas %(mb).1f MB melebihi batas 50 MB. Pecah per dusun atau per kampung, lalu unggah satu per satu.")
            % {"mb": size / 1024 / 1024}
        )


def open_workbook(path: Path, filename: str) -> dict[str, Sheet]:
    """Sheets by name from an .xlsx or .csv file."""
    check_size(path.stat().st_size)
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(path)
    if suffix in (".csv", ".txt"):
        sheet = _open_csv(path)
        return {sheet.name: sheet}
    if suffix == ".xls":
        raise UnreadableFile(
            _("Format .xls (Excel 97–2003) tidak didukung. Simpan ulang sebagai .xlsx (Excel Workbook).")
        )
    raise UnreadableFile(_("Jenis berkas %(ext)s tidak didukung. Gunakan .xlsx atau .csv.") % {"ext": suffix or "?"})


def _open_xlsx(path: Path) -> dict[str, Sheet]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise UnreadableFile(_("Isi berkas Excel terlalu besar setelah dibuka (lebih dari 1 GB)."))
        workbook = load_workbook(path, read_only=True, data_only=False)
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or disguised file; the cause is the file
        raise UnreadableFile(
            _("Berkas tidak dapat dibaca sebagai Excel (.xlsx). Mungkin rusak atau bukan Excel.")
        ) from None
    sheets = {}
    for worksheet in workbook.worksheets:
        rows = worksheet.iter_rows(values_only=True)
        header, header_row = _first_non_empty(rows)
        sheets[worksheet.title] = Sheet(
            name=worksheet.title,
            header=list(header or []),
            header_row=header_row,
            rows=_numbered(rows, header_row),
            merged=_merged_ranges(workbook, worksheet),
        )
    return sheets


def _first_non_empty(rows) -> tuple[tuple | None, int]:
    for number, values in enumerate(rows, start=1):
        if values and any(v not in (None, "") for v in values):
            return values, number
        if number > 20:
            break
    return None, 0


def _numbered(rows, header_row: int) -> Iterator[tuple[int, tuple]]:
    for number, values in enumerate(rows, start=header_row + 1):
        if values and any(v is not None and str(v).strip() != "" for v in values):
            yield number, values


def _merged_ranges(workbook, worksheet) -> list[tuple[str, int, int]]:
    """Merged ranges from the sheet XML (<mergeCells> comes after the data, so the stream is read)."""
    path = getattr(worksheet, "_worksheet_path", None)
    if not path:
        return []
    found, tail = [], b""
    with workbook._archive.open(path) as stream:  # noqa: SLF001 (openpyxl keeps the zip here)
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            found.extend(MERGE.findall(data))
            tail = data[-200:]
    unique = sorted({(a.decode() + b.decode() + ":" + c.decode() + d.decode(), int(b), int(d)) for a, b, c, d in found})
    return unique


def _open_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text[:4096]:
        raise UnreadableFile(_("Berkas CSV berisi data biner; mungkin itu berkas Excel yang diberi akhiran .csv."))
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    rows = ((number, tuple(values)) for number, values in enumerate(reader, start=2) if any(v.strip() for v in values))
    return Sheet(name="CSV", header=list(header or []), header_row=1, rows=rows)

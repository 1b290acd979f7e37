"""Checking a census file row by row: the dry run. Nothing is written here.

`check()` reads the file, parses every cell into the register's types, checks each row on its own
(formats, enumerations, dates, NIK structure), then across rows and against the database (duplicates,
households without a head, a resident whose KK exists nowhere, a NIK or KK that belongs to another
village), and compares with what is stored to say what would be added, changed or left as it is.

Every problem is reported with its sheet, row, column and a message in Bahasa Indonesia saying what is
wrong and how to fix it. Messages never repeat a NIK, KK number or name: the row number finds the cell,
and the report (kept with the import) must not become a second copy of personal data.
"""

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from dusun.wilayah.models import Jenis, Level, Wilayah

from .. import choices as c
from ..models import HOUSEHOLD_ATTRIBUTES, RESIDENT_ATTRIBUTES
from ..nik import NikChecker, classify
from . import columns as cols
from . import opensid
from .reader import Sheet, UnreadableFile, open_workbook

MAX_LISTED_ISSUES = 2000
FORMULA_START = ("=", "@")
MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
}
NUMERIC_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$")
WORD_DATE = re.compile(r"^(\d{1,2})[\s-]+([a-zA-Z]+)[\s-]+(\d{2,4})$")
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class Report:
    issues: list[dict] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    errors: int = 0
    warnings: int = 0
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def add(self, sheet: str, row: int | None, column: str, code: str, message: str, level: str = "error") -> None:
        self.counts[code] += 1
        if level == "error":
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.issues) < MAX_LISTED_ISSUES:
            self.issues.append(
                {"sheet": sheet, "row": row, "column": column, "code": code, "message": message, "level": level}
            )

    def fail(self, message: str) -> None:
        self.file_errors.append(message)
        self.errors += 1
        self.counts["file"] += 1


@dataclass
class CheckResult:
    report: Report
    households: dict[str, dict] = field(default_factory=dict)  # KK number → cleaned fields
    residents: list[dict] = field(default_factory=list)
    household_fields: set[str] = field(default_factory=set)  # columns present (others are left as stored)
    resident_fields: set[str] = field(default_factory=set)
    new_subunits: dict[str, dict] = field(default_factory=dict)  # code → {nama, jenis, parent code}
    summary: dict = field(default_factory=dict)

    def as_report(self) -> dict:
        r = self.report
        return {
            "error_count": r.errors,
            "warning_count": r.warnings,
            "file_errors": r.file_errors,
            "issues": r.issues,
            "issue_counts": dict(r.counts),
            "listed": len(r.issues),
            "ignored_columns": r.ignored_columns,
            "summary": self.summary,
        }


# --- Cell parsers: (value) → (cleaned, problem code, message); the message names no personal data ---------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def is_formula(value) -> bool:
    """A cell an Excel or LibreOffice would run as a formula when the data is opened again."""
    if not isinstance(value, str):
        return False
    text = value.lstrip(" \t\r\n")
    if not text:
        return False
    if text[0] in FORMULA_START or value[:1] in ("\t", "\r"):
        return True
    if text[0] in "+-":
        try:
            float(text.replace(",", "."))
        except ValueError:
            return True
    return False


def parse_date(value, today: dt.date) -> tuple[dt.date | None, str | None, str]:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        born = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value <= 80000:
            return None, "date_invalid", _("bukan tanggal")
        born = EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        text = _text(value)
        born = None
        match = NUMERIC_DATE.match(text)
        if match:
            a, b, y = match.groups()
            if len(a) == 4:  # yyyy-mm-dd
                a, y = y, a
            if len(y) != 4:
                return None, "date_two_digit_year", _("tahun harus ditulis 4 angka (mis. 1985, bukan 85)")
            try:
                born = dt.date(int(y), int(b), int(a))
            except ValueError:
                return None, "date_impossible", _("tanggal %(v)s tidak ada di kalender") % {"v": text[:20]}
        else:
            match = WORD_DATE.match(text)
            if match:
                day, month_word, y = match.groups()
                month = MONTHS.get(month_word.lower())
                if month is None:
                    return None, "date_invalid", _("nama bulan %(v)s tidak dikenal") % {"v": month_word[:15]}
                if len(y) != 4:
                    return None, "date_two_digit_year", _("tahun harus ditulis 4 angka (mis. 1985, bukan 85)")
                try:
                    born = dt.date(int(y), month, int(day))
                except ValueError:
                    return None, "date_impossible", _("tanggal %(v)s tidak ada di kalender") % {"v": text[:20]}
        if born is None:
            return None, "date_invalid", _("tidak terbaca sebagai tanggal; tulis hh-bb-tttt, mis. 17-08-1985")
    if born > today:
        return None, "date_future", _("tanggal lahir di masa depan")
    if born.year < today.year - 120:
        return None, "date_too_old", _("tanggal lahir lebih dari 120 tahun lalu")
    return born, None, ""


def parse_decimal(value, column: cols.Column):
    if isinstance(value, bool):
        return None, "number_invalid", _("bukan angka")
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        text = _text(value).replace(" ", "")
        if not text:
            return None, None, ""
        # Indonesian writes 1.234,5; a single comma is the decimal separator.
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, "number_invalid", _("bukan angka")
    if (column.minimum is not None and number < Decimal(str(column.minimum))) or (
        column.maximum is not None and number > Decimal(str(column.maximum))
    ):
        return None, "number_range", _("harus antara %(a)s dan %(b)s") % {"a": column.minimum, "b": column.maximum}
    return number, None, ""


def parse_bool(value):
    if isinstance(value, bool):
        return value, None, ""
    text = cols.normalise_header(value)
    if not text:
        return None, None, ""
    if text in cols.TRUE_WORDS:
        return True, None, ""
    if text in cols.FALSE_WORDS:
        return False, None, ""
    return None, "bool_invalid", _("isi Ya atau Tidak")


def _suggest(text: str, table: dict[str, str], choices) -> str:
    labels = [str(label) for _code, label in choices.choices]
    close = difflib.get_close_matches(text, [cols.normalise_header(label) for label in labels], n=1, cutoff=0.6)
    if close:
        label = next(label for label in labels if cols.normalise_header(label) == close[0])
        return _('; mungkin maksudnya "%(s)s"') % {"s": label}
    return _("; pilih dari daftar di lembar Daftar")


class Parsers:
    """Parsers for one import (lookup tables built once)."""

    def __init__(self, today: dt.date, opensid_ids: bool) -> None:
        self.today = today
        self.opensid_ids = opensid_ids
        self.tables: dict = {}

    def table(self, choices) -> dict[str, str]:
        if choices not in self.tables:
            self.tables[choices] = cols.lookup_table(choices)
        return self.tables[choices]

    def choice(self, value, column: cols.Column):
        text = _text(value)
        if not text:
            return "", None, ""
        key = cols.normalise_header(text)
        if self.opensid_ids and column.field in opensid.ID_MAPS:
            found = opensid.ID_MAPS[column.field].get(key) or opensid.LABELS.get(column.field, {}).get(key)
            if found:
                return str(found), None, ""
        table = self.table(column.choices)
        if key in table:
            return table[key], None, ""
        return (
            None,
            "choice_invalid",
            _('nilai "%(v)s" tidak ada dalam daftar %(c)s')
            % {
                "v": text[:30],
                "c": column.header,
            }
            + _suggest(key, table, column.choices),
        )

    def multi(self, value, column: cols.Column):
        text = _text(value)
        if not text:
            return [], None, ""
        table = self.table(column.choices)
        out = []
        for part in re.split(r"[,;\n]+", text):  # not "/": labels such as "Kelompok tani/gapoktan" use it
            key = cols.normalise_header(part)
            if not key:
                continue
            if key not in table:
                return (
                    None,
                    "choice_invalid",
                    _('nilai "%(v)s" tidak ada dalam daftar %(c)s')
                    % {
                        "v": part.strip()[:30],
                        "c": column.header,
                    }
                    + _suggest(key, table, column.choices),
                )
            out.append(table[key])
        return sorted(set(out)), None, ""


# --- Sheets to rows -----------------------------------------------------------------------------------------


def _map_header(sheet: Sheet, columns: list[cols.Column], report: Report, label: str) -> list | None:
    """Column positions for a sheet, or None (with the problem reported) when it cannot be used."""
    index = cols.header_index(columns)
    positions: list[tuple[int, cols.Column]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(sheet.header):
        name = cols.normalise_header(raw)
        if not name:
            continue
        column = index.get(name)
        if column is None:
            report.ignored_columns.append(f"{label}: {str(raw)[:40]}")
            continue
        if column.field in seen:
            report.fail(_("Lembar %(s)s: kolom %(c)s muncul dua kali.") % {"s": label, "c": column.header})
            return None
        seen[column.field] = i
        positions.append((i, column))
    missing = [column for column in columns if column.required and column.field not in seen]
    if missing:
        # Suggest among the headers nothing else claimed: a renamed column usually keeps a word or two.
        unmapped = [
            str(raw) for raw in sheet.header if raw not in (None, "") and cols.normalise_header(raw) not in index
        ]
        for column in missing:
            wanted = cols.normalise_header(column.header)
            scored = [
                (
                    len(set(wanted.split()) & set(cols.normalise_header(h).split()))
                    + difflib.SequenceMatcher(None, wanted, cols.normalise_header(h)).ratio(),
                    h,
                )
                for h in unmapped
            ]
            best = max(scored, default=(0, ""))
            hint = (
                _(' Ada kolom "%(h)s": apakah itu maksudnya? Ganti judulnya.') % {"h": best[1]}
                if best[0] >= 0.6
                else ""
            )
            report.fail(
                _('Lembar %(s)s: kolom wajib "%(c)s" tidak ditemukan di baris judul (baris %(r)s).%(hint)s')
                % {"s": label, "c": column.header, "r": sheet.header_row or 1, "hint": hint}
            )
        return None
    return positions


def _read_rows(sheet: Sheet, positions, parsers: Parsers, report: Report, label: str, on_row: Callable) -> list[dict]:
    merged_rows: dict[int, str] = {}
    for ref, first, last in sheet.merged:
        for row in range(max(first, sheet.header_row), last + 1):
            merged_rows.setdefault(row, ref)
        if first <= sheet.header_row <= last:
            report.add(
                label,
                first,
                "",
                "merged_cells",
                _("baris judul berisi sel gabungan (%(r)s); pisahkan selnya") % {"r": ref},
            )
    out = []
    for number, values in sheet.rows:
        on_row()
        if number in merged_rows:
            report.add(
                label,
                number,
                "",
                "merged_cells",
                _("sel gabungan (%(r)s): setiap baris harus berisi datanya sendiri; pisahkan sel lalu isi ulang")
                % {"r": merged_rows[number]},
            )
            continue
        row = {"_row": number}
        ok = True
        for i, column in positions:
            value = values[i] if i < len(values) else None
            if is_formula(value):
                report.add(
                    label,
                    number,
                    column.header,
                    "formula",
                    _("berisi rumus atau awalan rumus (=, +, -, @); ketik nilainya sebagai teks biasa"),
                )
                ok = False
                continue
            cleaned, code, message = _parse(value, column, parsers)
            if code:
                level = "warning" if code == "date_serial" else "error"
                report.add(label, number, column.header, code, message, level)
                if level == "error":
                    ok = False
                    continue
            if column.required and cleaned in (None, "", []):
                report.add(label, number, column.header, "required", _("wajib diisi"))
                ok = False
                continue
            row[column.field] = cleaned
        row["_ok"] = ok
        out.append(row)
    return out


def _parse(value, column: cols.Column, parsers: Parsers):
    kind = column.kind
    if kind in ("kk", "nik"):
        digits, problem, code = classify(value)
        if problem:
            return None, f"{kind}_{code}", _("%(c)s %(p)s") % {"c": column.header, "p": problem}
        return digits, None, ""
    if kind == "text" or kind == "dusun":
        text = _text(value)
        if column.max_length and len(text) > column.max_length:
            return None, "text_too_long", _("terlalu panjang (paling banyak %(n)s huruf)") % {"n": column.max_length}
        return text, None, ""
    if kind == "rt":
        text = _text(value).upper().replace("RT", "").strip().lstrip("0") or ("0" if _text(value) else "")
        if not text:
            return "", None, ""
        if not text.isdigit() or not 1 <= int(text) <= 999:
            return None, "rt_invalid", _("nomor RT harus angka 1–999")
        return int(text), None, ""
    if kind == "date":
        if value in (None, ""):
            return None, None, ""
        born, code, message = parse_date(value, parsers.today)
        if code is None and isinstance(value, (int, float)) and not isinstance(value, bool):
            return (
                born,
                "date_serial",
                _("tanggal tertulis sebagai angka seri Excel; dibaca sebagai %(d)s") % {"d": born.strftime("%d-%m-%Y")},
            )
        return born, code, message
    if kind == "choice":
        return parsers.choice(value, column)
    if kind == "multi":
        return parsers.multi(value, column)
    if kind == "bool":
        return parse_bool(value)
    if kind == "decimal":
        return parse_decimal(value, column)
    raise ValueError(kind)


# --- Sub-units ------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())[:9] or "X"


def subunit_code(dusun: Wilayah, kampung: str, rt) -> tuple[str | None, list[dict]]:
    """The code of the sub-unit a row points at and the sub-units it needs (kampung, then RT)."""
    needed = []
    base = dusun.kode
    if kampung:
        base = f"{dusun.kode}.KP-{_slug(kampung)}"
        needed.append({"kode": base, "nama": kampung.strip().title(), "jenis": Jenis.KAMPUNG, "parent": dusun.kode})
    if rt:
        code = f"{base}.RT{int(rt):02d}"
        needed.append({"kode": code, "nama": f"RT {int(rt):02d}", "jenis": Jenis.RT, "parent": base})
        return code, needed
    return (base if kampung else None), needed


# --- The check --------------------------------------------------------------------------------------------


def _find_sheet(sheets: dict[str, Sheet], wanted: str) -> Sheet | None:
    for name, sheet in sheets.items():
        if cols.normalise_header(name) == cols.normalise_header(wanted):
            return sheet
    return None


def _classify_csv(sheet: Sheet) -> str:
    names = {cols.normalise_header(h) for h in sheet.header}
    return cols.SHEET_RESIDENTS if "nik" in names else cols.SHEET_HOUSEHOLDS


def _existing(sql: str, values: list) -> list[tuple]:
    if not values:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, [values])
        return cursor.fetchall()


HOUSEHOLD_COMPARE = HOUSEHOLD_ATTRIBUTES
RESIDENT_COMPARE = RESIDENT_ATTRIBUTES


def _same(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (a is None and b is None) or (a is not None and b is not None and Decimal(a) == Decimal(b))
    if isinstance(a, list) or isinstance(b, list):
        return sorted(a or []) == sorted(b or [])
    return (a or None) == (b or None) if not isinstance(a, bool) and not isinstance(b, bool) else a == b


def check(
    area: Wilayah,
    files: list[tuple[Path, str]],
    *,
    file_format: str = "template",
    is_demo: bool = False,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:
    """Read and check the file(s) for `area` (a dusun, or the kabupaten with a "Kode Dusun" column)."""
    report = Report()
    result = CheckResult(report=report)
    today = timezone.localdate()
    parsers = Parsers(today, opensid_ids=file_format == "opensid")
    counter = {"rows": 0}

    def on_row():
        counter["rows"] += 1
        if progress and counter["rows"] % 5000 == 0:
            progress(counter["rows"])

    try:
        sheets: dict[str, Sheet] = {}
        for path, name in files:
            opened = open_workbook(path, name)
            if list(opened) == ["CSV"]:
                sheet = opened["CSV"]
                sheets[_classify_csv(sheet) if file_format == "template" else cols.SHEET_RESIDENTS] = sheet
            else:
                sheets.update(opened)
    except UnreadableFile as exc:
        report.fail(str(exc))
        return result

    if file_format == "opensid":
        if area.level != Level.DESA:
            report.fail(_("Ekspor OpenSID berisi satu desa: pilih dusun tujuannya, bukan seluruh kabupaten."))
            return result
        sheet = _find_sheet(sheets, cols.SHEET_RESIDENTS) or next(iter(sheets.values()), None)
        if sheet is None:
            report.fail(_("Berkas tidak berisi lembar data."))
            return result
        resident_rows, household_rows = _read_opensid(sheet, parsers, report, on_row)
        if resident_rows is None:
            return result
        result.household_fields = {"address", "subunit"}
    else:
        household_sheet = _find_sheet(sheets, cols.SHEET_HOUSEHOLDS)
        resident_sheet = _find_sheet(sheets, cols.SHEET_RESIDENTS)
        for wanted, found in ((cols.SHEET_HOUSEHOLDS, household_sheet), (cols.SHEET_RESIDENTS, resident_sheet)):
            if found is None:
                report.fail(
                    _(
                        'Lembar "%(s)s" tidak ditemukan (ada: %(have)s). Gunakan templat dan '
                        "jangan ganti nama lembarnya."
                    )
                    % {"s": wanted, "have": ", ".join(sheets) or "-"}
                )
        if report.file_errors:
            return result
        h_positions = _map_header(household_sheet, cols.HOUSEHOLD_COLUMNS, report, cols.SHEET_HOUSEHOLDS)
        r_positions = _map_header(resident_sheet, cols.RESIDENT_COLUMNS, report, cols.SHEET_RESIDENTS)
        if h_positions is None or r_positions is None:
            return result
        household_rows = _read_rows(household_sheet, h_positions, parsers, report, cols.SHEET_HOUSEHOLDS, on_row)
        resident_rows = _read_rows(resident_sheet, r_positions, parsers, report, cols.SHEET_RESIDENTS, on_row)
        present = {column.field for _i, column in h_positions}
        result.household_fields = {f for f in present if f in HOUSEHOLD_COMPARE}
        if present & {"kampung", "rt"}:
            result.household_fields.add("subunit")
        if present & {"lat", "lng"}:
            result.household_fields.add("location")
        result.resident_fields = {column.field for _i, column in r_positions if column.field in RESIDENT_COMPARE}
    if file_format == "opensid":
        result.resident_fields = {c.field for c in opensid.RESIDENT_COLUMNS if c.field in RESIDENT_COMPARE}

    if not household_rows and not resident_rows:
        report.fail(_("Berkas tidak berisi baris data di bawah baris judul."))
        return result
    _check_rows(area, household_rows, resident_rows, result, parsers, is_demo)
    return result


def _read_opensid(sheet: Sheet, parsers, report, on_row):
    names = {cols.normalise_header(h) for h in sheet.header}
    if not names >= opensid.SIGNATURE:
        report.fail(
            _("Ini bukan ekspor penduduk OpenSID: kolom %(c)s tidak ditemukan.")
            % {"c": ", ".join(sorted(opensid.SIGNATURE - names))}
        )
        return None, None
    columns = opensid.RESIDENT_COLUMNS + [col for col in opensid.HOUSEHOLD_COLUMNS if col.field != "kk_number"]
    positions = _map_header(sheet, columns, report, cols.SHEET_RESIDENTS)
    if positions is None:
        return None, None
    rows = _read_rows(sheet, positions, parsers, report, cols.SHEET_RESIDENTS, on_row)
    households: dict[str, dict] = {}
    for row in rows:
        kk = row.get("kk_number")
        if not kk:
            continue
        # The family's address and place come from its head's row (or the first row seen).
        if kk not in households or row.get("relationship") == c.Relationship.KEPALA:
            households[kk] = {
                "_row": row["_row"],
                "_ok": True,
                "kk_number": kk,
                "address": row.get("address", ""),
                "kampung": row.get("kampung", ""),
                "rt": row.get("rt", ""),
            }
    return rows, list(households.values())


def _check_rows(area, household_rows, resident_rows, result: CheckResult, parsers: Parsers, is_demo: bool) -> None:
    report = result.report
    H, R = cols.SHEET_HOUSEHOLDS, cols.SHEET_RESIDENTS
    villages = {w.kode: w for w in Wilayah.objects.villages().within(area).select_related("parent")}
    village_ids = {w.pk for w in villages.values()}
    existing_subunits = set(
        Wilayah.objects.filter(level=Level.SUBUNIT, kode__startswith=area.kode + ".").values_list("kode", flat=True)
    )
    extents = {w.kode: w.geom.extent for w in villages.values() if w.geom is not None}
    nik = NikChecker()

    # Households ------------------------------------------------------------------------------------------
    seen_kk: dict[str, int] = {}
    for row in household_rows:
        number = row["_row"]
        kk = row.get("kk_number")
        if kk:
            if kk in seen_kk:
                report.add(
                    H,
                    number,
                    "Nomor KK",
                    "kk_duplicate_file",
                    _("nomor KK sama dengan baris %(r)s") % {"r": seen_kk[kk]},
                )
                continue
            seen_kk[kk] = number
            if problem := nik.region_problem(kk):
                report.add(H, number, "Nomor KK", "kk_region", _("Nomor KK tidak sah: %(p)s") % {"p": problem})
                row["_ok"] = False
        code = row.get("dusun") or ""
        if area.level == Level.DESA:
            if code and code != area.kode:
                report.add(
                    H,
                    number,
                    "Kode Dusun",
                    "dusun_mismatch",
                    _("baris ini untuk wilayah %(k)s, bukan %(a)s yang dipilih") % {"k": code[:20], "a": area.kode},
                )
                row["_ok"] = False
            village = area
        else:
            village = villages.get(code)
            if village is None:
                report.add(
                    H,
                    number,
                    "Kode Dusun",
                    "dusun_unknown",
                    _("isi kode desa yang ada di kabupaten ini, mis. 15.08.14.2009")
                    if not code
                    else _("kode %(k)s bukan desa di kabupaten ini") % {"k": code[:20]},
                )
                row["_ok"] = False
                continue
        row["dusun_id"] = village.pk
        lat, lng = row.get("lat"), row.get("lng")
        if (lat is None) != (lng is None):
            report.add(
                H, number, "Lintang/Bujur", "coordinate_incomplete", _("isi lintang dan bujur, atau kosongkan keduanya")
            )
            row["_ok"] = False
        elif lat is not None:
            box = extents.get(village.kode)
            margin = Decimal("0.01")  # ≈ 1 km: village boundaries are simplified
            if box and not (
                Decimal(str(box[0])) - margin <= lng <= Decimal(str(box[2])) + margin
                and Decimal(str(box[1])) - margin <= lat <= Decimal(str(box[3])) + margin
            ):
                report.add(
                    H,
                    number,
                    "Lintang/Bujur",
                    "coordinate_outside",
                    _(
                        "koordinat berada di luar wilayah %(v)s; periksa urutan lintang/bujur dan "
                        "tanda minus (Bungo di lintang selatan, -1,x)"
                    )
                    % {"v": village.nama},
                )
                row["_ok"] = False
        code, needed = subunit_code(village, row.get("kampung", ""), row.get("rt"))
        row["subunit_code"] = code
        for unit in needed:
            if unit["kode"] not in existing_subunits and unit["kode"] not in result.new_subunits:
                result.new_subunits[unit["kode"]] = unit
        if row["_ok"] and kk:
            result.households[kk] = row

    # Residents -------------------------------------------------------------------------------------------
    for row in resident_rows:
        # Blank means the default, as on the form: living here, Indonesian citizen.
        if "status" in row and not row["status"]:
            row["status"] = c.ResidentStatus.AKTIF
        if "citizenship" in row and not row["citizenship"]:
            row["citizenship"] = c.Citizenship.WNI
    seen_nik: dict[str, int] = {}
    heads = defaultdict(int)
    members = defaultdict(int)
    former_heads: set[str] = set()  # families whose head died or moved and whose KK is not updated yet
    for row in resident_rows:
        number = row["_row"]
        value = row.get("nik")
        if value:
            if value in seen_nik:
                report.add(
                    R, number, "NIK", "nik_duplicate_file", _("NIK sama dengan baris %(r)s") % {"r": seen_nik[value]}
                )
                row["_ok"] = False
                continue
            seen_nik[value] = number
            if problem := nik.region_problem(value):
                report.add(R, number, "NIK", "nik_region", _("NIK tidak sah: %(p)s") % {"p": problem})
                row["_ok"] = False
            decoded = nik.decode(value, parsers.today)
            if isinstance(decoded, str):
                report.add(R, number, "NIK", "nik_date", _("NIK tidak sah: %(p)s") % {"p": decoded})
                row["_ok"] = False
            else:
                if decoded.demo and not is_demo:
                    report.add(
                        R,
                        number,
                        "NIK",
                        "nik_demo",
                        _("NIK berpola data demo (bulan +20); data demo tidak boleh diimpor sebagai data nyata"),
                    )
                    row["_ok"] = False
                born, sex = row.get("birth_date"), row.get("sex")
                if born and (born.day, born.month, born.year % 100) != (
                    decoded.birth_date.day,
                    decoded.birth_date.month,
                    decoded.birth_date.year % 100,
                ):
                    report.add(
                        R,
                        number,
                        "Tanggal Lahir",
                        "nik_birthdate_mismatch",
                        _(
                            "tidak cocok dengan angka 7–12 NIK (tanggal, bulan, tahun lahir); "
                            "periksa NIK atau tanggal lahirnya"
                        ),
                    )
                    row["_ok"] = False
                if sex and (sex == c.Sex.PEREMPUAN) != decoded.female:
                    report.add(
                        R,
                        number,
                        "Jenis Kelamin",
                        "nik_sex_mismatch",
                        _("tidak cocok dengan NIK (pada NIK perempuan, tanggal lahir ditambah 40)"),
                    )
                    row["_ok"] = False
        born = row.get("birth_date")
        if born:
            age = (parsers.today - born).days // 365
            if row.get("relationship") == c.Relationship.KEPALA and age < 10:
                report.add(
                    R,
                    number,
                    "Hubungan dalam Keluarga",
                    "age_relationship",
                    _("kepala keluarga berumur %(n)s tahun; periksa tanggal lahir atau hubungannya") % {"n": age},
                )
                row["_ok"] = False
            if (
                row.get("marital_status")
                in (c.MaritalStatus.KAWIN, c.MaritalStatus.CERAI_HIDUP, c.MaritalStatus.CERAI_MATI)
                and age < 10
            ):
                report.add(
                    R,
                    number,
                    "Status Perkawinan",
                    "age_marital",
                    _("status perkawinan tidak mungkin untuk umur %(n)s tahun") % {"n": age},
                )
                row["_ok"] = False
        name = row.get("name", "")
        if name and any(ch.isdigit() for ch in name):
            report.add(R, number, "Nama Lengkap", "name_digits", _("nama berisi angka; periksa kembali"), "warning")
        kk = row.get("kk_number")
        if kk and row.get("status", c.ResidentStatus.AKTIF) in ("", c.ResidentStatus.AKTIF):
            members[kk] += 1
            if row.get("relationship") == c.Relationship.KEPALA:
                heads[kk] += 1
        elif kk and row.get("relationship") == c.Relationship.KEPALA:
            former_heads.add(kk)

    # Against the database: where each NIK and KK already lives ---------------------------------------------------
    file_kks = sorted(set(seen_kk) | {r["kk_number"] for r in resident_rows if r.get("kk_number")})
    db_households = {
        kk: (pk, dusun_id)
        for kk, pk, dusun_id in _existing(
            "SELECT kk_number, id, dusun_id FROM warga_household WHERE kk_number = ANY(%s)", file_kks
        )
    }
    # A NIK may have several rows: one per village it lived in (NIK is unique among active residents only).
    db_rows: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for n, dusun_id, kk, status in _existing(
        "SELECT r.nik, r.dusun_id, h.kk_number, r.status FROM warga_resident r JOIN "
        "warga_household h ON h.id = r.household_id "
        "WHERE r.nik = ANY(%s)",
        sorted(seen_nik),
    ):
        db_rows[n].append((dusun_id, kk, status))
    db_residents: dict[tuple[str, int], tuple[int, str]] = {}  # (NIK, village) → (village, KK) of rows updated
    for kk, row in list(result.households.items()):
        found = db_households.get(kk)
        if found and found[1] != row["dusun_id"]:
            report.add(
                H,
                row["_row"],
                "Nomor KK",
                "kk_other_area",
                _(
                    "nomor KK ini sudah terdaftar di wilayah lain; minta operator wilayah "
                    "itu mencatat pindah lebih dulu"
                ),
            )
            del result.households[kk]
    area_of_kk = {kk: row["dusun_id"] for kk, row in result.households.items()}
    area_of_kk.update(
        {kk: dusun for kk, (_pk, dusun) in db_households.items() if dusun in village_ids and kk not in area_of_kk}
    )
    for row in resident_rows:
        number, kk, value = row["_row"], row.get("kk_number"), row.get("nik")
        if kk and kk not in area_of_kk:
            if kk in seen_kk:
                row["_ok"] = False  # the household row itself was refused and reported
            elif kk in db_households:
                report.add(
                    R,
                    number,
                    "Nomor KK",
                    "kk_other_area",
                    _("nomor KK ini terdaftar di wilayah lain; penduduk tidak dapat dimasukkan ke KK itu dari sini"),
                )
                row["_ok"] = False
            else:
                report.add(
                    R,
                    number,
                    "Nomor KK",
                    "kk_missing",
                    _(
                        "nomor KK tidak ada di lembar Keluarga maupun di data %(v)s; tambahkan "
                        "baris KK-nya di lembar Keluarga"
                    )
                    % {"v": area.nama},
                )
                row["_ok"] = False
            continue
        if kk:
            row["dusun_id"] = area_of_kk[kk]
        if not value or value not in db_rows:
            continue
        here = next((r for r in db_rows[value] if r[0] == row.get("dusun_id")), None)
        elsewhere = [r for r in db_rows[value] if r[0] != row.get("dusun_id")]
        if here is not None:
            db_residents[(value, here[0])] = (here[0], here[1])
        # The status the row will have: the file's, else the stored one here, else "aktif" (a new row).
        status = row.get("status") if "status" in result.resident_fields else (here[2] if here else "")
        if (status or c.ResidentStatus.AKTIF) != c.ResidentStatus.AKTIF:
            continue
        if any(r[2] == c.ResidentStatus.AKTIF for r in elsewhere):
            # Which village is not said: the operator may not see other villages' registers.
            report.add(
                R,
                number,
                "NIK",
                "nik_other_area",
                _(
                    "NIK ini masih terdaftar sebagai penduduk aktif di desa lain; minta operator desa itu "
                    "mencatat pindah keluar lebih dulu, lalu impor lagi"
                ),
            )
            row["_ok"] = False
        elif here is None and any(r[2] == c.ResidentStatus.MENINGGAL for r in elsewhere):
            report.add(
                R,
                number,
                "NIK",
                "nik_deceased",
                _("NIK ini tercatat milik orang yang sudah meninggal di desa lain; periksa NIK-nya"),
            )
            row["_ok"] = False

    # Families: a head each, and no household left without members --------------------------------------------------
    db_heads = {}
    if file_kks:
        with connection.cursor() as cursor:
            # Heads already stored whose rows are not in this file (those in the file count as the file says).
            cursor.execute(
                "SELECT h.kk_number, count(*) FROM warga_resident r JOIN warga_household h ON h.id = r.household_id "
                "WHERE h.kk_number = ANY(%s) AND r.relationship = 'kepala' AND r.status = 'aktif' "
                "AND NOT (r.nik = ANY(%s)) GROUP BY h.kk_number",
                [file_kks, sorted(seen_nik)],
            )
            db_heads = dict(cursor.fetchall())
    for kk, row in result.households.items():
        total_heads = heads.get(kk, 0) + db_heads.get(kk, 0)
        if total_heads == 0 and kk in former_heads:
            # Real registers lag: the head died or moved and the KK has not been reissued yet. Kept,
            # with a reminder, rather than refusing the whole family.
            report.add(
                H,
                row["_row"],
                "Nomor KK",
                "household_head_left",
                _("kepala keluarga tercatat meninggal/pindah; tunjuk kepala keluarga baru saat KK diperbarui"),
                "warning",
            )
        elif total_heads == 0 and (members.get(kk) or kk not in db_households):
            report.add(
                H,
                row["_row"],
                "Nomor KK",
                "household_no_head",
                _("keluarga ini tidak punya kepala keluarga aktif di lembar Penduduk"),
            )
            row["_ok"] = False
        elif total_heads > 1:
            report.add(
                H,
                row["_row"],
                "Nomor KK",
                "household_many_heads",
                _("keluarga ini punya %(n)s kepala keluarga aktif; hanya boleh satu") % {"n": total_heads},
            )
            row["_ok"] = False
        if not members.get(kk) and kk not in db_households and kk not in former_heads:
            report.add(
                H,
                row["_row"],
                "Nomor KK",
                "household_empty",
                _("tidak ada penduduk dengan nomor KK ini di lembar Penduduk"),
                "warning",
            )
    result.households = {kk: row for kk, row in result.households.items() if row["_ok"]}
    result.residents = [row for row in resident_rows if row["_ok"]]
    _summarise(result, db_households, db_residents, household_rows, resident_rows)


def _existing_values(table: str, key: str, fields: list[str], keys: list[str]) -> dict[str, dict]:
    if not keys or not fields:
        return {}
    sql = f"SELECT {key}, {', '.join(fields)} FROM {table} WHERE {key} = ANY(%s)"  # noqa: S608 (fixed names)
    return {row[0]: dict(zip(fields, row[1:], strict=True)) for row in _existing(sql, keys)}


def _summarise(result: CheckResult, db_households, db_residents, household_rows, resident_rows) -> None:
    """What committing would do, counted against what is stored now."""
    h_fields = sorted(result.household_fields & set(HOUSEHOLD_COMPARE))
    r_fields = sorted(result.resident_fields)
    stored_h = _existing_values(
        "warga_household", "kk_number", h_fields, [k for k in result.households if k in db_households]
    )
    stored_r = {}
    if r_fields and db_residents:
        sql = f"SELECT nik, dusun_id, {', '.join(r_fields)} FROM warga_resident WHERE nik = ANY(%s)"  # noqa: S608 (fixed names)
        stored_r = {
            (row[0], row[1]): dict(zip(r_fields, row[2:], strict=True))
            for row in _existing(sql, sorted({n for n, _d in db_residents}))
        }
    h = Counter()
    for kk, row in result.households.items():
        if kk not in db_households:
            h["new"] += 1
        elif all(_same(row.get(f), stored_h.get(kk, {}).get(f)) for f in h_fields):
            h["unchanged"] += 1
        else:
            h["updated"] += 1
    r = Counter()
    for row in result.residents:
        key = (row["nik"], row.get("dusun_id"))
        if key not in db_residents:
            r["new"] += 1
        elif (
            all(
                _same(row.get(f, "" if f not in ("birth_date", "bpjs_employment") else None), stored_r[key].get(f))
                for f in r_fields
            )
            and db_residents[key][1] == row["kk_number"]
        ):
            r["unchanged"] += 1
        else:
            r["updated"] += 1
    result.summary = {
        "rows": {"households": len(household_rows), "residents": len(resident_rows)},
        "households": {
            "new": h["new"],
            "updated": h["updated"],
            "unchanged": h["unchanged"],
            "refused": len(household_rows) - len(result.households),
        },
        "residents": {
            "new": r["new"],
            "updated": r["updated"],
            "unchanged": r["unchanged"],
            "refused": len(resident_rows) - len(result.residents),
        },
        "new_subunits": [u["nama"] + " (" + u["kode"].rsplit(".", 1)[-1] + ")" for u in result.new_subunits.values()][
            :50
        ],
    }

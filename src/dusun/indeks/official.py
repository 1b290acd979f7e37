"""Reading Kemendesa's IDM "rumusan" JSON (`idm.kemendesa.go.id/open/api/desa/rumusan/{kode}/{tahun}`).

Pure parsing and checking, no database: the result is a `ParsedOfficial` or an `OfficialFileError` that
lists every problem with the file name and the row it was found in, in Bahasa Indonesia.

The shape (spec §5): `{"status": 200, "error": false, "mapData": {"SUMMARIES": {...}, "ROW": [...],
"IDENTITAS": [{...}]}}`. Items are rows with a `NO`; each component ends with a subtotal row
"IKS 2021" / "IKE 2021" / "IKL 2021", then come "IDM 2021" and "STATUS IDM 2021". Items are matched on
their trimmed label within their component and checked against their number, so a renamed or shifted
row is refused rather than scored against the wrong item. The year is taken from `SUMMARIES.TAHUN` and
must agree with the subtotal labels (one OpenSID fork stored 2021 data under 2022).
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .engine import DefinitionSpec

SUBTOTAL = re.compile(r"^(?P<code>[A-Z]{3}) (?P<year>\d{4})$")
TOTAL = re.compile(r"^IDM (?P<year>\d{4})$")
STATUS_ROW = re.compile(r"^STATUS IDM (?P<year>\d{4})$")
KODE_DESA_NODOT = re.compile(r"^\d{10}$")


class OfficialFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class OfficialItem:
    code: str
    score: int
    note: str
    activity: str


@dataclass
class ParsedOfficial:
    filename: str
    kode: str  # dotted Kemendagri code, e.g. 15.08.02.2001
    year: int
    items: dict[str, OfficialItem]
    reported: dict  # SUMMARIES and subtotals exactly as published
    identity: dict
    payload: dict
    digest: str
    warnings: list[str] = field(default_factory=list)


def dotted(kode_nodot: str) -> str:
    """1508022001 → 15.08.02.2001 (the Kemendesa API writes Kemendagri codes without dots)."""
    return f"{kode_nodot[0:2]}.{kode_nodot[2:4]}.{kode_nodot[4:6]}.{kode_nodot[6:10]}"


def normalise_label(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def canonical_digest(payload: dict) -> str:
    """Same content, same digest, however the file was indented or its keys ordered."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_json(raw: bytes, filename: str) -> dict:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OfficialFileError([_("%(filename)s: berkas bukan teks UTF-8.") % {"filename": filename}]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OfficialFileError(
            [
                _("%(filename)s: bukan JSON yang sah (baris %(line)s, kolom %(column)s: %(error)s).")
                % {"filename": filename, "line": exc.lineno, "column": exc.colno, "error": exc.msg}
            ]
        ) from None
    if not isinstance(data, dict):
        raise OfficialFileError(
            [
                _("%(filename)s: isi JSON harus berupa objek, bukan %(kind)s.")
                % {"filename": filename, "kind": type(data).__name__}
            ]
        )
    return data


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse(data: dict, spec: DefinitionSpec, filename: str) -> ParsedOfficial:
    """Check one rumusan payload against a definition and return its items and reported figures."""
    where = filename
    if data.get("error") is True or (data.get("status") not in (None, 200)):
        message = data.get("message") or data.get("status")
        raise OfficialFileError(
            [
                _("%(where)s: berkas berisi jawaban galat dari Kemendesa (%(message)s), bukan data IDM.")
                % {"where": where, "message": message}
            ]
        )
    map_data = data.get("mapData")
    if not isinstance(map_data, dict):
        raise OfficialFileError(
            [_("%(where)s: bagian 'mapData' tidak ada; ini bukan format rumusan IDM Kemendesa.") % {"where": where}]
        )
    problems: list[str] = []
    summaries = map_data.get("SUMMARIES")
    rows = map_data.get("ROW")
    identity_list = map_data.get("IDENTITAS")
    if not isinstance(summaries, dict):
        problems.append(_("%(where)s: bagian 'mapData.SUMMARIES' tidak ada atau bukan objek.") % {"where": where})
    if not isinstance(rows, list) or not rows:
        problems.append(_("%(where)s: bagian 'mapData.ROW' tidak ada atau kosong.") % {"where": where})
    if not isinstance(identity_list, list) or not identity_list or not isinstance(identity_list[0], dict):
        problems.append(
            _("%(where)s: bagian 'mapData.IDENTITAS' tidak ada; kode desa tidak dapat diketahui.") % {"where": where}
        )
    if problems:
        raise OfficialFileError(problems)

    identity = identity_list[0]
    kode_nodot = str(identity.get("id_desa", "")).strip()
    if not KODE_DESA_NODOT.match(kode_nodot):
        problems.append(
            _("%(where)s: IDENTITAS.id_desa '%(kode_nodot)s' bukan kode desa Kemendagri 10 angka.")
            % {"where": where, "kode_nodot": kode_nodot}
        )

    year = summaries.get("TAHUN")
    if isinstance(year, str) and year.isdigit():
        year = int(year)
    if not isinstance(year, int) or isinstance(year, bool) or not 2015 <= year <= 2100:
        problems.append(
            _("%(where)s: SUMMARIES.TAHUN '%(value)s' bukan tahun yang sah.")
            % {"where": where, "value": summaries.get("TAHUN")}
        )
        year = None

    for key in ("SKOR_SAAT_INI", "PENAMBAHAN"):
        if not _number(summaries.get(key)):
            problems.append(
                _("%(where)s: SUMMARIES.%(key)s '%(value)s' bukan angka.")
                % {"where": where, "key": key, "value": summaries.get(key)}
            )
    for key in ("STATUS", "TARGET_STATUS"):
        if str(summaries.get(key, "")).strip().upper() not in spec.status_by_code:
            problems.append(
                _("%(where)s: SUMMARIES.%(key)s '%(value)s' bukan status IDM yang dikenal.")
                % {"where": where, "key": key, "value": summaries.get(key)}
            )
    try:
        minimum = Decimal(str(summaries.get("SKOR_MINIMAL")))
        if not minimum.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append(
            _("%(where)s: SUMMARIES.SKOR_MINIMAL '%(value)s' bukan angka.")
            % {"where": where, "value": summaries.get("SKOR_MINIMAL")}
        )

    labels = {
        comp.code: {normalise_label(spec.item_by_code[code].label): code for code in comp.item_codes}
        for comp in spec.components
    }
    items: dict[str, OfficialItem] = {}
    subtotals: dict[str, float] = {}
    pending: list[tuple[int, dict]] = []  # item rows waiting for their component's subtotal row
    total = status_row = None
    for index, row in enumerate(rows):
        at = f"{where}, ROW[{index}]"
        if not isinstance(row, dict):
            problems.append(_("%(at)s: baris harus berupa objek.") % {"at": at})
            continue
        label = str(row.get("INDIKATOR", "")).strip()
        if row.get("NO") not in (None, ""):
            pending.append((index, row))
            continue
        if TOTAL.match(label):
            total = row.get("SKOR")
        elif STATUS_ROW.match(label):
            status_row = row.get("SKOR")
        elif match := SUBTOTAL.match(label):
            code = match["code"]
            if code not in labels:
                problems.append(
                    _("%(at)s: subtotal '%(label)s' bukan komponen %(definition)s.")
                    % {"at": at, "label": label, "definition": spec.code}
                )
                pending = []
                continue
            if year is not None and int(match["year"]) != year:
                problems.append(
                    _("%(at)s: baris '%(label)s' tidak sesuai dengan SUMMARIES.TAHUN %(year)s.")
                    % {"at": at, "label": label, "year": year}
                )
            if not _number(row.get("SKOR")):
                problems.append(_("%(at)s: nilai '%(label)s' bukan angka.") % {"at": at, "label": label})
            else:
                subtotals[code] = row["SKOR"]
            for item_index, item_row in pending:
                _read_item(spec, labels[code], code, item_index, item_row, where, items, problems)
            pending = []
        else:
            problems.append(
                _("%(at)s: baris tanpa NO dengan label '%(label)s' tidak dikenal.") % {"at": at, "label": label}
            )
    if pending:
        first = pending[0][0]
        problems.append(
            _("%(where)s, ROW[%(first)s]: indikator setelah baris subtotal terakhir tidak punya komponen.")
            % {"where": where, "first": first}
        )
    for comp in spec.components:
        if comp.code not in subtotals:
            expected = f"{comp.code} {year}" if year else comp.code
            problems.append(
                _("%(where)s: baris subtotal '%(expected)s' tidak ada.") % {"where": where, "expected": expected}
            )
    absent = [code for item in spec.items if (code := item.code) not in items]
    if absent and not problems:
        names = ", ".join(f"{code} ({spec.item_by_code[code].label})" for code in absent)
        problems.append(
            _("%(where)s: indikator berikut tidak ada di berkas: %(names)s.") % {"where": where, "names": names}
        )
    if problems:
        raise OfficialFileError(problems)

    reported = {
        "SKOR_SAAT_INI": summaries["SKOR_SAAT_INI"],
        "STATUS": str(summaries["STATUS"]).strip().upper(),
        "TARGET_STATUS": str(summaries["TARGET_STATUS"]).strip().upper(),
        "SKOR_MINIMAL": str(summaries["SKOR_MINIMAL"]).strip(),
        "PENAMBAHAN": summaries["PENAMBAHAN"],
        "TAHUN": year,
        "komponen": subtotals,
        "IDM_baris": total,
        "STATUS_baris": status_row,
    }
    return ParsedOfficial(
        filename=filename,
        kode=dotted(kode_nodot),
        year=year,
        items=items,
        reported=reported,
        identity={k: identity.get(k) for k in sorted(identity)},
        payload=data,
        digest=canonical_digest(data),
    )


def _read_item(spec, labels, component, index, row, where, items, problems) -> None:
    at = f"{where}, ROW[{index}]"
    label = str(row.get("INDIKATOR", "")).strip()
    code = labels.get(normalise_label(label))
    if code is None:
        problems.append(
            _("%(at)s: indikator '%(label)s' tidak dikenal di komponen %(component)s definisi %(definition)s.")
            % {"at": at, "label": label, "component": component, "definition": spec.code}
        )
        return
    item_number = spec.item_by_code[code].number
    if str(row.get("NO")).strip() != str(item_number):
        problems.append(
            _("%(at)s: '%(label)s' bernomor %(number)s, seharusnya %(item_number)s (%(code)s).")
            % {"at": at, "label": label, "number": row.get("NO"), "item_number": item_number, "code": code}
        )
    score = row.get("SKOR")
    if isinstance(score, str) and score.strip().isdigit():
        score = int(score.strip())
    if isinstance(score, bool) or not isinstance(score, int):
        problems.append(
            _("%(at)s (%(label)s): skor '%(value)s' bukan bilangan bulat.")
            % {"at": at, "label": label, "value": row.get("SKOR")}
        )
        return
    if not spec.min_score <= score <= spec.max_score:
        problems.append(
            _("%(at)s (%(label)s): skor %(score)s di luar rentang %(low)s–%(high)s.")
            % {"at": at, "label": label, "score": score, "low": spec.min_score, "high": spec.max_score}
        )
        return
    if code in items:
        problems.append(
            _("%(at)s: indikator '%(label)s' (%(code)s) muncul lebih dari sekali.")
            % {"at": at, "label": label, "code": code}
        )
        return
    items[code] = OfficialItem(
        code=code,
        score=score,
        note=re.sub(r"\s+", " ", str(row.get("KETERANGAN") or "")).strip()[:600],
        activity=re.sub(r"\s+", " ", str(row.get("KEGIATAN") or "")).strip()[:600],
    )

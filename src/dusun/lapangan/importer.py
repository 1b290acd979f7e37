"""Import of KoboToolbox and ODK Central exports of the shipped forms into the same review queue.

Accepted files (one form, one village per file):
- CSV (Kobo "XML values and headers", Central's main CSV): one row per submission; group paths in the
  headers (`meta/instanceID`, `meta-instanceID`, `grup/nama`) are reduced to the question name; Central's
  split geopoint columns (`lokasi-Latitude`, `-Longitude`, `-Altitude`, `-Accuracy`) are joined again.
- ZIP from Central: the main CSV plus one CSV per repeat (`…-anggota.csv`, joined on `PARENT_KEY`/`KEY`).
- XLSX from Kobo: the first sheet, plus a sheet named after the repeat (`anggota`), joined on
  `_parent_index`/`_index`.
- GeoJSON from Kobo: one feature per submission; the geometry fills the form's geo question.

Nothing is merged: every row becomes a pending submission, checked like one from a phone (form, scope of
the referenced records, instanceID idempotency). Any problem in any row refuses the whole file and says
which row and what to fix.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dusun.akun import scope
from dusun.wilayah.models import Wilayah

from . import xform
from .models import FormKind, Formulir, Kiriman
from .xform import SubmissionError

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # a zip bomb stops here, measured while reading
GEO_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")
INSTANCE_KEYS = ("instanceID", "_uuid", "KEY")


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _key(header: str) -> str:
    for sep in ("/", "-"):
        if sep in header and not header.endswith(tuple(f"-{p}" for p in GEO_PARTS)):
            header = header.rsplit(sep, 1)[1]
    return header


def _normalise(row: dict) -> dict:
    out: dict = {}
    geo: dict[str, dict[str, str]] = {}
    for header, value in row.items():
        if header is None:
            continue
        value = "" if value is None else str(value).strip()
        base, _sep, part = header.rpartition("-")
        if base and part in GEO_PARTS:
            geo.setdefault(_key(base), {})[part] = value
            continue
        out.setdefault(_key(header), value)
    for name, parts in geo.items():
        if parts.get("Latitude") and parts.get("Longitude"):
            out[name] = " ".join(parts.get(p) or "0" for p in GEO_PARTS)
    return out


def _read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> str:
    chunks = []
    with archive.open(info) as handle:
        while chunk := handle.read(1 << 16):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise ValidationError(_("Isi arsip zip terlalu besar setelah dibuka (batas 100 MB)."))
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8-sig")


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def read_export(name: str, content: bytes, form: Formulir) -> list[dict]:
    """Rows of the export as submission dicts (question name → value, repeats as lists)."""
    lower = name.lower()
    repeat = "anggota" if form.kind == FormKind.SENSUS else None
    if lower.endswith(".zip"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
        except zipfile.BadZipFile as exc:
            raise ValidationError(_("Berkas zip rusak.")) from exc
        budget = [MAX_UNZIPPED_BYTES]
        csvs = {i.filename: i for i in archive.infolist() if i.filename.lower().endswith(".csv")}
        main = [n for n in csvs if not any(n.lower().endswith(f"-{r}.csv") for r in ("anggota",))]
        if len(main) != 1:
            raise ValidationError(_("Zip ekspor ODK Central harus berisi tepat satu CSV utama."))
        rows = [_with_key(r) for r in _csv_rows(_read_zip_member(archive, csvs[main[0]], budget))]
        if repeat:
            for member_name, info in csvs.items():
                if member_name.lower().endswith(f"-{repeat}.csv"):
                    children = _csv_rows(_read_zip_member(archive, info, budget))
                    _attach(rows, children, repeat, parent_key="PARENT_KEY", key="_KEY")
        return [_normalise_submission(r) for r in rows]
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a broken file
            raise ValidationError(_("Berkas XLSX tidak terbaca: %(e)s") % {"e": type(exc).__name__}) from exc
        sheets = {ws.title: _sheet_rows(ws) for ws in book.worksheets}
        rows = next(iter(sheets.values()), [])
        if repeat and repeat in sheets:
            _attach(rows, sheets[repeat], repeat, parent_key="_parent_index", key="_index")
        return [_normalise_submission(r) for r in rows]
    if lower.endswith((".geojson", ".json")):
        try:
            collection = json.loads(content)
        except ValueError as exc:
            raise ValidationError(_("GeoJSON tidak terbaca: %(e)s") % {"e": exc}) from exc
        return [_from_feature(f, form) for f in collection.get("features", [])]
    if lower.endswith(".csv"):
        return [_normalise_submission(r) for r in _csv_rows(content.decode("utf-8-sig"))]
    raise ValidationError(_("Jenis berkas tidak dikenal: unggah CSV, ZIP (ODK Central), XLSX (Kobo) atau GeoJSON."))


def _sheet_rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    if not values:
        return []
    header = [str(h) if h is not None else "" for h in values[0]]
    return [dict(zip(header, row, strict=False)) for row in values[1:] if any(v not in (None, "") for v in row)]


def _with_key(row: dict) -> dict:
    row["_KEY"] = row.get("KEY") or row.get("meta-instanceID") or ""
    return row


def _attach(rows: list[dict], children: list[dict], repeat: str, *, parent_key: str, key: str) -> None:
    by_key = {str(r.get(key) or ""): r for r in rows}
    for child in children:
        parent = by_key.get(str(child.get(parent_key) or ""))
        if parent is not None:
            parent.setdefault(f"__{repeat}", []).append(_normalise(child))


def _normalise_submission(row: dict) -> dict:
    repeats = {k[2:]: v for k, v in row.items() if isinstance(k, str) and k.startswith("__")}
    data = _normalise({k: v for k, v in row.items() if not (isinstance(k, str) and k.startswith("__"))})
    data.update(repeats)
    return data


def _from_feature(feature: dict, form: Formulir) -> dict:
    data = {k: "" if v is None else str(v) for k, v in (feature.get("properties") or {}).items()}
    data = _normalise(data)
    geometry = feature.get("geometry") or {}
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        text, shape = f"{coords[1]} {coords[0]} 0 0", "titik"
    elif kind == "LineString":
        text, shape = ";".join(f"{c[1]} {c[0]} 0 0" for c in coords), "garis"
    elif kind == "Polygon":
        text, shape = ";".join(f"{c[1]} {c[0]} 0 0" for c in coords[0]), "area"
    else:
        return data
    if form.kind == FormKind.POTENSI:
        data.setdefault("bentuk", shape)
        data[data["bentuk"]] = text
    else:
        data["lokasi"] = text
    return data


def _instance_id(data: dict, n: int) -> str:
    for key in INSTANCE_KEYS:
        if value := data.get(key):
            return value if value.startswith("uuid:") or key == "instanceID" else f"uuid:{value}"
    raise ValidationError(_("Baris %(n)d: tidak ada instanceID/_uuid; ekspor ulang dengan kolom meta.") % {"n": n})


def import_export(user, dusun: Wilayah, form: Formulir, name: str, content: bytes) -> ImportResult:
    if not scope.can_edit(user, dusun) or (form.kind == FormKind.SENSUS and not scope.can_view_personal(user, dusun)):
        raise PermissionDenied(_("Anda tidak berwenang mengimpor kiriman untuk desa ini."))
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError(_("Berkas lebih besar dari 20 MB; bagi per bulan atau per petugas."))
    rows = read_export(name, content, form)
    if not rows:
        raise ValidationError(_("Berkas tidak berisi baris kiriman."))
    from .services import check_references

    result = ImportResult()
    prepared = []
    for n, data in enumerate(rows, start=2):  # row 1 is the header, as a spreadsheet shows it
        try:
            instance_id = _instance_id(data, n)
            data.setdefault("meta", {"instanceID": instance_id})
            check_references(dusun, form, data)
        except ValidationError as exc:
            result.errors.extend(exc.messages)
            continue
        except SubmissionError as exc:
            result.errors.append(_("Baris %(n)d: %(m)s") % {"n": n, "m": exc.message})
            continue
        prepared.append((instance_id, data))
    if result.errors:
        return result
    with transaction.atomic():
        existing = set(
            Kiriman.objects.filter(instance_id__in=[i for i, _d in prepared]).values_list("instance_id", flat=True)
        )
        for instance_id, data in prepared:
            if instance_id in existing:
                result.skipped += 1
                continue
            existing.add(instance_id)
            payload = json.dumps(data, sort_keys=True).encode()
            Kiriman.objects.create(
                instance_id=instance_id,
                formulir=form,
                dusun=dusun,
                imported_by=user,
                source_name=name[:200],
                xml="",
                xml_sha256=xform.sha256(payload),
                data=data,
                expected_files=[],
            )
            result.created += 1
    return result

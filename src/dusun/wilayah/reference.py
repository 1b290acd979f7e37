"""Reading and checking a reference dataset (code table + boundaries) before anything is written.

A dataset is a folder with a `manifest.json` (see `dusun/data/README.md`). Reading collects *every*
problem it finds, each naming the file, the record and what to fix, so an operator can correct a file in
one pass; nothing here touches the database except to look up parents that are not in the file.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal.error import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.utils.translation import gettext as _

from .models import JENIS_BY_LEVEL, Jenis, Level, Wilayah, level_of_kode, parent_kode

DEFAULT_DATASET = Path(__file__).resolve().parent.parent / "data" / "bungo"

# The code table names levels in words; "desa_kelurahan" rows say which of the two in `jenis`.
CSV_LEVELS = {
    "provinsi": Level.PROVINSI,
    "kabupaten": Level.KABUPATEN,
    "kecamatan": Level.KECAMATAN,
    "desa_kelurahan": Level.DESA,
    "desa": Level.DESA,
    "kelurahan": Level.DESA,
}
NAME_PREFIXES = ("Kabupaten ", "Kota ")  # the jenis carries this word; the name does not repeat it
# Bungo lies around 101–103 °E, 1–2 °S; any lon/lat outside the globe means the file is not in CRS84.
ACCEPTED_CRS = {None, "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}


class ReferenceDataError(Exception):
    """The dataset cannot be loaded; `problems` lists every reason, each naming its record."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class AreaRecord:
    kode: str
    nama: str
    level: Level
    jenis: str
    kode_bps: str | None
    where: str  # "bungo_wilayah_kode.csv baris 5", for messages
    geom: MultiPolygon | None = None


@dataclass
class Dataset:
    nama: str
    sumber: str
    records: dict[str, AreaRecord] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def in_load_order(self) -> list[AreaRecord]:
        """Parents before children, so every parent exists when its child is written."""
        return sorted(self.records.values(), key=lambda r: (r.level, r.kode))


def read_dataset(folder: Path = DEFAULT_DATASET) -> Dataset:
    folder = Path(folder)
    problems: list[str] = []
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError([_("%(folder)s: manifest.json tidak ditemukan.") % {"folder": folder}]) from None
    except json.JSONDecodeError as exc:
        raise ReferenceDataError([_("manifest.json bukan JSON yang sah: %(err)s") % {"err": exc}]) from None

    dataset = Dataset(nama=manifest.get("nama", folder.name), sumber=manifest.get("sumber", "")[:200])
    for key in ("provinsi_csv", "kode_csv"):
        if manifest.get(key):
            _read_code_table(folder / manifest[key], dataset, problems)
    for name in manifest.get("batas", []):
        _read_boundaries(folder / name, dataset, problems)
    _check_hierarchy(dataset, problems)
    if problems:
        raise ReferenceDataError(problems)
    return dataset


def _read_code_table(path: Path, dataset: Dataset, problems: list[str]) -> None:
    seen_bps = {r.kode_bps: r for r in dataset.records.values() if r.kode_bps}
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        problems.append(_("Berkas %(file)s tidak ditemukan.") % {"file": path.name})
        return
    with handle:
        reader = csv.DictReader(handle)
        missing = {"kode_kemendagri", "nama"} - set(reader.fieldnames or [])
        if missing:
            problems.append(
                _("%(file)s: kolom %(cols)s tidak ada di baris judul.")
                % {"file": path.name, "cols": ", ".join(sorted(missing))}
            )
            return
        for line_no, row in enumerate(reader, start=2):
            where = _("%(file)s baris %(line)d") % {"file": path.name, "line": line_no}
            record = _record_from_row(row, where, problems)
            if record is None:
                continue
            if record.kode in dataset.records:
                problems.append(
                    _("%(where)s: kode %(kode)s ganda (sudah ada di %(other)s). Hapus salah satu baris.")
                    % {"where": where, "kode": record.kode, "other": dataset.records[record.kode].where}
                )
                continue
            if record.kode_bps and record.kode_bps in seen_bps:
                problems.append(
                    _("%(where)s: kode BPS %(bps)s ganda (juga dipakai %(other)s, kode %(kode)s).")
                    % {
                        "where": where,
                        "bps": record.kode_bps,
                        "other": seen_bps[record.kode_bps].where,
                        "kode": seen_bps[record.kode_bps].kode,
                    }
                )
                continue
            dataset.records[record.kode] = record
            if record.kode_bps:
                seen_bps[record.kode_bps] = record


def _record_from_row(row: dict, where: str, problems: list[str]) -> AreaRecord | None:
    kode = (row.get("kode_kemendagri") or "").strip()
    nama = (row.get("nama") or "").strip()
    level = level_of_kode(kode)
    if level is None:
        problems.append(
            _("%(where)s: kode Kemendagri '%(kode)s' tidak sah (contoh yang benar: 15.08.14.2009).")
            % {"where": where, "kode": kode}
        )
        return None
    declared = (row.get("level") or "").strip()
    if declared and CSV_LEVELS.get(declared) != level:
        problems.append(
            _("%(where)s: kode %(kode)s adalah tingkat %(level)s, tetapi kolom level berisi '%(declared)s'.")
            % {"where": where, "kode": kode, "level": level.label, "declared": declared}
        )
        return None
    if not nama:
        problems.append(_("%(where)s: nama wilayah %(kode)s kosong.") % {"where": where, "kode": kode})
        return None
    for prefix in NAME_PREFIXES:
        if level == Level.KABUPATEN and nama.startswith(prefix):
            nama = nama.removeprefix(prefix)
    jenis = _jenis_for(level, kode, (row.get("jenis") or "").strip())
    if jenis is None:
        problems.append(
            _("%(where)s: jenis '%(jenis)s' tidak berlaku untuk %(kode)s.")
            % {"where": where, "jenis": row.get("jenis"), "kode": kode}
        )
        return None
    kode_bps = (row.get("kode_bps") or "").strip() or None
    if kode_bps and not kode_bps.isdigit():
        problems.append(_("%(where)s: kode BPS '%(bps)s' harus berupa angka.") % {"where": where, "bps": kode_bps})
        return None
    return AreaRecord(kode=kode, nama=nama, level=level, jenis=jenis, kode_bps=kode_bps, where=where)


def _jenis_for(level: Level, kode: str, declared: str) -> str | None:
    if level == Level.DESA:
        # Kemendagri numbering: 1xxx is a kelurahan, 2xxx a desa; a declared jenis must agree.
        by_code = Jenis.KELURAHAN if kode.rsplit(".", 1)[1].startswith("1") else Jenis.DESA
        return by_code if declared in ("", by_code) else None
    if declared:
        return declared if declared in JENIS_BY_LEVEL[level] else None
    return {Level.PROVINSI: Jenis.PROVINSI, Level.KABUPATEN: Jenis.KABUPATEN, Level.KECAMATAN: Jenis.KECAMATAN}.get(
        level
    )


def _read_boundaries(path: Path, dataset: Dataset, problems: list[str]) -> None:
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(_("Berkas %(file)s tidak ditemukan.") % {"file": path.name})
        return
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.append(_("%(file)s bukan GeoJSON yang sah: %(err)s") % {"file": path.name, "err": exc})
        return
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        problems.append(_("%(file)s: harus berupa GeoJSON FeatureCollection.") % {"file": path.name})
        return
    crs = ((collection.get("crs") or {}).get("properties") or {}).get("name")
    if crs not in ACCEPTED_CRS:
        problems.append(
            _("%(file)s: sistem koordinat %(crs)s tidak didukung; simpan ulang dalam WGS 84 (EPSG:4326).")
            % {"file": path.name, "crs": crs}
        )
        return
    with_geometry: dict[str, str] = {}
    for index, feature in enumerate(collection.get("features") or [], start=1):
        props = (feature or {}).get("properties") or {}
        kode = str(props.get("kode") or "").strip()
        where = _("%(file)s fitur ke-%(n)d (kode %(kode)s)") % {"file": path.name, "n": index, "kode": kode or "?"}
        record = dataset.records.get(kode)
        if record is None:
            problems.append(
                _("%(where)s: kode tidak ada di tabel kode. Tambahkan barisnya atau perbaiki kodenya.")
                % {"where": where}
            )
            continue
        if kode in with_geometry:
            problems.append(
                _("%(where)s: batas ganda untuk kode yang sama (juga %(other)s).")
                % {"where": where, "other": with_geometry[kode]}
            )
            continue
        geom = _geometry(feature.get("geometry"), where, problems)
        if geom is not None:
            record.geom = geom
            with_geometry[kode] = where


def _geometry(raw: dict | None, where: str, problems: list[str]) -> MultiPolygon | None:
    if not raw:
        problems.append(_("%(where)s: geometri kosong.") % {"where": where})
        return None
    try:
        geom = GEOSGeometry(json.dumps(raw), srid=4326)
    except (GEOSException, GDALException, ValueError, TypeError) as exc:
        problems.append(_("%(where)s: geometri tidak dapat dibaca (%(err)s).") % {"where": where, "err": exc})
        return None
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=4326)
    if geom.geom_type != "MultiPolygon":
        problems.append(
            _("%(where)s: geometri harus poligon, bukan %(type)s.") % {"where": where, "type": geom.geom_type}
        )
        return None
    xmin, ymin, xmax, ymax = geom.extent
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        problems.append(
            _(
                "%(where)s: koordinat di luar bujur/lintang (mis. %(x).1f, %(y).1f); berkas ini tampaknya "
                "bukan WGS 84. Ubah ke EPSG:4326 sebelum dimuat."
            )
            % {"where": where, "x": xmin, "y": ymin}
        )
        return None
    if not geom.valid:
        problems.append(
            _("%(where)s: geometri tidak sah (%(reason)s). Perbaiki di QGIS (Fix geometries) lalu muat ulang.")
            % {"where": where, "reason": geom.valid_reason}
        )
        return None
    return geom


def _check_hierarchy(dataset: Dataset, problems: list[str]) -> None:
    """Every area's parent must be in the file or already in the database."""
    missing_parents = {parent_kode(r.kode) for r in dataset.records.values() if r.level != Level.PROVINSI}
    missing_parents -= set(dataset.records)
    known = set(Wilayah.objects.filter(kode__in=missing_parents).values_list("kode", flat=True))
    for record in dataset.in_load_order():
        parent = parent_kode(record.kode)
        if record.level != Level.PROVINSI and parent not in dataset.records and parent not in known:
            problems.append(
                _("%(where)s: wilayah induk %(parent)s untuk %(kode)s tidak dikenal. Tambahkan induknya lebih dulu.")
                % {"where": record.where, "parent": parent, "kode": record.kode}
            )
        if record.level in (Level.KABUPATEN, Level.KECAMATAN, Level.DESA) and record.geom is None:
            dataset.warnings.append(
                _("%(where)s: %(kode)s %(nama)s belum punya batas wilayah.")
                % {"where": record.where, "kode": record.kode, "nama": record.nama}
            )

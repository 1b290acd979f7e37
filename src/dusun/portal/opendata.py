"""Open data: the public datasets, their data dictionaries and licences, and the files they download as.

Every dataset has a data dictionary (field, type, unit, description, source) and a licence statement. How
the dictionary travels with a download, the same for every dataset:
- XLSX: the data on the first sheet (named like the dataset or layer), the dictionary on the second sheet
  `kamus_data`, title, licence, source and date on a third sheet `tentang`;
- GeoPackage: the dictionary as a non-spatial table `kamus_data` beside the layer;
- CSV and GeoJSON: a sidecar dictionary (`/data/kamus/<dataset>.csv`), linked from the page and from the
  response's `Link: <…>; rel="describedby"` header (the licence as `rel="license"`).

Nothing personal is in any dataset: no NIK, KK number, resident name or birth date. Census numbers come
from the published (suppressed) cells only; enterprise names (a UMKM is often one family) and the parcel
layer (one family's land, identifiable by its number) are left out on purpose.

Large spatial layers (land cover is ≈ 128,000 polygons per snapshot kabupaten-wide) are offered per dusun
and per kecamatan only, so that one download never holds a web worker for minutes; the ruang exporter
(GDAL via a streamed COPY, never Python memory) writes them.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dusun.ruang import exporter
from dusun.ruang.layers import LAYERS
from dusun.warga.xlsx import safe_text
from dusun.wilayah.models import Jenis, Level, Wilayah

from . import indicators as ind

CC_BY = gettext_lazy(
    "Data hasil platform Dusun Online: Creative Commons Atribusi 4.0 Internasional (CC BY 4.0), "
    "https://creativecommons.org/licenses/by/4.0/deed.id — bebas dipakai dan dibagikan dengan menyebut "
    "sumber “Dusun Online, Kabupaten Bungo”."
)
CC_BY_URL = "https://creativecommons.org/licenses/by/4.0/"
BOUNDARY_LICENCE = gettext_lazy(
    "Batas dan kode Kemendagri: cahyadsn/wilayah_boundaries, lisensi MIT (c) cahya dsn, disederhanakan — bukan "
    "batas resmi. Kode BPS: kode wilayah pemerintah yang publik (sumber tanpa lisensi tertulis). Luas dan kolom "
    "turunan: CC BY 4.0."
)
IDM_LICENCE = gettext_lazy(
    "Hasil resmi IDM: data terbuka pemerintah yang diterbitkan Kemendesa PDTT (idm.kemendesa.go.id), disalin "
    "tanpa diubah. Hasil hitung Dusun Online dan kolom turunan: CC BY 4.0."
)

CSV, XLSX, GEOJSON, GPKG = "csv", "xlsx", "geojson", "gpkg"
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    GEOJSON: "application/geo+json",
    GPKG: "application/geopackage+sqlite3",
}
FORMAT_LABELS = {CSV: "CSV", XLSX: "XLSX (Excel)", GEOJSON: "GeoJSON", GPKG: "GeoPackage"}
OGR2OGR = exporter.OGR2OGR

# Spatial layers of the ruang registry published as open data. `persil` (land parcels) is left out of the
# bulk downloads: a parcel usually belongs to one family, and its number identifies the owner in the land
# office's register (the map still shows parcels, as it shows houses).
PUBLIC_LAYERS = ("tutupan-lahan", "bangunan", "fasilitas", "jaringan", "kawasan", "potensi", "bencana")
# Layers small enough kabupaten-wide; the others only per dusun or kecamatan (see the module docstring).
KABUPATEN_LAYERS = ("fasilitas", "jaringan", "kawasan", "potensi", "bencana")


class DatasetError(Exception):
    """Bad input to a download: shown to the user as a 400 with this message."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # teks, bilangan bulat, desimal, tanggal, geometri
    unit: str
    description: str
    source: str


@dataclass
class Table:
    fields: list[Field]
    rows: list[list]
    geometries: list[str | None] | None = None  # GeoJSON geometry text per row (spatial datasets)


@dataclass
class Dataset:
    slug: str
    title: str
    description: str
    licence: str
    formats: tuple[str, ...]
    levels: tuple[int, ...]  # the areas a download may cover
    dictionary: Callable[[], list[Field]]
    build: Callable[[Wilayah], Table] | None = None  # our own datasets
    layer: str | None = None  # a ruang layer: written by the ruang exporter
    updated: Callable[[], datetime | date | None] = field(default=lambda: None)
    source: str = ""

    @property
    def spatial(self) -> bool:
        return GEOJSON in self.formats


ALL_LEVELS = (Level.KABUPATEN, Level.KECAMATAN, Level.DESA)
TEXT, INT, DEC, DATE, GEOM = "teks", "bilangan bulat", "desimal", "tanggal", "geometri"


def _area_fields() -> list[Field]:
    w = "wilayah (wilayah_wilayah)"
    return [
        Field("kode", TEXT, "", _("Kode wilayah Kemendagri bertitik, mis. 15.08.14.2009."), w),
        Field("nama", TEXT, "", _("Nama dusun/kelurahan."), w),
        Field("kecamatan_kode", TEXT, "", _("Kode Kemendagri kecamatan induk."), w),
        Field("kecamatan_nama", TEXT, "", _("Nama kecamatan induk."), w),
    ]


def _villages(area: Wilayah):
    qs = Wilayah.objects.villages().select_related("parent").order_by("kode")
    if area.level == Level.DESA:
        return qs.filter(pk=area.pk)
    return qs.filter(kode__startswith=area.kode + ".")


# --- batas-dusun -------------------------------------------------------------------------------------------


def _boundary_fields() -> list[Field]:
    w = "wilayah (wilayah_wilayah)"
    return [
        *_area_fields(),
        Field("kode_bps", TEXT, "", _("Kode wilayah kerja statistik BPS (sistem lain dari Kemendagri)."), w),
        Field("jenis", TEXT, "", _("desa atau kelurahan."), w),
        Field("luas_ha", DEC, "ha", _("Luas geodesik (elipsoid WGS 84) batas yang disederhanakan."), w),
        Field("bujur", DEC, _("derajat"), _("Bujur titik di dalam batas (untuk label), WGS 84."), w),
        Field("lintang", DEC, _("derajat"), _("Lintang titik di dalam batas (untuk label), WGS 84."), w),
    ]


def _boundaries(area: Wilayah) -> Table:
    rows, geoms = [], []
    qs = _villages(area).annotate(g=AsGeoJSON("geom", precision=6), p=PointOnSurface("geom"))
    for v in qs:
        rows.append(
            [
                v.kode,
                v.nama,
                v.parent.kode,
                v.parent.nama,
                v.kode_bps,
                v.jenis,
                float(v.luas_ha) if v.luas_ha is not None else None,
                round(v.p.x, 6) if v.p else None,
                round(v.p.y, 6) if v.p else None,
            ]
        )
        geoms.append(v.g)
    return Table(_boundary_fields(), rows, geoms)


# --- indikator ---------------------------------------------------------------------------------------------


def _indicator_fields(ctx: ind.Context | None = None) -> list[Field]:
    out = _area_fields()
    for i in ind.registry(ctx).values():
        desc = f"{i.name}. {i.computation} {_('Tahun/potret')}: {i.year}. {_('Kecamatan')}: {i.aggregation_text}."
        kind = DEC if i.decimals else INT
        out.append(Field(i.code, kind, i.unit, desc, i.source))
    return out


def _indicator_table(area: Wilayah) -> Table:
    ctx = ind.Context()
    registry = ind.registry(ctx)
    values = {code: i.values(ctx) for code, i in registry.items()}
    rows = []
    for v in _villages(area):
        row = [v.kode, v.nama, v.parent.kode, v.parent.nama]
        for code, i in registry.items():
            cell = ind.export_value(values[code].get(v.kode))
            row.append(int(cell) if isinstance(cell, float) and not i.decimals else cell)
        rows.append(row)
    return Table(_indicator_fields(ctx), rows)


# --- idm -----------------------------------------------------------------------------------------------------


def _idm_fields() -> list[Field]:
    s = "indeks (indeks_result)"
    return [
        *_area_fields(),
        Field("tahun", INT, "", _("Tahun IDM."), s),
        Field(
            "seri", TEXT, "", _("resmi = hasil resmi Kemendesa; hitung = dihitung Dusun Online dari skor indikator."), s
        ),
        Field("idm", DEC, _("indeks 0–1"), _("Indeks Desa Membangun = (IKS + IKE + IKL) / 3."), s),
        Field("iks", DEC, _("indeks 0–1"), _("Indeks Ketahanan Sosial."), s),
        Field("ike", DEC, _("indeks 0–1"), _("Indeks Ketahanan Ekonomi."), s),
        Field("ikl", DEC, _("indeks 0–1"), _("Indeks Ketahanan Lingkungan/Ekologi."), s),
        Field("status", TEXT, "", _("Status desa (sangat tertinggal … mandiri)."), s),
        Field("target_status", TEXT, "", _("Status berikutnya yang dituju."), s),
        Field("sumber", TEXT, "", _("Asal hasil (berkas Kemendesa atau perhitungan)."), s),
    ]


def _idm_table(area: Wilayah) -> Table:
    from dusun.indeks.models import Result

    qs = Result.objects.filter(is_current=True, is_complete=True, dusun__jenis=Jenis.DESA)
    qs = qs.filter(dusun=area) if area.level == Level.DESA else qs.filter(dusun__kode__startswith=area.kode + ".")
    rows = []
    for r in qs.select_related("dusun__parent").order_by("dusun__kode", "year", "series"):
        comp = r.components or {}

        def part(key, comp=comp):
            value = (comp.get(key) or {}).get("value")
            return round(float(value), 6) if value is not None else None

        rows.append(
            [
                r.dusun.kode,
                r.dusun.nama,
                r.dusun.parent.kode,
                r.dusun.parent.nama,
                r.year,
                r.series,
                round(float(r.value), 6) if r.value is not None else None,
                part("IKS"),
                part("IKE"),
                part("IKL"),
                r.status,
                r.target_status,
                r.source,
            ]
        )
    return Table(_idm_fields(), rows)


# --- kegiatan (public planning projects) ------------------------------------------------------------------


def _project_fields() -> list[Field]:
    s = "rencana (rencana_project, rencana_proposal)"
    return [
        *_area_fields(),
        Field("tahun", INT, "", _("Tahun pelaksanaan."), s),
        Field("kegiatan", TEXT, "", _("Nama kegiatan."), s),
        Field("bidang", TEXT, "", _("Bidang belanja desa (kode Permendagri)."), s),
        Field("sub_bidang", TEXT, "", _("Sub-bidang belanja desa."), s),
        Field("anggaran_rp", INT, "Rp", _("Anggaran kegiatan."), s),
        Field("realisasi_rp", INT, "Rp", _("Realisasi keuangan kumulatif."), s),
        Field("kemajuan_persen", INT, "%", _("Kemajuan fisik."), s),
        Field("mulai", DATE, "", _("Tanggal mulai."), s),
        Field("target_selesai", DATE, "", _("Tanggal target selesai."), s),
        Field("keadaan", TEXT, "", _("berjalan, terlambat atau selesai."), s),
        Field(
            "penerima_kk",
            TEXT,
            "KK",
            _("Rumah tangga penerima manfaat; 1–4 ditulis “<5” (penyembunyian sel kecil)."),
            s,
        ),
    ]


def _projects(area: Wilayah) -> Table:
    from dusun.rencana.models import Project
    from dusun.warga.suppression import small_count

    qs = Project.objects.select_related("proposal__dusun__parent").annotate(g=AsGeoJSON("proposal__geom", precision=6))
    if area.level == Level.DESA:
        qs = qs.filter(proposal__dusun=area)
    else:
        qs = qs.filter(proposal__dusun__kode__startswith=area.kode + ".")
    rows, geoms = [], []
    for p in qs.order_by("proposal__dusun__kode", "proposal__year", "pk"):
        prop = p.proposal
        rows.append(
            [
                prop.dusun.kode,
                prop.dusun.nama,
                prop.dusun.parent.kode,
                prop.dusun.parent.nama,
                prop.year,
                prop.title,
                prop.bidang,
                prop.sub_bidang,
                int(p.budget),
                int(p.realised),
                p.progress_pct,
                p.start_date,
                p.end_date,
                p.state,
                small_count(prop.beneficiary_households),
            ]
        )
        geoms.append(p.g)
    return Table(_project_fields(), rows, geoms)


# --- perubahan-hutan ---------------------------------------------------------------------------------------


def _forest_fields() -> list[Field]:
    s = "hutan (hutan_changecell)"
    return [
        *_area_fields(),
        Field("tahun_awal", INT, "", _("Tahun potret tutupan lahan awal."), s),
        Field("tahun_akhir", INT, "", _("Tahun potret tutupan lahan akhir."), s),
        Field("hutan_alam_awal_ha", DEC, "ha", _("Luas hutan alam pada potret awal."), s),
        Field("hutan_alam_akhir_ha", DEC, "ha", _("Luas hutan alam pada potret akhir."), s),
        Field("hilang_ha", DEC, "ha", _("Dari hutan alam menjadi bukan hutan alam."), s),
        Field("bertambah_ha", DEC, "ha", _("Dari bukan hutan alam menjadi hutan alam."), s),
        Field("peringatan", TEXT, "", _("ya bila kehilangan melewati ambang peringatan kabupaten."), s),
    ]


def _forest(area: Wilayah) -> Table:
    from dusun.hutan import selectors as hutan

    run = ind.Context().change_run
    if run is None:
        return Table(_forest_fields(), [])
    scope = area.parent if area.level == Level.DESA else area
    villages = {v.pk: v for v in _villages(area)}  # with their kecamatan, one query
    rows = []
    for r in sorted(hutan.village_rows(scope, run), key=lambda r: r.village.kode):
        v = villages.get(r.village.pk)
        if v is None:
            continue
        rows.append(
            [
                v.kode,
                v.nama,
                v.parent.kode,
                v.parent.nama,
                run.from_snapshot.year,
                run.to_snapshot.year,
                round(r.natural_forest_from, 2),
                round(r.natural_forest_to, 2),
                round(r.loss_ha, 2),
                round(r.gain_ha, 2),
                "ya" if r.alert else "tidak",
            ]
        )
    return Table(_forest_fields(), rows)


# --- ruang layers -------------------------------------------------------------------------------------------

_BASE_COLUMN_TEXT = {
    "id_fitur": (INT, "", gettext_lazy("Nomor fitur di Dusun Online.")),
    "kode_desa": (TEXT, "", gettext_lazy("Kode Kemendagri dusun tempat fitur berada.")),
    "nama_desa": (TEXT, "", gettext_lazy("Nama dusun tempat fitur berada.")),
    "tahun": (INT, "", gettext_lazy("Tahun potret tutupan lahan.")),
    "potret": (TEXT, "", gettext_lazy("Nama potret tutupan lahan.")),
    "legenda": (TEXT, "", gettext_lazy("Kode legenda klasifikasi.")),
    "kelas": (TEXT, "", gettext_lazy("Kode kelas tutupan lahan.")),
    "kelas_nama": (TEXT, "", gettext_lazy("Nama kelas tutupan lahan.")),
    "data_demo": (INT, "", gettext_lazy("1 = data contoh buatan (demo), bukan data lapangan.")),
}
_OGR_TYPES = {"Integer": INT, "Integer64": INT, "Real": DEC, "Date": DATE, "String": TEXT}


def _layer_fields(slug: str) -> list[Field]:
    spec = LAYERS[slug]
    by_column = {exporter.column_name(f): f for f in spec.attribute_fields}
    if spec.measure:
        measure = spec.model._meta.get_field(spec.measure[0])
        by_column[exporter.column_name(measure)] = measure
    source = f"ruang ({spec.model._meta.db_table})"
    out = []
    for column in exporter.export_columns(spec, include_internal=False):
        if column.name in _BASE_COLUMN_TEXT:
            kind, unit, text = _BASE_COLUMN_TEXT[column.name]
            out.append(Field(column.name, kind, unit, str(text), source))
            continue
        f = by_column.get(column.name)
        unit = spec.measure[1] if spec.measure and f is not None and f.name == spec.measure[0] else ""
        text = str(f.verbose_name) if f is not None else column.name
        if f is not None and getattr(f, "choices", None):
            text += " — " + _("kode pilihan: %(codes)s") % {"codes": ", ".join(str(c[0]) for c in f.choices)}
        out.append(Field(column.name, _OGR_TYPES.get(column.ogr_type, TEXT), unit, text, source))
    out.append(Field("geom", GEOM, "EPSG:4326", _("Geometri fitur (WGS 84); dalam CSV sebagai WKT."), source))
    return out


def _layer_updated(slug: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT changed_at FROM ruang_layerversion WHERE layer = %s", [slug])
        row = cursor.fetchone()
    return row[0] if row else None


# --- the registry --------------------------------------------------------------------------------------------


def _max(model, column: str):
    def updated():
        return model.objects.aggregate(m=Max(column))["m"]

    return updated


def datasets() -> dict[str, Dataset]:
    from dusun.hutan.models import ChangeRun
    from dusun.indeks.models import Result
    from dusun.rencana.models import Project
    from dusun.warga.models import StatRefresh

    items = [
        Dataset(
            "batas-dusun",
            _("Batas dan kode dusun"),
            _("Batas setiap dusun/kelurahan dengan kode Kemendagri dan BPS, kecamatan induk dan luas geodesik."),
            str(BOUNDARY_LICENCE),
            (CSV, XLSX, GEOJSON, GPKG),
            ALL_LEVELS,
            _boundary_fields,
            build=_boundaries,
            updated=_max(Wilayah, "updated_at"),
            source="src/dusun/data/bungo (cahyadsn/wilayah_boundaries)",
        ),
        Dataset(
            "indikator",
            _("Tabel indikator dusun"),
            _(
                "Semua indikator publik per dusun (penduduk dan keluarga dengan penyembunyian sel kecil, IDM, luas, "
                "hutan, karbon, tutupan lahan, fasilitas, jalan, usaha, komoditas, usulan dan kegiatan)."
            ),
            str(CC_BY),
            (CSV, XLSX),
            ALL_LEVELS,
            _indicator_fields,
            build=_indicator_table,
            updated=lambda: StatRefresh.objects.aggregate(m=Max("refreshed_at"))["m"] or timezone.now(),
            source=_("Dusun Online: modul warga, indeks, ruang, hutan, ekonomi, rencana"),
        ),
        Dataset(
            "idm",
            _("Hasil Indeks Desa Membangun"),
            _("Nilai IDM, IKS, IKE, IKL dan status per desa per tahun, seri resmi dan seri hitung."),
            str(IDM_LICENCE),
            (CSV, XLSX),
            ALL_LEVELS,
            _idm_fields,
            build=_idm_table,
            updated=_max(Result, "created_at"),
            source="Kemendesa PDTT (idm.kemendesa.go.id); Dusun Online",
        ),
        Dataset(
            "kegiatan",
            _("Kegiatan pembangunan (rencana publik)"),
            _("Kegiatan dari usulan yang diterima kabupaten: anggaran, realisasi, kemajuan dan lokasi."),
            str(CC_BY),
            (CSV, XLSX, GEOJSON, GPKG),
            ALL_LEVELS,
            _project_fields,
            build=_projects,
            updated=_max(Project, "updated_at"),
            source=_("Dusun Online: modul rencana"),
        ),
        Dataset(
            "perubahan-hutan",
            _("Ringkasan perubahan hutan alam"),
            _("Hutan alam awal dan akhir, kehilangan dan penambahan per dusun antara dua potret tutupan lahan."),
            str(CC_BY),
            (CSV, XLSX),
            ALL_LEVELS,
            _forest_fields,
            build=_forest,
            updated=_max(ChangeRun, "updated_at"),
            source=_("Dusun Online: modul hutan (matriks perubahan tutupan lahan)"),
        ),
    ]
    for slug in PUBLIC_LAYERS:
        spec = LAYERS[slug]
        levels = ALL_LEVELS if slug in KABUPATEN_LAYERS else (Level.KECAMATAN, Level.DESA)
        items.append(
            Dataset(
                f"lapisan-{slug}",
                _("Lapisan peta: %(title)s") % {"title": spec.title},
                _("Fitur lapisan %(title)s dengan atributnya (catatan internal tidak ikut).") % {"title": spec.title},
                str(CC_BY),
                (CSV, XLSX, GEOJSON, GPKG),
                levels,
                lambda slug=slug: _layer_fields(slug),
                layer=slug,
                updated=lambda slug=slug: _layer_updated(slug),
                source=_("Dusun Online: modul ruang (lapisan %(slug)s)") % {"slug": slug},
            )
        )
    return {d.slug: d for d in items}


# --- writing files ------------------------------------------------------------------------------------------


@dataclass
class Download:
    content: bytes | None
    path: Path | None  # a file whose folder the caller removes
    filename: str
    content_type: str


def get_dataset(slug: str) -> Dataset:
    dataset = datasets().get(slug)
    if dataset is None:
        raise DatasetError(_("Dataset “%(slug)s” tidak ada. Lihat daftar dataset di /data/.") % {"slug": slug[:60]})
    return dataset


def check(dataset: Dataset, area: Wilayah, fmt: str) -> None:
    if fmt not in dataset.formats:
        raise DatasetError(
            _("Format “%(fmt)s” tidak tersedia untuk dataset %(slug)s. Pilih salah satu: %(formats)s.")
            % {"fmt": fmt[:20], "slug": dataset.slug, "formats": ", ".join(dataset.formats)}
        )
    if area.level not in dataset.levels:
        raise DatasetError(
            _(
                "Dataset %(slug)s terlalu besar untuk diunduh sekaligus se-kabupaten. Unduh per kecamatan atau per "
                "dusun dari halaman data kecamatan/dusun."
            )
            % {"slug": dataset.slug}
        )


def filename(dataset: Dataset, area: Wilayah, fmt: str) -> str:
    return f"{dataset.slug}_{area.kode}.{fmt}"


def _cell(value):
    if isinstance(value, str):
        return safe_text(value)
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return value


def dictionary_rows(fields: Iterable[Field]) -> list[list[str]]:
    return [[f.name, f.type, f.unit, f.description, f.source] for f in fields]


DICTIONARY_HEADER = ["kolom", "tipe", "satuan", "keterangan", "sumber"]


def dictionary_csv(dataset: Dataset) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(DICTIONARY_HEADER)
    for row in dictionary_rows(dataset.dictionary()):
        writer.writerow([_csv_value(v) for v in row])
    writer.writerow([])
    writer.writerow(["lisensi", "", "", dataset.licence, ""])
    return out.getvalue().encode("utf-8")


def _csv_bytes(rows: Iterable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8")


def _about(dataset: Dataset, area: Wilayah) -> list[tuple[str, str]]:
    updated = dataset.updated()
    rows = [
        (_("Dataset"), f"{dataset.title} ({dataset.slug})"),
        (_("Wilayah"), f"{area} ({area.kode})"),
        (_("Keterangan"), dataset.description),
        (_("Lisensi"), dataset.licence),
        (_("Sumber"), dataset.source),
        (_("Terakhir diperbarui"), updated.strftime("%Y-%m-%d") if updated else "—"),
        (_("Diunduh"), timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
        (_("Sistem koordinat"), "WGS 84 (EPSG:4326)"),
    ]
    if dataset.slug == "indikator":
        modules = sorted(ind.Context().demo_modules)
        if modules:
            text = _("Sebagian angka berasal dari data contoh buatan (demo), bukan data lapangan: modul %(m)s.")
            rows.append((_("Data demo"), text % {"m": ", ".join(modules)}))
    return rows


def _xlsx(dataset: Dataset, area: Wilayah, table_fields: list[Field], rows: Iterable[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    data = wb.create_sheet(dataset.slug.replace("-", "_")[:31])  # named like the GeoPackage layer
    data.append([f.name for f in table_fields])
    for row in rows:
        data.append([_cell(v) for v in row])
    kamus = wb.create_sheet("kamus_data")
    kamus.append(DICTIONARY_HEADER)
    for row in dictionary_rows(dataset.dictionary()):
        kamus.append([_cell(v) for v in row])
    about = wb.create_sheet("tentang")
    for key, value in _about(dataset, area):
        about.append([key, _cell(value)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _geojson_text(dataset: Dataset, table: Table) -> str:
    names = [f.name for f in table.fields]
    features = []
    for row, geom in zip(table.rows, table.geometries or [], strict=False):
        props = {n: (v.isoformat() if isinstance(v, date | datetime) else v) for n, v in zip(names, row, strict=True)}
        features.append({"type": "Feature", "geometry": json.loads(geom) if geom else None, "properties": props})
    return json.dumps(
        {"type": "FeatureCollection", "name": dataset.slug.replace("-", "_"), "features": features},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _ogr(args: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 (fixed binary, arguments are our own paths and names)
        [OGR2OGR, *args], capture_output=True, text=True, timeout=exporter.OGR_TIMEOUT_S, check=False
    )
    if result.returncode != 0:
        raise exporter.ExportError(result.stderr.strip()[-500:] or f"ogr2ogr exit {result.returncode}")


def _add_dictionary_table(gpkg: Path, dataset: Dataset) -> None:
    """The data dictionary as a plain table `kamus_data` inside the GeoPackage."""
    kamus = gpkg.parent / "kamus_data.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(DICTIONARY_HEADER)
    for row in dictionary_rows(dataset.dictionary()):
        writer.writerow(row)
    writer.writerow(["lisensi", "", "", dataset.licence, ""])
    kamus.write_text(out.getvalue(), encoding="utf-8")
    _ogr(["-update", "-f", "GPKG", str(gpkg), str(kamus), "-nln", "kamus_data"])


def _workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="dusun-opendata-", dir=getattr(settings, "DUSUN_EXPORT_TMP", None)))


def write(dataset: Dataset, area: Wilayah, fmt: str) -> Download:
    """The file of one dataset for one area in one format (checked with `check` first)."""
    check(dataset, area, fmt)
    name = filename(dataset, area, fmt)
    if dataset.layer:
        return _write_layer(dataset, area, fmt, name)
    table = dataset.build(area)
    if fmt == CSV:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([f.name for f in table.fields])
        for row in table.rows:
            writer.writerow([_csv_value(v) for v in row])
        return Download(out.getvalue().encode("utf-8"), None, name, CONTENT_TYPES[CSV])
    if fmt == XLSX:
        return Download(_xlsx(dataset, area, table.fields, table.rows), None, name, CONTENT_TYPES[XLSX])
    text = _geojson_text(dataset, table)
    if fmt == GEOJSON:
        return Download(text.encode("utf-8"), None, name, CONTENT_TYPES[GEOJSON])
    workdir = _workdir()
    try:
        source = workdir / "data.geojson"
        source.write_text(text, encoding="utf-8")
        target = workdir / name
        layer_name = dataset.slug.replace("-", "_")
        _ogr(["-f", "GPKG", str(target), str(source), "-nln", layer_name, "-nlt", "PROMOTE_TO_MULTI"])
        _add_dictionary_table(target, dataset)
        return Download(None, target, name, CONTENT_TYPES[GPKG])
    except Exception:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


XLSX_FORMAT = exporter.ExportFormat("xlsx", "XLSX", "XLSX", "xlsx", CONTENT_TYPES[XLSX], text_dates=True)


def _write_layer(dataset: Dataset, area: Wilayah, fmt: str, name: str) -> Download:
    spec = LAYERS[dataset.layer]
    if fmt == XLSX:
        # GDAL writes the data sheet (streamed from PostGIS) and then appends the two sheets: openpyxl would load
        # the whole workbook into Python (tens of seconds for the 66,000 polygons of a large kecamatan).
        path = exporter.export_layer(spec, area, XLSX_FORMAT)
        try:
            kamus = path.parent / "kamus_data.csv"
            kamus.write_bytes(_csv_bytes([DICTIONARY_HEADER, *dictionary_rows(dataset.dictionary())]))
            about = path.parent / "tentang.csv"
            about.write_bytes(_csv_bytes([[_("butir"), _("isi")], *_about(dataset, area)]))
            _ogr(["-update", "-f", "XLSX", str(path), str(kamus), "-nln", "kamus_data"])
            _ogr(["-update", "-f", "XLSX", str(path), str(about), "-nln", "tentang"])
        except Exception:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        return Download(None, path, name, CONTENT_TYPES[XLSX])
    path = exporter.export_layer(spec, area, exporter.FORMATS[fmt])
    if fmt == GPKG:
        try:
            _add_dictionary_table(path, dataset)
        except Exception:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
    return Download(None, path, name, CONTENT_TYPES[fmt])


def links(area: Wilayah) -> list[dict]:
    """Every dataset with its download links for an area (formats the area's level allows)."""
    from django.urls import reverse

    out = []
    for d in datasets().values():
        allowed = area.level in d.levels
        out.append(
            {
                "dataset": d,
                "allowed": allowed,
                "links": [
                    {
                        "fmt": fmt,
                        "label": FORMAT_LABELS[fmt],
                        "url": reverse("opendata:download", kwargs={"slug": d.slug, "kode": area.kode, "fmt": fmt}),
                    }
                    for fmt in d.formats
                ]
                if allowed
                else [],
                "dictionary_url": reverse("opendata:dataset", kwargs={"slug": d.slug}),
                "sidecar_url": reverse("opendata:dictionary-csv", kwargs={"slug": d.slug}),
            }
        )
    return out

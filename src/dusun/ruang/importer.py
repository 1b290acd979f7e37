"""Importing a layer's features for one village from the GIS files people already have.

The flow, each step a function here (views only orchestrate, `tasks` runs the long steps in the background):

1. `create_job` keeps the upload (size-checked) as an `ImportJob`.
2. `analyse` unpacks it into a private folder (zip-bomb and path-traversal checks first), opens it with
   GDAL/OGR (`django.contrib.gis.gdal`), resolves each layer's CRS to an EPSG code, and streams every feature,
   flattened to 2D and reprojected to EPSG:4326, into a *staging table* (`ruang_importstage_<job id>`, one
   per job, UNLOGGED). PostGIS then judges the whole file in a few set-based statements: validity repair
   (ST_MakeValid), the village boundary (ST_Intersects), overlapping land-cover polygons. Nothing is written
   to the layer tables.
3. `validate_attributes` maps the file's columns onto the layer's attribute schema (suggested, remembered
   from the last import with the same columns, or chosen by the operator) and checks every value.
4. `commit` copies the accepted features into the layer table in ONE transaction (INSERT … SELECT from the
   staging table), recomputes geodesic measures, writes the revision history, records an `ImportBatch` and
   moves the layer's version; any failure rolls all of it back.

Why a staging table rather than keeping features in Python or in the job's JSON: a 50,000-polygon file is
checked by PostGIS with a spatial index in seconds, the preview can page through problem features without
re-reading the file, and the commit is a single INSERT … SELECT. It is created with raw SQL (not a model)
because it lives only as long as the job and has no fixed schema to migrate.

Messages are stored as codes with parameters and rendered when shown (`issue_message`), so they appear in
the reader's language; the Indonesian text is the msgid.
"""

# SQL here is composed only from identifiers the code itself owns (model tables and columns, the staging
# table named after the job's integer id, fixed filter clauses); every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import re
import shutil
import tempfile
import traceback
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, OGRGeometry, SpatialReference
from django.contrib.gis.gdal.error import SRSException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiLineString, MultiPoint, MultiPolygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.encoding import DjangoUnicodeDecodeError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dusun.akun import scope
from dusun.wilayah.models import Level, Wilayah

from . import services
from .geometry_messages import explain_validity, geometry_type_word
from .layers import LAYERS, LayerSpec
from .models import (
    FeatureRevision,
    ImportBatch,
    ImportJob,
    ImportMapping,
    LandCoverSnapshot,
    LayerVersion,
    Legend,
    LegendClass,
)

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------------------
# Limits and formats
# ---------------------------------------------------------------------------------------------------------

# Upload extension → the format we expect inside. ".shp.zip" ends in ".zip" and is handled as a zip.
EXTENSIONS = {
    "geojson": "geojson",
    "json": "geojson",
    "gpkg": "gpkg",
    "zip": "zip",
    "kml": "kml",
    "kmz": "kmz",
    "gpx": "gpx",
    "csv": "csv",
}
FORMAT_LABELS = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shp": "Shapefile",
    "kml": "KML",
    "kmz": "KMZ",
    "gpx": "GPX",
    "csv": "CSV",
    "zip": "ZIP",
}
# The OGR drivers allowed to open each format: a ".csv" that OGR would read as something else is refused.
DRIVERS = {
    "geojson": {"GeoJSON"},
    "gpkg": {"GPKG"},
    "shp": {"ESRI Shapefile"},
    "kml": {"LIBKML", "KML"},
    "gpx": {"GPX"},
    "csv": {"CSV"},
}
# Data files we look for inside a zip (a KMZ is a zip with a KML inside).
ZIPPED_FORMATS = {
    "shp": "shp",
    "geojson": "geojson",
    "json": "geojson",
    "gpkg": "gpkg",
    "kml": "kml",
    "gpx": "gpx",
    "csv": "csv",
}

# Zip-bomb guards. A shapefile set is 4–9 files per layer; a KMZ may carry icons. Real GIS data compresses
# 2–50×, a .dbf with wide empty text columns up to ~100×; a zip of zeros reaches ~1000×.
ZIP_MAX_MEMBERS = 500
ZIP_MAX_RATIO = 250
ZIP_RATIO_MIN_BYTES = 4 * 1024 * 1024  # small members may compress absurdly well without harm
# GPX "route_points"/"track_points" repeat the vertices of routes and tracks as points: never by default.
GPX_DERIVED_LAYERS = {"route_points", "track_points"}
COPY_CHUNK = 5000
ISSUE_SAMPLE = 200  # issues kept in the job's report after the staging table is gone
OVERLAPS_PER_FEATURE = 5
HTML_PATTERN = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|img|a|svg|[a-z][a-z0-9]*\s[^>]*on\w+\s*=)", re.I)

# Column names that usually carry a feature's name (for showing which feature an issue is about).
LABEL_COLUMNS = ("nama", "name", "namobj", "nama_objek", "judul", "title", "label")
CSV_WKT_COLUMNS = ("wkt", "wkt_geom", "geometry", "geom", "the_geom", "geometri")
CSV_LAT_COLUMNS = ("lat", "latitude", "lintang", "y", "ycoord", "y_coord", "lat_dd")
CSV_LON_COLUMNS = ("lon", "lng", "long", "longitude", "bujur", "x", "xcoord", "x_coord", "lon_dd", "long_dd")

# File columns that often hold each attribute, after the export's own column name and the field's name.
SYNONYMS = {
    "name": ("nama", "name", "namobj", "nama_objek", "judul", "title", "label"),
    "source": ("sumber", "source", "sumber_data", "src"),
    "survey_date": ("tgl_survei", "tanggal_survei", "tgl_survey", "tanggal", "tgl", "date", "time", "waktu"),
    "note": ("catatan", "keterangan", "ket", "note", "notes", "remark", "cmt", "description", "desc"),
    "kind": ("jenis", "kind", "tipe", "type", "kategori", "category"),
    "condition": ("kondisi", "condition"),
    "surface": ("permukaan", "surface", "perkerasan", "jenis_perkerasan"),
    "width_m": ("lebar_m", "lebar", "width", "width_m"),
    "description": ("uraian", "deskripsi", "description", "desc", "keterangan"),
    "observed_on": ("tgl_kejadi", "tgl_kejadian", "tanggal_kejadian", "observed_on", "tanggal", "date", "time"),
    "status": ("status",),
    "permit_number": ("no_izin", "no_sk", "nomor_sk", "nomor_izin", "permit_number"),
    "permit_date": ("tgl_izin", "tgl_sk", "tanggal_sk", "tanggal_izin", "permit_date"),
    "holder": ("pemegang", "pengelola", "holder"),
    "use": ("fungsi", "use", "penggunaan", "building"),
    "floors": ("lantai", "jumlah_lantai", "floors", "building_levels", "levels"),
    "number": ("no_persil", "nomor_persil", "nomor", "nib", "number"),
    "land_use": ("guna_lahan", "penggunaan_lahan", "land_use", "landuse"),
    "tenure": ("status_tnh", "status_tanah", "hak", "tenure"),
    "klass": ("kelas", "kode_kelas", "kelas_kode", "class", "kode_pl", "pl", "lc", "kode", "id_kelas"),
}


def max_import_bytes() -> int:
    return int(settings.DUSUN_MAX_IMPORT_BYTES)


def max_unzipped_bytes() -> int:
    """Total uncompressed size allowed inside one zip (default: four times the upload limit)."""
    return int(getattr(settings, "DUSUN_MAX_IMPORT_UNCOMPRESSED_BYTES", 4 * max_import_bytes()))


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


# ---------------------------------------------------------------------------------------------------------
# Messages: codes + parameters, rendered in the reader's language
# ---------------------------------------------------------------------------------------------------------

FILE_MESSAGES = {
    "empty_file": gettext_lazy("Berkas “%(name)s” kosong (0 bita). Unggah ulang berkas yang berisi data."),
    "too_large": gettext_lazy(
        "Berkas %(size)s melebihi batas unggah %(limit)s. Pecah data per lapisan atau per wilayah, "
        "atau kompres Shapefile/GeoJSON dalam .zip."
    ),
    "bad_extension": gettext_lazy(
        "Jenis berkas “.%(ext)s” tidak didukung. Gunakan GeoJSON (.geojson/.json), GeoPackage (.gpkg), "
        "Shapefile dalam .zip, KML/KMZ, GPX, atau CSV."
    ),
    "content_mismatch": gettext_lazy(
        "Berkas “%(name)s” berekstensi .%(ext)s, tetapi isinya %(actual)s. Pastikan berkas yang dipilih "
        "benar; jika isinya memang %(actual)s, simpan ulang dalam format yang sesuai ekstensinya."
    ),
    "zip_corrupt": gettext_lazy(
        "Arsip ZIP “%(name)s” rusak atau tidak dapat dibaca (%(detail)s). Buat ulang zip-nya lalu unggah lagi."
    ),
    "zip_empty": gettext_lazy("Arsip ZIP “%(name)s” tidak berisi berkas apa pun."),
    "zip_too_many": gettext_lazy(
        "Arsip ZIP berisi %(count)s berkas; paling banyak %(max)s. Zip hanya berkas data yang akan diimpor."
    ),
    "zip_too_big": gettext_lazy(
        "Isi arsip ZIP jika dibuka berukuran %(size)s, melebihi batas %(limit)s. Arsip seperti ini ditolak "
        "demi keamanan server (bom zip); pecah datanya menjadi beberapa berkas."
    ),
    "zip_ratio": gettext_lazy(
        "Berkas “%(member)s” di dalam ZIP memampat %(ratio)s kali (%(size)s jika dibuka). Data GIS asli tidak "
        "memampat sebesar itu; arsip ditolak demi keamanan (bom zip)."
    ),
    "zip_unsafe_path": gettext_lazy(
        "Arsip ZIP berisi nama berkas yang tidak aman: “%(member)s” (jalur absolut, “..”, atau tautan). "
        "Buat ulang zip hanya dari berkas datanya."
    ),
    "zip_encrypted": gettext_lazy("Berkas “%(member)s” di dalam ZIP dikunci sandi. Buat zip tanpa sandi."),
    "zip_no_data": gettext_lazy(
        "Arsip ZIP tidak berisi berkas data yang dikenali (.shp, .geojson, .gpkg, .kml, .gpx, .csv). "
        "Isinya: %(members)s."
    ),
    "zip_many_data": gettext_lazy(
        "Arsip ZIP berisi beberapa berkas data (%(members)s). Unggah satu per satu, atau zip hanya satu berkas."
    ),
    "kmz_no_kml": gettext_lazy("Berkas KMZ tidak berisi dokumen .kml. Ekspor ulang dari Google Earth atau QGIS."),
    "shp_missing": gettext_lazy(
        "Shapefile “%(shp)s” tidak lengkap: berkas %(missing)s tidak ada di dalam zip. Shapefile terdiri "
        "dari beberapa berkas bernama sama (.shp, .shx, .dbf, .prj); zip semuanya bersama-sama."
    ),
    "gdal_open": gettext_lazy(
        "GDAL tidak dapat membaca “%(name)s” sebagai %(format)s: %(detail)s. Berkas mungkin rusak atau "
        "terpotong saat diunduh; ekspor ulang dari aplikasi asalnya."
    ),
    "wrong_driver": gettext_lazy(
        "“%(name)s” terbaca sebagai %(driver)s, bukan %(format)s. Periksa ekstensi dan isi berkas."
    ),
    "no_layers": gettext_lazy("Berkas tidak berisi lapisan vektor (hanya raster atau tabel kosong)."),
    "no_features": gettext_lazy("Berkas tidak berisi satu fitur pun. Periksa apakah lapisan yang benar diekspor."),
    "no_compatible_layers": gettext_lazy(
        "Tidak ada lapisan berisi geometri yang diterima lapisan %(layer)s (%(accepted)s). Lapisan di "
        "berkas: %(found)s."
    ),
    "no_selected_layers": gettext_lazy("Pilih sedikitnya satu lapisan sumber."),
    "crs_missing": gettext_lazy(
        "Lapisan “%(layer)s” tidak menyimpan sistem koordinat (CRS), jadi letaknya tidak dapat dipastikan. %(hint)s"
    ),
    "crs_unknown": gettext_lazy(
        "Sistem koordinat lapisan “%(layer)s” (%(crs)s) tidak dapat dicocokkan dengan kode EPSG. Simpan ulang "
        "berkas dengan CRS ber-kode EPSG (mis. EPSG:4326 WGS 84, EPSG:32747/32748 UTM 47S/48S), atau isi "
        "kode EPSG saat mengunggah."
    ),
    "crs_transform": gettext_lazy(
        "Sistem koordinat EPSG:%(epsg)s lapisan “%(layer)s” tidak dapat diubah ke WGS 84 (EPSG:4326)."
    ),
    "csv_no_geometry": gettext_lazy(
        "CSV tidak punya kolom koordinat. Sediakan kolom lintang dan bujur (mis. “lat” dan “lon”, "
        "“lintang” dan “bujur”) atau kolom “WKT”. Kolom yang ada: %(columns)s."
    ),
    "encoding": gettext_lazy(
        "Teks di berkas bukan UTF-8 dan tidak dapat dibaca. Simpan ulang sebagai UTF-8 (di Excel: “CSV UTF-8”)."
    ),
    "not_editable": gettext_lazy("Anda tidak berwenang mengimpor data %(area)s."),
    "internal": gettext_lazy(
        "Terjadi kesalahan tak terduga saat memproses berkas (kode %(ref)s). Data tidak berubah. Coba lagi; "
        "jika berulang, kirim kode ini kepada admin kabupaten."
    ),
    "commit_failed": gettext_lazy(
        "Penyimpanan gagal karena kesalahan sistem dan dibatalkan seluruhnya; tidak ada data yang berubah. "
        "Coba simpan lagi; bila gagal lagi, hubungi admin dan sebutkan kode %(ref)s."
    ),
}

CRS_HINTS = {
    "shp": gettext_lazy(
        "Sertakan berkas .prj Shapefile di dalam zip (QGIS menulisnya otomatis), atau isi kode EPSG saat mengunggah."
    ),
    "default": gettext_lazy("Simpan ulang berkas dengan CRS, atau isi kode EPSG saat mengunggah."),
}

NOTE_MESSAGES = {
    "csv_wgs84": gettext_lazy(
        "CSV tidak menyimpan sistem koordinat; koordinatnya dibaca sebagai WGS 84 (EPSG:4326, derajat desimal). "
        "Jika bukan, unggah ulang dengan kode EPSG yang benar."
    ),
    "crs_given": gettext_lazy(
        "Sistem koordinat lapisan “%(layer)s” diambil dari kode EPSG yang Anda isi: EPSG:%(epsg)s."
    ),
    "crs_ignored": gettext_lazy(
        "Kode EPSG:%(given)s yang Anda isi diabaikan untuk lapisan “%(layer)s”, karena berkas sudah menyatakan "
        "EPSG:%(epsg)s."
    ),
    "reprojected": gettext_lazy("Lapisan “%(layer)s” diubah dari %(crs)s (EPSG:%(epsg)s) ke WGS 84 (EPSG:4326)."),
    "cp1252": gettext_lazy(
        "Teks berkas bukan UTF-8; dibaca sebagai Windows-1252. Periksa huruf beraksen di pratinjau."
    ),
    "no_boundary": gettext_lazy("%(area)s belum punya batas wilayah; letak fitur tidak dapat diperiksa."),
    "remembered": gettext_lazy("Pemetaan kolom diambil dari impor sebelumnya dengan kolom yang sama."),
    "layers_skipped": gettext_lazy("Lapisan tidak diimpor (bisa dipilih di bawah): %(layers)s."),
}

ISSUE_MESSAGES = {
    "no_geometry": gettext_lazy("Fitur tidak punya geometri. Gambar geometrinya atau hapus fitur ini dari berkas."),
    "geometry_unreadable": gettext_lazy(
        "Geometri rusak dan tidak dapat dibaca (%(detail)s). Perbaiki di QGIS (Vektor › Alat Geometri › "
        "Perbaiki Geometri) lalu ekspor ulang."
    ),
    "wkt_empty": gettext_lazy(
        "Kolom “%(column)s” kosong, jadi baris ini tidak punya geometri. Isi WKT-nya atau hapus barisnya."
    ),
    "wkt_invalid": gettext_lazy(
        "WKT “%(value)s” di kolom “%(column)s” tidak sah. Tulis geometri sebagai WKT, mis. POINT (102.05 -1.45)."
    ),
    "latlon_missing": gettext_lazy(
        "Lintang/bujur kosong (kolom “%(lat)s”, “%(lon)s”). Isi koordinatnya atau hapus barisnya."
    ),
    "latlon_invalid": gettext_lazy(
        "Lintang “%(lat)s” atau bujur “%(lon)s” bukan angka. Tulis derajat desimal, mis. -1.4523 dan 102.1234 "
        "(bukan derajat-menit-detik)."
    ),
    "out_of_range": gettext_lazy(
        "Koordinat di luar jangkauan (x %(x)s, y %(y)s): bujur harus -180…180 dan lintang -90…90. %(hint)s"
    ),
    "transform_failed": gettext_lazy(
        "Koordinat tidak dapat diubah dari EPSG:%(epsg)s ke WGS 84. Periksa sistem koordinat berkas."
    ),
    "flattened": gettext_lazy("Koordinat %(dims)s: nilai %(dims)s dibuang, fitur disimpan 2D."),
    "wrong_type": gettext_lazy(
        "Tipe geometri %(type)s tidak diterima lapisan %(layer)s (diterima: %(accepted)s). Impor fitur ini ke "
        "lapisan yang sesuai, atau ubah tipenya di QGIS."
    ),
    "single_part": gettext_lazy("%(source)s berisi satu bagian; disimpan sebagai %(target)s."),
    "collection": gettext_lazy("GeometryCollection berisi satu jenis geometri; disimpan sebagai %(target)s."),
    "empty_geometry": gettext_lazy("Geometri kosong (tanpa koordinat). Gambar ulang atau hapus fitur ini."),
    "repaired": gettext_lazy(
        "Geometri tidak sah (%(reason)s) dan sudah diperbaiki otomatis dengan ST_MakeValid. Periksa bentuknya "
        "di peta setelah disimpan."
    ),
    "repair_failed": gettext_lazy(
        "Geometri tidak sah (%(reason)s); perbaikan otomatis mengubahnya menjadi %(result)s, jadi fitur ditolak. "
        "Perbaiki bentuknya di berkas sumber (QGIS: Perbaiki Geometri)."
    ),
    "outside": gettext_lazy(
        "Fitur berada di luar batas %(area)s (sekitar %(distance)s dari batasnya). Periksa sistem koordinat "
        "berkas, atau impor fitur ini ke %(word)s tempatnya berada."
    ),
    "overlap_file": gettext_lazy(
        "Tumpang tindih %(area)s m² dengan %(other)s di berkas ini; luasnya akan terhitung dua kali. Rapikan "
        "batas poligon di berkas sumber."
    ),
    "overlap_existing": gettext_lazy(
        "Tumpang tindih %(area)s m² dengan poligon tutupan lahan #%(id)s yang sudah tersimpan di potret ini "
        "(%(village)s)."
    ),
    "required_empty": gettext_lazy(
        "%(field)s wajib diisi, tetapi kolom “%(column)s” kosong. Isi di berkas, atau pilih nilai tetap pada "
        "pemetaan kolom."
    ),
    "invalid_choice": gettext_lazy(
        "Nilai “%(value)s” di kolom “%(column)s” bukan pilihan %(field)s yang dikenal (pilihan: %(choices)s). "
        "Perbaiki nilainya atau pilih kolom lain."
    ),
    "unknown_class": gettext_lazy(
        "Kelas “%(value)s” di kolom “%(column)s” tidak ada di legenda %(legend)s. Pakai kode kelas legenda itu."
    ),
    "invalid_value": gettext_lazy("%(field)s: nilai “%(value)s” di kolom “%(column)s” tidak sah (%(detail)s)."),
    "html_text": gettext_lazy(
        "Kolom “%(column)s” berisi markah HTML atau skrip; disimpan sebagai teks biasa dan tidak pernah dijalankan."
    ),
}

RANGE_HINTS = {
    "swapped": gettext_lazy("Kolom lintang dan bujur tampaknya tertukar."),
    "metres": gettext_lazy(
        "Angkanya tampak seperti meter (mis. UTM), padahal berkas menyatakan derajat: CRS berkas salah atau "
        "hilang; perbaiki CRS/.prj-nya."
    ),
    "none": "",
}

LEVEL_LABELS = {
    "error": gettext_lazy("Ditolak"),
    "warning": gettext_lazy("Peringatan"),
    "info": gettext_lazy("Info"),
}


class ImportRefused(Exception):
    """The file (as a whole) cannot be imported; `code`/`params` say why, for the operator."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        return file_message(self.code, self.params)


def _fmt_params(params: dict) -> dict:
    """Numbers in the reader's format (1.234,5 in Bahasa)."""
    out = {}
    for key, value in params.items():
        if isinstance(value, float):
            out[key] = number_format(value, decimal_pos=1 if abs(value) < 100 else 0, use_l10n=True)
        else:
            out[key] = value
    return out


def file_message(code: str, params: dict | None = None) -> str:
    params = dict(params or {})
    if code == "crs_missing":
        params["hint"] = str(CRS_HINTS.get(params.get("hint", "default"), CRS_HINTS["default"]))
    elif code == "commit_failed":
        params.setdefault("ref", "—")  # reports written before the reference code was kept on its own
    template = FILE_MESSAGES.get(code) or NOTE_MESSAGES.get(code)
    if template is None:
        return code
    return str(template) % _fmt_params(params)


def location(report: dict, src_layer: str, src_n: int) -> str:
    """Where a feature is in the file, in the words an operator can look it up with."""
    if report.get("format") == "csv":
        return _("baris %(row)s") % {"row": src_n + 1}  # + the header line
    if report.get("multi_layer"):
        return _("lapisan “%(layer)s”, fitur ke-%(n)s") % {"layer": src_layer, "n": src_n}
    return _("fitur ke-%(n)s") % {"n": src_n}


def issue_message(issue: dict, report: dict) -> str:
    code = issue.get("code", "")
    params = dict(issue.get("params") or {})
    if code == "out_of_range":
        params["hint"] = str(RANGE_HINTS.get(params.get("hint", "none"), ""))
    elif code == "outside":
        distance = params.get("distance_m")
        if distance is None:
            params["distance"] = "?"
        elif distance >= 1000:
            params["distance"] = f"{number_format(distance / 1000, decimal_pos=1, use_l10n=True)} km"
        else:
            params["distance"] = f"{number_format(distance, decimal_pos=0, use_l10n=True)} m"
        params.setdefault("word", settings.DUSUN_VILLAGE_WORD.lower())
    elif code == "overlap_file":
        params["other"] = location(report, params.get("other_layer", ""), params.get("other_n", 0))
    elif code in ("repaired", "repair_failed"):
        # PostGIS gives the reason in English ("Self-intersection[lon lat]"): the editor's words instead.
        params["reason"] = explain_validity(str(params.get("reason", "")))[0]
        if "result" in params:
            params["result"] = geometry_type_word(str(params["result"]))
    template = ISSUE_MESSAGES.get(code)
    if template is None:
        return code
    try:
        return (str(template) % _fmt_params(params)).strip()
    except (KeyError, TypeError, ValueError):  # a report written by an older version: show the code
        return code


def _issue(code: str, level: str, **params) -> dict:
    return {"code": code, "level": level, "params": params}


def _short(value, limit: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------------------
# 1. The upload becomes a job
# ---------------------------------------------------------------------------------------------------------


def check_can_import(user, dusun: Wilayah) -> None:
    if dusun.level != Level.DESA:
        raise PermissionDenied(
            _("Impor hanya untuk satu %(word)s: buka halaman %(word)s yang datanya akan diimpor.")
            % {"word": settings.DUSUN_VILLAGE_WORD.lower()}
        )
    if not scope.can_edit(user, dusun):
        raise PermissionDenied(file_message("not_editable", {"area": str(dusun)}))


def create_job(
    *,
    user,
    dusun: Wilayah,
    layer: str,
    upload: UploadedFile,
    snapshot: LandCoverSnapshot | None = None,
    new_snapshot: dict | None = None,
    crs_epsg: int | None = None,
) -> ImportJob:
    """Keep the uploaded file as a job waiting for analysis. Refuses what can be refused without opening it:
    wrong permission, unknown layer or extension, empty or oversized file."""
    check_can_import(user, dusun)
    spec = LAYERS[layer]
    filename = Path(upload.name or "berkas").name[:255]
    ext = extension_of(filename)
    if ext not in EXTENSIONS:
        raise ImportRefused("bad_extension", ext=ext or "?")
    if upload.size == 0:
        raise ImportRefused("empty_file", name=filename)
    if upload.size > max_import_bytes():
        raise ImportRefused("too_large", size=filesizeformat(upload.size), limit=filesizeformat(max_import_bytes()))
    if spec.slug == "tutupan-lahan" and snapshot is None and not new_snapshot:
        raise ValidationError(_("Impor tutupan lahan memerlukan potret (tahun dan legenda)."))
    # Housekeeping without a scheduler: each new upload clears the staging tables and files of imports
    # abandoned for a week (no periodic task runner is required to deploy).
    purge_stale_jobs()
    job = ImportJob(
        layer=spec.slug,
        dusun=dusun,
        snapshot=snapshot if spec.slug == "tutupan-lahan" else None,
        user=user,
        filename=filename,
        status=ImportJob.Status.UPLOADED,
        report={
            "options": {
                "crs_epsg": crs_epsg,
                "layers": None,
                "new_snapshot": new_snapshot if spec.slug == "tutupan-lahan" and snapshot is None else None,
            }
        },
    )
    # A generated name: the original (shown to people) may hold anything; the stored one must be harmless.
    job.upload.save(f"{uuid.uuid4().hex}.{ext}", upload, save=False)
    job.save()
    return job


# ---------------------------------------------------------------------------------------------------------
# 2. Opening the file safely with GDAL
# ---------------------------------------------------------------------------------------------------------


def _sniff(path: Path) -> str:
    """What a file looks like inside, whatever its name says."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError):
            return "zip"
        if "[Content_Types].xml" in names:
            return "xlsx" if any(n.startswith("xl/") for n in names) else "office"
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "office"
    if b"\x00" in head:
        return "binary"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    lower = text[:4096].lower()
    if text.startswith((b"{", b"[")):
        return "json"
    if text.startswith(b"<"):
        if b"<kml" in lower:
            return "kml"
        if b"<gpx" in lower:
            return "gpx"
        if b"<html" in lower or b"<!doctype html" in lower:
            return "html"
        return "xml"
    return "text"


SNIFF_LABELS = {
    "empty": gettext_lazy("kosong"),
    "zip": gettext_lazy("arsip ZIP"),
    "xlsx": gettext_lazy("lembar kerja Excel (.xlsx) — simpan sebagai CSV UTF-8"),
    "office": gettext_lazy("dokumen Microsoft Office"),
    "sqlite": gettext_lazy("basis data SQLite/GeoPackage"),
    "pdf": gettext_lazy("dokumen PDF"),
    "binary": gettext_lazy("data biner yang tidak dikenal"),
    "json": gettext_lazy("JSON"),
    "kml": gettext_lazy("KML"),
    "gpx": gettext_lazy("GPX"),
    "html": gettext_lazy("halaman web (HTML)"),
    "xml": gettext_lazy("XML yang bukan KML/GPX"),
    "text": gettext_lazy("teks biasa/CSV"),
}
EXPECTED_CONTENT = {
    "geojson": {"json"},
    "gpkg": {"sqlite"},
    "zip": {"zip"},
    "kmz": {"zip"},
    "kml": {"kml"},
    "gpx": {"gpx"},
    "csv": {"text"},
}


def _check_content(path: Path, name: str, ext: str, kind: str) -> None:
    actual = _sniff(path)
    if actual == "empty":
        raise ImportRefused("empty_file", name=name)
    if actual not in EXPECTED_CONTENT[kind]:
        raise ImportRefused("content_mismatch", name=name, ext=ext, actual=str(SNIFF_LABELS[actual]))


def _safe_member_path(name: str) -> PurePosixPath | None:
    """The member's path if it stays inside the extraction folder, else None."""
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return None
    path = PurePosixPath(name)
    if any(part in ("..", "") for part in path.parts) or ":" in path.parts[0]:
        return None
    return path


def safe_extract(zip_path: Path, dest: Path, display_name: str) -> list[Path]:
    """Unpack a zip into `dest` after refusing bombs and path tricks; return the extracted files.

    Declared sizes are checked before anything is written, then the bytes actually inflated are counted
    while writing (a member may lie about its size)."""
    limit = max_unzipped_bytes()
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportRefused("zip_corrupt", name=display_name, detail=str(exc)) from None
    with zf:
        infos = zf.infolist()
        members = [i for i in infos if not i.is_dir()]
        if len(infos) > ZIP_MAX_MEMBERS:
            raise ImportRefused("zip_too_many", count=len(infos), max=ZIP_MAX_MEMBERS)
        if not members:
            raise ImportRefused("zip_empty", name=display_name)
        declared = sum(i.file_size for i in members)
        if declared > limit:
            raise ImportRefused("zip_too_big", size=filesizeformat(declared), limit=filesizeformat(limit))
        wanted = []
        for info in members:
            rel = _safe_member_path(info.filename)
            is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
            if rel is None or is_link:
                raise ImportRefused("zip_unsafe_path", member=_short(info.filename))
            if info.flag_bits & 0x1:
                raise ImportRefused("zip_encrypted", member=_short(info.filename))
            if info.file_size > ZIP_RATIO_MIN_BYTES:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > ZIP_MAX_RATIO:
                    raise ImportRefused(
                        "zip_ratio",
                        member=_short(info.filename),
                        ratio=f"{ratio:,.0f}".replace(",", "."),
                        size=filesizeformat(info.file_size),
                    )
            # Resource forks and OS litter carry no data.
            if rel.parts[0] == "__MACOSX" or rel.name.startswith("._") or rel.name in {".DS_Store", "Thumbs.db"}:
                continue
            wanted.append((info, rel))

        written_total = 0
        extracted = []
        root = dest.resolve()
        for info, rel in wanted:
            target = (dest / Path(*rel.parts)).resolve()
            if root not in target.parents:
                raise ImportRefused("zip_unsafe_path", member=_short(info.filename))
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with zf.open(info) as src, target.open("wb") as out:
                    while chunk := src.read(1024 * 1024):
                        written += len(chunk)
                        written_total += len(chunk)
                        if written > info.file_size or written_total > limit:
                            raise ImportRefused(
                                "zip_too_big", size=filesizeformat(written_total), limit=filesizeformat(limit)
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError, RuntimeError) as exc:
                raise ImportRefused("zip_corrupt", name=display_name, detail=str(exc)) from None
            extracted.append(target)
    return extracted


@contextlib.contextmanager
def _gdal_messages():
    """Collect what GDAL reports while a file is opened (GeoDjango logs GDAL's errors and warnings)."""
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record):
            # GeoDjango passes GDAL's message as bytes ("GDAL_ERROR %d: %s"): decode it, or the operator
            # reads b'…' in the report.
            args = record.args
            if isinstance(args, tuple):
                args = tuple(a.decode("utf-8", "replace") if isinstance(a, bytes) else a for a in args)
            messages.append(str(record.msg) % args if args else str(record.msg))

    handler = Collector(level=logging.DEBUG)
    gis_logger = logging.getLogger("django.contrib.gis")
    gis_logger.addHandler(handler)
    try:
        yield messages
    finally:
        gis_logger.removeHandler(handler)


@dataclass
class SourceLayer:
    """One layer of the uploaded file, opened and with its CRS resolved."""

    ds: DataSource
    index: int
    name: str
    fmt: str
    path: Path
    count: int
    geom_type: str
    fields: list[str]
    epsg: int | None = None
    crs_name: str = ""
    transform: CoordTransform | None = None
    geographic: bool = True
    csv_geometry: tuple | None = None

    @property
    def layer(self):
        return self.ds[self.index]


@dataclass
class OpenedFile:
    fmt: str
    layers: list[SourceLayer]
    notes: list[dict] = field(default_factory=list)


def _open_datasource(path: Path, fmt: str, display_name: str, encoding: str = "utf-8") -> DataSource:
    with _gdal_messages() as messages:
        try:
            ds = DataSource(str(path), encoding=encoding)
        except GDALException as exc:
            detail = "; ".join(m.split(": ", 1)[-1] for m in messages) or str(exc)
            raise ImportRefused(
                "gdal_open", name=display_name, format=FORMAT_LABELS[fmt], detail=_short(detail, 200)
            ) from None
        # A GeoJSON "crs" member naming an unknown system makes GDAL fall back to WGS 84 with only a
        # warning; that would place the data silently wrong, so it is refused here.
        crs_trouble = [m for m in messages if re.search(r"\bcrs\b|proj_|\bSRS\b|spatial reference", m, re.I)]
        if crs_trouble:
            raise ImportRefused("crs_unknown", layer=display_name, crs=_short(crs_trouble[0].split(": ", 1)[-1], 120))
    if ds.driver.name not in DRIVERS[fmt]:
        raise ImportRefused("wrong_driver", name=display_name, driver=ds.driver.name, format=FORMAT_LABELS[fmt])
    return ds


def _data_files(files: list[Path], workdir: Path) -> tuple[str, list[Path]]:
    """Which files of an unpacked zip hold the data, and in which format."""
    by_ext: dict[str, list[Path]] = {}
    for path in files:
        by_ext.setdefault(path.suffix.lower().lstrip("."), []).append(path)
    if by_ext.get("shp"):
        shps = sorted(by_ext["shp"])
        for shp in shps:
            siblings = {p.suffix.lower(): p for p in shp.parent.iterdir() if p.stem == shp.stem}
            missing = [ext for ext in (".shx", ".dbf") if ext not in siblings]
            if missing:
                raise ImportRefused("shp_missing", shp=shp.name, missing=", ".join(shp.stem + m for m in missing))
        return "shp", shps
    data = [p for ext, paths in by_ext.items() if ext in ZIPPED_FORMATS and ext != "shp" for p in paths]
    if not data:
        names = ", ".join(sorted(str(p.relative_to(workdir)) for p in files)[:10])
        raise ImportRefused("zip_no_data", members=_short(names, 200))
    if len(data) > 1:
        raise ImportRefused("zip_many_data", members=_short(", ".join(p.name for p in data), 200))
    return ZIPPED_FORMATS[data[0].suffix.lower().lstrip(".")], data


def open_upload(job: ImportJob, workdir: Path) -> OpenedFile:
    """Copy or unpack the upload into `workdir` and open every layer with OGR (CRS not yet resolved)."""
    ext = extension_of(job.filename)
    kind = EXTENSIONS.get(ext)
    if kind is None:
        raise ImportRefused("bad_extension", ext=ext or "?")
    stored = Path(job.upload.path)
    _check_content(stored, job.filename, ext, kind)

    if kind in ("zip", "kmz"):
        files = safe_extract(stored, workdir / "isi", job.filename)
        if kind == "kmz":
            # Google Earth puts everything in doc.kml; GDAL's LIBKML writes one .kml per layer beside it.
            kmls = sorted((p for p in files if p.suffix.lower() == ".kml"), key=lambda p: (p.name != "doc.kml", p))
            if not kmls:
                raise ImportRefused("kmz_no_kml")
            fmt, paths = "kml", kmls
        else:
            fmt, paths = _data_files(files, workdir / "isi")
        for path in paths:
            if fmt != "shp":
                _check_content(path, path.name, path.suffix.lower().lstrip("."), "geojson" if fmt == "geojson" else fmt)
    else:
        # GDAL only ever sees a private folder holding a copy under a fixed, harmless name (decision 0002).
        fmt = kind
        target = workdir / f"sumber.{'geojson' if fmt == 'geojson' else fmt}"
        try:
            target.hardlink_to(stored)
        except OSError:
            shutil.copyfile(stored, target)
        paths = [target]

    opened = OpenedFile(fmt=fmt, layers=[])
    for path in paths:
        display = path.name if len(paths) > 1 or fmt == "shp" else job.filename
        ds = _open_datasource(path, fmt, display)
        if fmt == "csv":
            ds = _csv_encoding(ds, path, display, opened)
        for index, layer in enumerate(ds):
            name = layer.name
            if fmt == "shp":
                name = path.stem
            elif name == "sumber":  # our private copy's name: show the operator's file name instead
                name = Path(job.filename).stem
            opened.layers.append(
                SourceLayer(
                    ds=ds,
                    index=index,
                    name=name,
                    fmt=fmt,
                    path=path,
                    count=len(layer),
                    geom_type=layer.geom_type.name,
                    fields=list(layer.fields),
                )
            )
    if not opened.layers:
        raise ImportRefused("no_layers")
    return opened


def _csv_encoding(ds: DataSource, path: Path, display: str, opened: OpenedFile) -> DataSource:
    """Spreadsheet programs on Windows write CSV in Windows-1252; read it as such (and say so)."""
    try:
        for layer in ds:
            for feature in layer:
                for i in range(feature.num_fields):
                    feature[i].value  # noqa: B018 (decoding every value is the check)
    except (DjangoUnicodeDecodeError, UnicodeDecodeError):
        opened.notes.append({"code": "cp1252", "params": {}})
        return _open_datasource(path, "csv", display, encoding="cp1252")
    return ds


def _epsg_of(srs: SpatialReference) -> int | None:
    """The EPSG code of a layer's CRS, identifying it from its definition when it carries none."""
    try:
        name, code = srs.auth_name(None), srs.auth_code(None)
    except (GDALException, SRSException):
        name, code = None, None
    if name == "OGC" and code == "CRS84":
        return 4326  # WGS 84 with longitude first, which is how we read every axis anyway
    if name == "EPSG" and code and code.isdigit():
        # WGS 84 3D (what GDAL reports for a GeoJSON with heights) is WGS 84 once the heights are dropped.
        return 4326 if int(code) == 4979 else int(code)
    try:
        clone = srs.clone()
        clone.identify_epsg()
        if clone.auth_name(None) == "EPSG" and (clone.auth_code(None) or "").isdigit():
            return int(clone.auth_code(None))
    except (GDALException, SRSException):  # "Unsupported SRS": nothing in the EPSG registry matches
        return None
    return None


def resolve_crs(source: SourceLayer, override_epsg: int | None, notes: list[dict]) -> None:
    """Decide the layer's CRS (an EPSG code, or refuse) and prepare the transformation to EPSG:4326."""
    with _gdal_messages() as messages:
        srs = source.layer.srs
    if srs is None and (messages or (source.fmt == "shp" and source.path.with_suffix(".prj").exists())):
        # A .prj (or CRS definition) exists but GDAL could not make sense of it.
        detail = messages[0].split(": ", 1)[-1] if messages else ".prj"
        raise ImportRefused("crs_unknown", layer=source.name, crs=_short(detail, 120))
    epsg = None
    if source.fmt == "csv":
        epsg = override_epsg or 4326
        if not override_epsg:
            notes.append({"code": "csv_wgs84", "params": {}})
        else:
            notes.append({"code": "crs_given", "params": {"layer": source.name, "epsg": override_epsg}})
    elif srs is None:
        if not override_epsg:
            raise ImportRefused("crs_missing", layer=source.name, hint="shp" if source.fmt == "shp" else "default")
        epsg = override_epsg
        notes.append({"code": "crs_given", "params": {"layer": source.name, "epsg": override_epsg}})
    else:
        epsg = _epsg_of(srs)
        if epsg is None:
            raise ImportRefused("crs_unknown", layer=source.name, crs=_short(srs.name or "?", 120))
        if override_epsg and override_epsg != epsg:
            notes.append(
                {"code": "crs_ignored", "params": {"layer": source.name, "given": override_epsg, "epsg": epsg}}
            )
    try:
        source_srs = SpatialReference(epsg)
        wgs84 = SpatialReference(4326)
        source.transform = None if epsg == 4326 else CoordTransform(source_srs, wgs84)
    except (GDALException, SRSException):
        raise ImportRefused("crs_transform", layer=source.name, epsg=epsg) from None
    source.epsg = epsg
    source.crs_name = source_srs.name or f"EPSG:{epsg}"
    source.geographic = bool(source_srs.geographic)
    if source.transform is not None:
        notes.append({"code": "reprojected", "params": {"layer": source.name, "crs": source.crs_name, "epsg": epsg}})


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")


def _csv_geometry_columns(source: SourceLayer) -> tuple:
    by_norm = {_norm(c): c for c in source.fields}
    for candidate in CSV_WKT_COLUMNS:
        if candidate in by_norm:
            return ("wkt", by_norm[candidate])
    lat = next((by_norm[c] for c in CSV_LAT_COLUMNS if c in by_norm), None)
    lon = next((by_norm[c] for c in CSV_LON_COLUMNS if c in by_norm), None)
    if lat and lon:
        return ("latlon", lat, lon)
    raise ImportRefused("csv_no_geometry", columns=_short(", ".join(source.fields) or "-", 200))


def _accepts(spec: LayerSpec, geom_type: str, strict: bool = True) -> bool:
    """Whether a layer takes this OGR layer-level geometry type (Unknown = mixed, decided per feature).

    Not strict: also a multi type whose single type the layer takes (single-part features are converted)."""
    base = geom_type.replace("25D", "").rstrip("ZM") if geom_type != "None" else geom_type
    if base in ("Unknown", "GeometryCollection") or base in spec.geometry_types:
        return True
    return not strict and base.startswith("Multi") and base.replace("Multi", "") in spec.geometry_types


def choose_layers(spec: LayerSpec, opened: OpenedFile, wanted: list[str] | None) -> list[SourceLayer]:
    """The layers to import: those the operator picked, else every non-empty one of a fitting type."""
    if not any(s.count for s in opened.layers):
        raise ImportRefused("no_features")
    if wanted is not None:
        chosen = [s for s in opened.layers if s.name in wanted and s.count]
        if not chosen:
            raise ImportRefused("no_selected_layers")
        return chosen
    candidates = [s for s in opened.layers if s.count and not (s.fmt == "gpx" and s.name in GPX_DERIVED_LAYERS)]
    # Layers of exactly the right type first (GPX waypoints for points, not tracks); else convertible ones.
    chosen = [s for s in candidates if s.fmt == "csv" or _accepts(spec, s.geom_type)]
    if not chosen:
        chosen = [s for s in candidates if _accepts(spec, s.geom_type, strict=False)]
    if not chosen:
        found = ", ".join(f"{s.name} ({s.geom_type}, {s.count})" for s in opened.layers if s.count)
        raise ImportRefused(
            "no_compatible_layers", layer=str(spec.title), accepted=", ".join(spec.geometry_types), found=found
        )
    skipped = [s.name for s in opened.layers if s.count and s not in chosen]
    if skipped:
        opened.notes.append({"code": "layers_skipped", "params": {"layers": ", ".join(skipped)}})
    return chosen


# ---------------------------------------------------------------------------------------------------------
# 3. Reading features into the staging table
# ---------------------------------------------------------------------------------------------------------


def stage_table(job: ImportJob | int) -> str:
    pk = job if isinstance(job, int) else job.pk
    return f"ruang_importstage_{int(pk)}"


def _stage_exists(job: ImportJob) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [stage_table(job)])
        return bool(cursor.fetchone()[0])


def drop_stage(job: ImportJob) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage_table(job)}")


def _create_stage(job: ImportJob) -> str:
    table = stage_table(job)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        # UNLOGGED: scratch data that is re-created from the upload if the server crashes.
        cursor.execute(
            f"""CREATE UNLOGGED TABLE {table} (
                n integer PRIMARY KEY,
                src_layer text NOT NULL,
                src_n integer NOT NULL,
                label text NOT NULL DEFAULT '',
                geom geometry(Geometry, 4326),
                props jsonb NOT NULL,
                issues jsonb NOT NULL DEFAULT '[]',
                rejected boolean NOT NULL DEFAULT false,
                attrs jsonb,
                attr_issues jsonb NOT NULL DEFAULT '[]',
                attr_error boolean NOT NULL DEFAULT false
            )"""
        )
    return table


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None  # binary columns are not attributes anyone maps
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _parse_number(text: str) -> float:
    """A decimal number as people type it: 102.05, or 102,05 from an Indonesian spreadsheet."""
    text = text.strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _csv_geometry(source: SourceLayer, props: dict, issues: list) -> OGRGeometry | None:
    mode = source.csv_geometry
    if mode[0] == "wkt":
        column = mode[1]
        text = str(props.pop(column, "") or "").strip()
        if not text:
            issues.append(_issue("wkt_empty", "error", column=column))
            return None
        try:
            return OGRGeometry(text)
        except (GDALException, ValueError, TypeError):
            issues.append(_issue("wkt_invalid", "error", column=column, value=_short(text, 80)))
            return None
    _mode, lat_col, lon_col = mode
    lat_text = str(props.pop(lat_col, "") or "").strip()
    lon_text = str(props.pop(lon_col, "") or "").strip()
    if not lat_text or not lon_text:
        issues.append(_issue("latlon_missing", "error", lat=lat_col, lon=lon_col))
        return None
    try:
        lat, lon = _parse_number(lat_text), _parse_number(lon_text)
    except ValueError:
        issues.append(_issue("latlon_invalid", "error", lat=_short(lat_text, 30), lon=_short(lon_text, 30)))
        return None
    return OGRGeometry(f"POINT ({lon!r} {lat!r})")


def _range_hint(x: float, y: float, geographic: bool) -> str:
    if not geographic:
        return "none"
    if abs(x) <= 90 < abs(y) <= 180:
        return "swapped"
    if abs(x) > 1000 or abs(y) > 1000:
        return "metres"
    return "none"


def _out_of_range(extent) -> bool:
    xmin, ymin, xmax, ymax = extent
    return not all(math.isfinite(v) for v in extent) or xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90


GEOS_MULTI = {"Point": MultiPoint, "LineString": MultiLineString, "Polygon": MultiPolygon}


def _prepare_geometry(spec: LayerSpec, source: SourceLayer, g: OGRGeometry | None, issues: list) -> GEOSGeometry | None:
    """Flatten, range-check, reproject and fit one feature's geometry to the layer; None when rejected."""
    if g is None:
        if not issues:
            issues.append(_issue("no_geometry", "error"))
        return None
    dims = ("Z" if g.is_3d else "") + ("M" if g.is_measured else "")
    if dims:
        g.set_3d(False)
        g.set_measured(False)
        issues.append(_issue("flattened", "warning", dims=dims))
    type_name = g.geom_type.name
    if any(curve in type_name for curve in ("Curve", "Circular", "Surface", "TIN", "Triangle")):
        issues.append(
            _issue(
                "wrong_type", "error", type=type_name, layer=str(spec.title), accepted=", ".join(spec.geometry_types)
            )
        )
        return None
    if g.empty:
        issues.append(_issue("empty_geometry", "error"))
        return None
    extent = g.extent
    if source.geographic and _out_of_range(extent):
        issues.append(
            _issue(
                "out_of_range",
                "error",
                x=_short(f"{extent[0]:.6g}", 20),
                y=_short(f"{extent[1]:.6g}", 20),
                hint=_range_hint(extent[0], extent[1], True),
            )
        )
        return None
    if source.transform is not None:
        try:
            g.transform(source.transform)
        except GDALException:
            issues.append(_issue("transform_failed", "error", epsg=source.epsg))
            return None
        extent = g.extent
        if _out_of_range(extent):
            issues.append(_issue("transform_failed", "error", epsg=source.epsg))
            return None
    try:
        geom = g.geos
    except (GEOSException, GDALException, ValueError) as exc:
        issues.append(_issue("geometry_unreadable", "error", detail=_short(str(exc), 120)))
        return None
    geom.srid = 4326
    return _fit_type(spec, geom, issues)


def _fit_type(spec: LayerSpec, geom: GEOSGeometry, issues: list) -> GEOSGeometry | None:
    accepted = spec.geometry_types
    kind = geom.geom_type
    if kind == "GeometryCollection":
        parts = list(geom)
        part_kinds = {p.geom_type.replace("Multi", "") for p in parts}
        if len(part_kinds) == 1 and parts:
            single = part_kinds.pop()
            flat = [q for p in parts for q in (p if p.geom_type.startswith("Multi") else [p])]
            multi = GEOS_MULTI[single](*[q.clone() for q in flat], srid=4326)
            issues.append(_issue("collection", "info", target=multi.geom_type))
            geom, kind = multi, multi.geom_type
    if kind in accepted:
        return geom
    if kind.startswith("Multi") and len(geom) == 1 and kind.replace("Multi", "") in accepted:
        single = geom[0].clone()
        single.srid = 4326
        issues.append(_issue("single_part", "info", source=kind, target=single.geom_type))
        return single
    if not kind.startswith("Multi") and f"Multi{kind}" in accepted:
        return geom  # promoted to multi by the insert, like services.coerce_geometry does
    issues.append(_issue("wrong_type", "error", type=kind, layer=str(spec.title), accepted=", ".join(accepted)))
    return None


def _label(props: dict) -> str:
    by_norm = {_norm(k): v for k, v in props.items()}
    for name in LABEL_COLUMNS:
        value = by_norm.get(name)
        if value not in (None, ""):
            return _short(value, 80)
    return ""


def _progress(job: ImportJob, value: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(progress=max(0, min(100, value)), updated_at=timezone.now())


def _copy_rows(table: str, rows: list[tuple]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} (n, src_layer, src_n, label, geom, props, issues, rejected) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def read_into_stage(job: ImportJob, spec: LayerSpec, sources: list[SourceLayer]) -> tuple[int, list[dict]]:
    """Stream every feature of the chosen layers into the staging table; return (count, source columns)."""
    table = _create_stage(job)
    total = sum(s.count for s in sources) or 1
    n = 0
    rows: list[tuple] = []
    columns: dict[str, dict] = {}
    for source in sources:
        layer = source.layer
        names = [f for f in source.fields]
        if source.fmt == "csv":
            source.csv_geometry = _csv_geometry_columns(source)
        geometry_columns = set(source.csv_geometry[1:]) if source.csv_geometry else set()
        for name in names:
            if name not in geometry_columns and name not in columns:
                columns[name] = {"name": name, "samples": []}
        for src_n, feature in enumerate(layer, start=1):
            n += 1
            issues: list[dict] = []
            try:
                props = {name: _jsonable(feature[i].value) for i, name in enumerate(names)}
            except (DjangoUnicodeDecodeError, UnicodeDecodeError):
                raise ImportRefused("encoding") from None
            if source.csv_geometry:
                raw = _csv_geometry(source, props, issues)
            else:
                try:
                    raw = feature.geom
                except GDALException:
                    raw = None
            geom = _prepare_geometry(spec, source, raw, issues)
            for name, value in props.items():
                column = columns.get(name)
                if column is not None and value not in (None, "") and len(column["samples"]) < 3:
                    sample = _short(value, 40)
                    if sample not in column["samples"]:
                        column["samples"].append(sample)
            rows.append(
                (
                    n,
                    source.name,
                    src_n,
                    _label(props),
                    geom.hexewkb.decode() if geom is not None else None,
                    json.dumps(props, ensure_ascii=False),
                    json.dumps(issues, ensure_ascii=False),
                    geom is None,
                )
            )
            if len(rows) >= COPY_CHUNK:
                _copy_rows(table, rows)
                rows.clear()
                _progress(job, 5 + int(60 * n / total))
    if rows:
        _copy_rows(table, rows)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX ON {table} USING gist (geom)")
        cursor.execute(f"ANALYZE {table}")
    return n, list(columns.values())


# ---------------------------------------------------------------------------------------------------------
# 4. Geometry checks in PostGIS, on the whole file at once
# ---------------------------------------------------------------------------------------------------------


def _accepted_sql_types(spec: LayerSpec) -> list[str]:
    types = {t.upper() for t in spec.geometry_types}
    column = spec.model._meta.get_field("geom").geom_type
    if column.startswith("MULTI"):
        types |= {column, column.replace("MULTI", "")}
    return sorted(types)


def check_geometries(job: ImportJob, spec: LayerSpec) -> None:
    table = stage_table(job)
    accepted = _accepted_sql_types(spec)
    with connection.cursor() as cursor:
        # Repair invalid geometries. "structure" keeps polygons polygons (a bow-tie becomes two triangles,
        # a collapsed ring becomes empty) rather than leaving stray lines behind; lines use "linework".
        cursor.execute(
            f"""
            WITH bad AS (
                SELECT n, ST_IsValidReason(geom) AS reason,
                       ST_MakeValid(geom, CASE WHEN ST_Dimension(geom) = 2 THEN 'method=structure'
                                               ELSE 'method=linework' END) AS fixed
                FROM {table} WHERE NOT rejected AND NOT ST_IsValid(geom)
            ), judged AS (
                SELECT n, reason, fixed,
                       (fixed IS NULL OR ST_IsEmpty(fixed) OR GeometryType(fixed) <> ALL(%s)) AS failed
                FROM bad
            )
            UPDATE {table} s SET
                geom = CASE WHEN j.failed THEN s.geom ELSE j.fixed END,
                rejected = j.failed,
                issues = s.issues || jsonb_build_array(CASE WHEN j.failed THEN
                    jsonb_build_object('code', 'repair_failed', 'level', 'error', 'params', jsonb_build_object(
                        'reason', j.reason,
                        'result', CASE WHEN j.fixed IS NULL OR ST_IsEmpty(j.fixed) THEN 'EMPTY'
                                       ELSE GeometryType(j.fixed) END))
                    ELSE jsonb_build_object('code', 'repaired', 'level', 'warning',
                                            'params', jsonb_build_object('reason', j.reason)) END)
            FROM judged j WHERE s.n = j.n
            """,
            [accepted],
        )
    _progress(job, 72)
    dusun = job.dusun
    if dusun.geom is not None:
        with connection.cursor() as cursor:
            # Distance between the nearest points, measured on the ellipsoid: cheap even for a whole file
            # that lies elsewhere (a wrong CRS), and precise enough to tell 50 m from 50 km.
            cursor.execute(
                f"""
                UPDATE {table} s SET rejected = true, issues = s.issues || jsonb_build_array(jsonb_build_object(
                    'code', 'outside', 'level', 'error', 'params', jsonb_build_object(
                        'area', %s,
                        'distance_m', round(ST_Distance(ST_ClosestPoint(s.geom, w.geom)::geography,
                                                         ST_ClosestPoint(w.geom, s.geom)::geography)::numeric))))
                FROM wilayah_wilayah w
                WHERE w.id = %s AND NOT s.rejected AND NOT ST_Intersects(s.geom, w.geom)
                """,
                [str(dusun), dusun.pk],
            )
    _progress(job, 78)
    if spec.slug == "tutupan-lahan":
        _check_overlaps(job, table)
    _progress(job, 85)


# Two polygons whose boxes only touch (neighbours sharing an edge, the usual case in a land-cover map)
# cannot overlap; this cheap test on the cached boxes spares ST_Relate for most pairs.
_BOXES_OVERLAP = (
    "LEAST(ST_XMax({a}.geom), ST_XMax({b}.geom)) > GREATEST(ST_XMin({a}.geom), ST_XMin({b}.geom)) "
    "AND LEAST(ST_YMax({a}.geom), ST_YMax({b}.geom)) > GREATEST(ST_YMin({a}.geom), ST_YMin({b}.geom))"
)


def _check_overlaps(job: ImportJob, table: str) -> None:
    """Land-cover polygons of one snapshot must not overlap (their areas would be counted twice)."""
    with connection.cursor() as cursor:
        # '2********': the interiors share an area (touching edges or corners is fine).
        cursor.execute(
            f"""
            WITH pairs AS (
                SELECT a.n AS an, b.n AS bn, ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS area
                FROM {table} a JOIN {table} b ON a.n < b.n AND a.geom && b.geom
                WHERE NOT a.rejected AND NOT b.rejected AND {_BOXES_OVERLAP.format(a="a", b="b")}
                  AND ST_Relate(a.geom, b.geom, '2********')
            ), sides AS (
                SELECT an AS n, bn AS other, area FROM pairs UNION ALL SELECT bn, an, area FROM pairs
            ), ranked AS (
                SELECT s.n, s.area, o.src_layer, o.src_n,
                       row_number() OVER (PARTITION BY s.n ORDER BY s.area DESC, s.other) AS rk
                FROM sides s JOIN {table} o ON o.n = s.other
            ), agg AS (
                SELECT n, jsonb_agg(jsonb_build_object('code', 'overlap_file', 'level', 'warning',
                    'params', jsonb_build_object('area', round(area::numeric, 1), 'other_layer', src_layer,
                                                 'other_n', src_n)) ORDER BY rk) AS items
                FROM ranked WHERE rk <= %s GROUP BY n
            )
            UPDATE {table} s SET issues = s.issues || agg.items FROM agg WHERE s.n = agg.n
            """,
            [OVERLAPS_PER_FEATURE],
        )
        if job.snapshot_id:
            cursor.execute(
                f"""
                WITH pairs AS (
                    SELECT s.n, e.id, w.nama, ST_Area(ST_Intersection(s.geom, e.geom)::geography) AS area,
                           row_number() OVER (PARTITION BY s.n ORDER BY e.id) AS rk
                    FROM {table} s
                    JOIN ruang_landcover e ON e.snapshot_id = %s AND e.geom && s.geom
                    JOIN wilayah_wilayah w ON w.id = e.dusun_id
                    WHERE NOT s.rejected AND {_BOXES_OVERLAP.format(a="s", b="e")}
                      AND ST_Relate(s.geom, e.geom, '2********')
                ), agg AS (
                    SELECT n, jsonb_agg(jsonb_build_object('code', 'overlap_existing', 'level', 'warning',
                        'params', jsonb_build_object('area', round(area::numeric, 1), 'id', id, 'village', nama))
                        ORDER BY rk) AS items
                    FROM pairs WHERE rk <= %s GROUP BY n
                )
                UPDATE {table} s SET issues = s.issues || agg.items FROM agg WHERE s.n = agg.n
                """,
                [job.snapshot_id, OVERLAPS_PER_FEATURE],
            )


# ---------------------------------------------------------------------------------------------------------
# 5. Attribute mapping
# ---------------------------------------------------------------------------------------------------------


def mapped_fields(spec: LayerSpec) -> list[models.Field]:
    """The attributes an operator maps; a land-cover polygon's snapshot comes from the job, not a column."""
    return [f for f in spec.attribute_fields if f.name != "snapshot"]


def export_column_name(f: models.Field) -> str:
    from .exporter import column_name  # the export's names are the first guess when re-importing an export

    return column_name(f)


def source_signature(columns: list[str]) -> str:
    return hashlib.sha256("\x1f".join(sorted(_norm(c) for c in columns)).encode()).hexdigest()


def suggest_mapping(spec: LayerSpec, columns: list[str], filename: str = "", empty: set[str] | None = None) -> dict:
    """A first guess: each attribute from the column whose name says it is that attribute (columns that
    are empty in every feature, like GPX's unused "type", are never suggested)."""
    by_norm: dict[str, str] = {}
    for column in columns:
        if column not in (empty or set()):
            by_norm.setdefault(_norm(column), column)
    used: set[str] = set()
    chosen: dict[str, str] = {}
    fields = mapped_fields(spec)
    # Two passes: first a column named exactly as the attribute (its export name, field name or label),
    # then the looser synonyms, so "description" goes to Uraian on layers that have one, not to Catatan.
    for candidates_of in (
        lambda f: [export_column_name(f), f.name, _norm(str(f.verbose_name))],
        lambda f: list(SYNONYMS.get(f.name, ())),
    ):
        for f in fields:
            if f.name in chosen:
                continue
            for candidate in candidates_of(f):
                column = by_norm.get(_norm(candidate))
                if column and column not in used:
                    chosen[f.name] = column
                    used.add(column)
                    break
    mapping = {}
    for f in fields:
        column = chosen.get(f.name, "")
        value = ""
        if f.name == "source" and not column and filename:
            value = _short(_("Impor %(file)s") % {"file": filename}, f.max_length or 200)
        mapping[f.name] = {"column": column, "value": value}
    return mapping


def normalise_mapping(spec: LayerSpec, mapping: dict, columns: list[str]) -> dict:
    """Keep only known attributes and existing columns, so a stored mapping can never point elsewhere."""
    clean = {}
    for f in mapped_fields(spec):
        entry = mapping.get(f.name) or {}
        column = entry.get("column") or ""
        clean[f.name] = {
            "column": column if column in columns else "",
            "value": str(entry.get("value") or "")[:500],
        }
    return clean


def mapping_errors(spec: LayerSpec, mapping: dict) -> list[str]:
    """Required attributes that have neither a column nor a fixed value (names of the fields)."""
    missing = []
    for f in mapped_fields(spec):
        entry = mapping.get(f.name) or {}
        if not f.blank and not f.has_default() and not entry.get("column") and not entry.get("value"):
            missing.append(f.name)
    return missing


@dataclass
class LegendLookup:
    legend: Legend | None
    by_code: dict[str, int]
    by_name: dict[str, int]

    @classmethod
    def for_job(cls, job: ImportJob) -> LegendLookup:
        legend = job_legend(job)
        if legend is None:
            return cls(None, {}, {})
        classes = list(LegendClass.objects.filter(legend=legend).values_list("pk", "code", "name_id", "name_en"))
        return cls(
            legend,
            {code.strip().lower(): pk for pk, code, _n, _e in classes},
            {name.strip().lower(): pk for pk, _c, *names in classes for name in names if name},
        )


def job_legend(job: ImportJob) -> Legend | None:
    if job.snapshot_id:
        return job.snapshot.legend
    new = (job.report.get("options") or {}).get("new_snapshot") or {}
    return Legend.objects.filter(pk=new.get("legend_id")).first() if new.get("legend_id") else None


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


DATE_FORMATS = ("%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def _to_date(raw) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _text(raw)
    parsed = parse_date(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else None
    if parsed is None and "T" in text:
        stamp = parse_datetime(text)
        parsed = stamp.date() if stamp else None
    if parsed is None:
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValidationError(_("tulis tanggal sebagai TTTT-BB-HH, mis. 2024-03-17"))
    return parsed


class FieldCleaner:
    """Turns a file's raw value into a layer attribute's value, or an issue saying what is wrong."""

    def __init__(self, spec: LayerSpec, f: models.Field, column: str, constant: str, legend: LegendLookup):
        self.spec = spec
        self.field = f
        self.column = column
        self.constant = constant
        self.legend = legend
        self.label = str(f.verbose_name).capitalize()
        self.is_fk = isinstance(f, models.ForeignKey)
        self.choices = {}
        if f.choices:
            for code, label in f.flatchoices:
                self.choices[str(code).lower()] = code
                self.choices[str(label).lower()] = code
        self.internal = f.get_internal_type()

    def _empty(self):
        f = self.field
        if f.has_default():
            return f.get_default(), None
        if f.null:
            return None, None
        if f.blank:
            return "", None
        return None, _issue("required_empty", "error", field=self.label, column=self.column or "—")

    def convert(self, raw):
        """(value as stored in JSON, issue or None)."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return self._empty()
        f = self.field
        shown = _short(_text(raw), 60)
        if self.is_fk:  # the legend class of a land-cover polygon
            key = _text(raw).lower()
            pk = self.legend.by_code.get(key) or self.legend.by_name.get(key)
            if pk is None:
                legend = self.legend.legend.name if self.legend.legend else "?"
                return None, _issue("unknown_class", "error", value=shown, column=self.column, legend=legend)
            return pk, None
        try:
            if self.choices:
                code = self.choices.get(_text(raw).lower())
                if code is None:
                    codes = ", ".join(str(c) for c, _label in f.flatchoices)
                    return None, _issue(
                        "invalid_choice", "error", value=shown, column=self.column, field=self.label, choices=codes
                    )
                value = f.clean(code, None)
            elif self.internal == "DateField":
                value = f.clean(_to_date(raw), None)
            elif self.internal == "DecimalField":
                number = raw if isinstance(raw, int | float) else _parse_number(_text(raw))
                quantum = Decimal(1).scaleb(-f.decimal_places)
                value = f.clean(Decimal(str(number)).quantize(quantum, rounding=ROUND_HALF_UP), None)
            elif self.internal in (
                "PositiveSmallIntegerField",
                "IntegerField",
                "PositiveIntegerField",
                "SmallIntegerField",
            ):
                number = raw if isinstance(raw, int | float) else _parse_number(_text(raw))
                if float(number) != int(float(number)):
                    raise ValidationError(_("harus bilangan bulat"))
                value = f.clean(int(float(number)), None)
            else:
                value = f.clean(_text(raw), None)
        except ValidationError as exc:
            return None, _issue(
                "invalid_value",
                "error",
                field=self.label,
                value=shown,
                column=self.column,
                detail=" ".join(exc.messages),
            )
        except (ValueError, InvalidOperation, TypeError):
            return None, _issue(
                "invalid_value", "error", field=self.label, value=shown, column=self.column, detail=_("bukan angka")
            )
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        return value, None

    def __call__(self, props: dict):
        raw = props.get(self.column) if self.column else None
        if isinstance(raw, str) and not raw.strip():
            raw = None
        used_column = bool(self.column) and raw not in (None, "")
        if not used_column and self.constant:
            raw = self.constant
        value, issue = self.convert(raw)
        extra = None
        if used_column and isinstance(value, str) and HTML_PATTERN.search(value):
            extra = _issue("html_text", "warning", column=self.column)
        return value, issue, extra


def check_constant(spec: LayerSpec, field_name: str, value: str, legend: LegendLookup) -> str | None:
    """The problem with a fixed value an operator typed for an attribute, as a sentence; None if fine."""
    f = spec.model._meta.get_field(field_name)
    _value, issue = FieldCleaner(spec, f, _("nilai tetap"), value, legend).convert(value)
    return None if issue is None else issue_message(issue, {})


def validate_attributes(job: ImportJob, spec: LayerSpec) -> dict:
    """Check every staged feature's attributes under the job's mapping; store values and issues per feature."""
    table = stage_table(job)
    legend = LegendLookup.for_job(job)
    cleaners = [
        FieldCleaner(
            spec, f, job.mapping.get(f.name, {}).get("column", ""), job.mapping.get(f.name, {}).get("value", ""), legend
        )
        for f in mapped_fields(spec)
    ]
    unknown: dict[str, dict] = {}
    results = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n, src_layer, src_n, props FROM {table} ORDER BY n")
        while batch := cursor.fetchmany(COPY_CHUNK):
            for n, src_layer, src_n, props in batch:
                props = json.loads(props) if isinstance(props, str) else props
                attrs, issues = {}, []
                for cleaner in cleaners:
                    value, issue, extra = cleaner(props)
                    attrs[cleaner.field.attname] = value
                    if issue:
                        issues.append(issue)
                        if issue["code"] == "unknown_class":
                            entry = unknown.setdefault(issue["params"]["value"], {"count": 0, "where": []})
                            entry["count"] += 1
                            if len(entry["where"]) < 5:
                                entry["where"].append([src_layer, src_n])
                    if extra:
                        issues.append(extra)
                has_error = any(i["level"] == "error" for i in issues)
                results.append(
                    (n, json.dumps(attrs, ensure_ascii=False), json.dumps(issues, ensure_ascii=False), has_error)
                )
    # One transaction: the temporary table lives only inside it (ON COMMIT DROP).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE ruang_import_attrs (n integer PRIMARY KEY, attrs jsonb, issues jsonb, err boolean) "
            "ON COMMIT DROP"
        )
        for start in range(0, len(results), COPY_CHUNK):
            with cursor.copy("COPY ruang_import_attrs (n, attrs, issues, err) FROM STDIN") as copy:
                for row in results[start : start + COPY_CHUNK]:
                    copy.write_row(row)
        cursor.execute(
            f"UPDATE {table} s SET attrs = a.attrs, attr_issues = a.issues, attr_error = a.err "
            "FROM ruang_import_attrs a WHERE a.n = s.n"
        )
        cursor.execute("DROP TABLE ruang_import_attrs")
    return {
        "unknown_classes": [
            {"value": value, "count": e["count"], "where": e["where"]}
            for value, e in sorted(unknown.items(), key=lambda kv: -kv[1]["count"])
        ][:50]
    }


def _summarise(job: ImportJob) -> dict:
    table = stage_table(job)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*),
                       count(*) FILTER (WHERE NOT rejected AND NOT attr_error),
                       count(*) FILTER (WHERE rejected OR attr_error),
                       count(*) FILTER (WHERE NOT rejected AND NOT attr_error AND
                                        jsonb_path_exists(issues || attr_issues, '$[*] ? (@.level == "warning")'))
                FROM {table}"""
        )
        total, accepted, rejected, warned = cursor.fetchone()
        cursor.execute(
            f"""SELECT i->>'code', i->>'level', count(*) FROM {table}, jsonb_array_elements(issues || attr_issues) i
                GROUP BY 1, 2 ORDER BY 2, 3 DESC"""
        )
        by_code = [{"code": c, "level": lvl, "count": k} for c, lvl, k in cursor.fetchall()]
        cursor.execute(
            f"""SELECT src_layer, src_n, label, issues || attr_issues FROM {table}
                WHERE jsonb_array_length(issues || attr_issues) > 0
                ORDER BY (rejected OR attr_error) DESC, n LIMIT %s""",
            [ISSUE_SAMPLE],
        )
        sample = [
            {"layer": lay, "n": sn, "label": lab, "issues": json.loads(iss) if isinstance(iss, str) else iss}
            for lay, sn, lab, iss in cursor.fetchall()
        ]
    return {
        "counts": {"total": total, "accepted": accepted, "rejected": rejected, "warned": warned},
        "by_code": by_code,
        "issues_sample": sample,
    }


# ---------------------------------------------------------------------------------------------------------
# 6. The background steps (called by tasks.py)
# ---------------------------------------------------------------------------------------------------------


def _cancelled(job: ImportJob) -> bool:
    """Cancelled while a background step ran: the step's outcome must not bring the job back."""
    return ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CANCELLED).exists()


def _fail(job: ImportJob, code: str, params: dict, status=ImportJob.Status.FAILED) -> None:
    if _cancelled(job):
        return
    report = dict(job.report or {})
    report["error"] = {"code": code, "params": params}
    job.report = report
    job.status = status
    job.message = file_message(code, params)
    job.save(update_fields=["report", "status", "message", "updated_at"])


def analyse(job_id: int) -> None:
    """Open, read and check an uploaded file; leave the job in PREVIEW (or FAILED with a reason)."""
    job = ImportJob.objects.select_related("dusun", "snapshot__legend").get(pk=job_id)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.ANALYSING):
        return
    spec = LAYERS[job.layer]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.ANALYSING, progress=1, message="")
    options = dict((job.report or {}).get("options") or {})
    try:
        with tempfile.TemporaryDirectory(prefix="dusun-impor-") as tmp:
            opened = open_upload(job, Path(tmp))
            sources = choose_layers(spec, opened, options.get("layers"))
            for source in sources:
                resolve_crs(source, options.get("crs_epsg"), opened.notes)
            _progress(job, 5)
            total, columns = read_into_stage(job, spec, sources)
        check_geometries(job, spec)
        column_names = [c["name"] for c in columns]
        signature = source_signature(column_names)
        remembered = ImportMapping.objects.filter(layer=spec.slug, dusun=job.dusun, source_signature=signature).first()
        notes = list(opened.notes)
        if job.dusun.geom is None:
            notes.append({"code": "no_boundary", "params": {"area": str(job.dusun)}})
        if job.mapping and [c["name"] for c in job.source_fields] == column_names:
            mapping = normalise_mapping(spec, job.mapping, column_names)  # a re-analysis keeps the operator's choice
        elif remembered is not None:
            mapping = normalise_mapping(spec, remembered.mapping, column_names)
            notes.append({"code": "remembered", "params": {}})
        else:
            empty = {c["name"] for c in columns if not c["samples"]}
            mapping = suggest_mapping(spec, column_names, job.filename, empty)
        job.refresh_from_db()
        job.source_fields = columns
        job.mapping = mapping
        job.report = {
            "options": options,
            "format": opened.fmt,
            "format_label": FORMAT_LABELS[opened.fmt],
            "layers": [
                {"name": s.name, "count": s.count, "geom_type": s.geom_type, "selected": s in sources}
                for s in opened.layers
            ],
            "multi_layer": len(sources) > 1,
            "crs": [
                {"layer": s.name, "epsg": s.epsg, "name": s.crs_name, "reprojected": s.transform is not None}
                for s in sources
            ],
            "notes": notes,
            "signature": signature,
            "remembered": remembered is not None,
            "total": total,
        }
        job.save(update_fields=["source_fields", "mapping", "report", "updated_at"])
        _validate_and_summarise(job, spec)
    except ImportRefused as refused:
        drop_stage(job)
        job.refresh_from_db()
        job.report = {"options": options}
        _fail(job, refused.code, refused.params)
    except Exception:
        ref = uuid.uuid4().hex[:8]
        logger.exception("Import job %s failed (ref %s)", job.pk, ref)
        drop_stage(job)
        job.refresh_from_db()
        job.report = {"options": options}
        _fail(job, "internal", {"ref": ref})
        raise


def _validate_and_summarise(job: ImportJob, spec: LayerSpec) -> None:
    if _cancelled(job):
        drop_stage(job)
        return
    _progress(job, 88)
    extra = validate_attributes(job, spec)
    summary = _summarise(job)
    job.refresh_from_db()
    report = dict(job.report)
    report.update(extra)
    report.update(summary)
    report["mapping_errors"] = mapping_errors(spec, job.mapping)
    report.pop("error", None)
    job.report = report
    job.status = ImportJob.Status.PREVIEW
    job.progress = 100
    job.message = ""
    job.save(update_fields=["report", "status", "progress", "message", "updated_at"])


def revalidate(job_id: int) -> None:
    """Re-check attributes after the operator changed the mapping (the geometry checks stand)."""
    job = ImportJob.objects.select_related("dusun", "snapshot__legend").get(pk=job_id)
    if job.status != ImportJob.Status.ANALYSING or not _stage_exists(job):
        return
    try:
        _validate_and_summarise(job, LAYERS[job.layer])
    except Exception:
        ref = uuid.uuid4().hex[:8]
        logger.exception("Import job %s revalidation failed (ref %s)", job.pk, ref)
        _fail(job, "internal", {"ref": ref}, status=ImportJob.Status.PREVIEW)
        raise


def save_mapping(job: ImportJob, user, mapping: dict) -> bool:
    """Store a new mapping and mark the job for re-checking. False if the job is not waiting for review."""
    check_can_import(user, job.dusun)
    spec = LAYERS[job.layer]
    columns = [c["name"] for c in job.source_fields]
    clean = normalise_mapping(spec, mapping, columns)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        mapping=clean, status=ImportJob.Status.ANALYSING, progress=85, updated_at=timezone.now()
    )
    return bool(updated)


def choose_source_layers(job: ImportJob, user, layers: list[str]) -> bool:
    """Re-analyse the file with another choice of source layers."""
    check_can_import(user, job.dusun)
    known = {entry["name"] for entry in (job.report or {}).get("layers", [])}
    chosen = [name for name in layers if name in known]
    report = dict(job.report or {})
    options = dict(report.get("options") or {})
    options["layers"] = chosen
    report["options"] = options
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        report=report, status=ImportJob.Status.UPLOADED, progress=0, updated_at=timezone.now()
    )
    return bool(updated)


def request_commit(job: ImportJob, user) -> bool:
    """Move a reviewed job to COMMITTING exactly once (a double click queues one commit, not two)."""
    check_can_import(user, job.dusun)
    report = job.report or {}
    if report.get("mapping_errors") or not (report.get("counts") or {}).get("accepted"):
        return False
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.COMMITTING, progress=0, updated_at=timezone.now()
    )
    return bool(updated)


def cancel(job: ImportJob, user) -> None:
    check_can_import(user, job.dusun)
    if job.status in (ImportJob.Status.DONE, ImportJob.Status.COMMITTING):
        return
    drop_stage(job)
    job.status = ImportJob.Status.CANCELLED
    job.save(update_fields=["status", "updated_at"])
    if job.upload:
        job.upload.delete(save=True)


# ---------------------------------------------------------------------------------------------------------
# 7. Commit: all or nothing
# ---------------------------------------------------------------------------------------------------------


def _ensure_snapshot(job: ImportJob) -> LandCoverSnapshot | None:
    if job.layer != "tutupan-lahan":
        return None
    if job.snapshot_id:
        return job.snapshot
    new = (job.report.get("options") or {}).get("new_snapshot") or {}
    snapshot, _created = LandCoverSnapshot.objects.get_or_create(
        year=int(new["year"]),
        legend_id=int(new["legend_id"]),
        name=new.get("name") or _("Tutupan lahan %(year)s") % {"year": new["year"]},
        defaults={"source": _short(job.filename, 300)},
    )
    job.snapshot = snapshot
    return snapshot


def _revision_json_sql(spec: LayerSpec) -> str:
    """jsonb_build_object(...) of a feature as services.feature_snapshot writes it, for bulk revisions."""
    parts = []
    for f in spec.attribute_fields:
        column = connection.ops.quote_name(f.column)
        value = f"t.{column}::text" if f.get_internal_type() == "DecimalField" else f"t.{column}"
        parts.append(f"'{f.attname}', {value}")
    parts.append("'dusun', %(kode)s")
    parts.append("'geometry', ST_AsGeoJSON(t.geom)::jsonb")
    return "jsonb_build_object(" + ", ".join(parts) + ")"


def commit(job_id: int) -> ImportBatch | None:
    """Write the accepted features in one transaction; on any failure nothing is written."""
    job = ImportJob.objects.select_related("dusun", "snapshot__legend", "user").get(pk=job_id)
    if job.status != ImportJob.Status.COMMITTING:
        return None
    spec = LAYERS[job.layer]
    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("dusun", "snapshot__legend", "user")
                .get(pk=job_id)
            )
            if job.status != ImportJob.Status.COMMITTING:
                return None
            check_can_import(job.user, job.dusun)
            batch = _write_features(job, spec)
        return batch
    except PermissionDenied:
        job.refresh_from_db()
        _fail(job, "not_editable", {"area": str(job.dusun)})
        return None
    except Exception as exc:
        ref = uuid.uuid4().hex[:8]
        # The technical detail goes to the server log under a reference the operator can quote: the class,
        # the SQLSTATE and where it happened, but not the message, which can quote attribute values (names
        # of owners on parcels, for instance).
        cause = exc.__cause__ or exc
        logger.error(
            "Import job %s commit failed (ref %s): %s sqlstate=%s at %s",
            job.pk,
            ref,
            type(exc).__name__,
            getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or "-",
            " < ".join(f"{f.filename}:{f.lineno} {f.name}" for f in reversed(traceback.extract_tb(exc.__traceback__))),
        )
        job.refresh_from_db()
        # Back to review: the staging table is intact, so the operator can simply try again.
        _fail(job, "commit_failed", {"ref": ref}, status=ImportJob.Status.PREVIEW)
        return None


def _write_features(job: ImportJob, spec: LayerSpec) -> ImportBatch:
    table = stage_table(job)
    snapshot = _ensure_snapshot(job)
    batch = ImportBatch.objects.create(
        layer=spec.slug, dusun=job.dusun, filename=job.filename, feature_count=0, created_by=job.user
    )
    model_table = spec.model._meta.db_table
    q = connection.ops.quote_name
    columns, exprs = [], []
    params: dict = {"dusun": job.dusun_id, "batch": batch.pk, "user": job.user_id, "kode": job.dusun.kode}
    for f in spec.attribute_fields:
        columns.append(q(f.column))
        if f.name == "snapshot":
            exprs.append("%(snapshot)s")
            params["snapshot"] = snapshot.pk
        else:
            exprs.append(f"(s.attrs->>'{f.attname}')::{f.db_type(connection)}")
    geom_column = spec.model._meta.get_field("geom").geom_type
    geom_expr = "ST_Multi(s.geom)" if geom_column.startswith("MULTI") else "s.geom"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {q(model_table)} (dusun_id, import_batch_id, created_by_id, created_at, updated_at,
                                              is_demo, geom, {", ".join(columns)})
                SELECT %(dusun)s, %(batch)s, %(user)s, now(), now(), false, {geom_expr}, {", ".join(exprs)}
                FROM {table} s WHERE NOT s.rejected AND NOT s.attr_error ORDER BY s.n""",
            params,
        )
        count = cursor.rowcount
    services.recompute_measures(spec, spec.model.objects.filter(import_batch=batch))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {q(FeatureRevision._meta.db_table)} (layer, feature_id, dusun_id, action, data, user_id, at)
                SELECT %(layer)s, t.id, t.dusun_id, %(action)s, {_revision_json_sql(spec)}, %(user)s, now()
                FROM {q(model_table)} t WHERE t.import_batch_id = %(batch)s""",
            {**params, "layer": spec.slug, "action": FeatureRevision.Action.CREATE},
        )
    batch.feature_count = count
    batch.save(update_fields=["feature_count"])
    bump_layer_version(spec.slug)
    ImportMapping.objects.update_or_create(
        layer=spec.slug,
        dusun=job.dusun,
        source_signature=job.report.get("signature") or source_signature([c["name"] for c in job.source_fields]),
        defaults={"mapping": job.mapping},
    )
    report = dict(job.report)
    report["committed"] = {"batch": batch.pk, "count": count}
    job.report = report
    job.batch = batch
    job.status = ImportJob.Status.DONE
    job.progress = 100
    job.message = ""
    job.save(update_fields=["report", "batch", "snapshot", "status", "progress", "message", "updated_at"])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")  # inside the transaction: a rollback keeps it for a retry
    return batch


def bump_layer_version(slug: str) -> None:
    """Move the layer's version so tile caches and ETags let go of the old data. An increment (not a set)
    so a database trigger bumping it as well only moves it further, never back."""
    version, created = LayerVersion.objects.get_or_create(layer=slug, defaults={"version": 1})
    if not created:
        LayerVersion.objects.filter(pk=version.pk).update(version=F("version") + 1, changed_at=timezone.now())


# ---------------------------------------------------------------------------------------------------------
# 8. Reads for the pages
# ---------------------------------------------------------------------------------------------------------

PROBLEM_FILTERS = {
    "ditolak": "(rejected OR attr_error)",
    "peringatan": "NOT (rejected OR attr_error) AND jsonb_array_length(issues || attr_issues) > 0",
    "semua": "jsonb_array_length(issues || attr_issues) > 0",
}


def problem_features(job: ImportJob, which: str = "semua", page: int = 1, per_page: int = 50) -> dict:
    """One page of the features that have something to report, each with its messages, for the preview."""
    report = job.report or {}
    condition = PROBLEM_FILTERS.get(which, PROBLEM_FILTERS["semua"])
    rows, total = [], 0
    if job.status in (ImportJob.Status.PREVIEW, ImportJob.Status.COMMITTING) and _stage_exists(job):
        table = stage_table(job)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {condition}")
            total = cursor.fetchone()[0]
            cursor.execute(
                f"""SELECT src_layer, src_n, label, issues || attr_issues, rejected OR attr_error FROM {table}
                    WHERE {condition} ORDER BY n LIMIT %s OFFSET %s""",
                [per_page, max(0, page - 1) * per_page],
            )
            fetched = cursor.fetchall()
        for layer, src_n, label, issues, refused in fetched:
            issues = json.loads(issues) if isinstance(issues, str) else issues
            rows.append(_problem_row(report, layer, src_n, label, issues, refused))
    else:  # after the commit only the report's sample is left
        sample = report.get("issues_sample") or []
        total = len(sample)
        for item in sample[(page - 1) * per_page : page * per_page]:
            refused = any(i.get("level") == "error" for i in item["issues"])
            rows.append(_problem_row(report, item["layer"], item["n"], item["label"], item["issues"], refused))
    pages = max(1, math.ceil(total / per_page))
    return {"rows": rows, "total": total, "page": page, "pages": pages, "which": which}


def _problem_row(report, layer, src_n, label, issues, refused) -> dict:
    return {
        "where": location(report, layer, src_n),
        "label": label,
        "refused": refused,
        "messages": [
            {
                "level": i.get("level"),
                "level_label": LEVEL_LABELS.get(i.get("level"), ""),
                "text": issue_message(i, report),
            }
            for i in sorted(issues, key=lambda i: {"error": 0, "warning": 1}.get(i.get("level"), 2))
        ],
    }


def sample_rows(job: ImportJob, spec: LayerSpec, limit: int = 5) -> list[dict]:
    """The first accepted features as they would be stored, to check the mapping at a glance."""
    if job.status != ImportJob.Status.PREVIEW or not _stage_exists(job):
        return []
    fields = mapped_fields(spec)
    classes = {}
    if any(isinstance(f, models.ForeignKey) for f in fields):
        legend = job_legend(job)
        classes = dict(LegendClass.objects.filter(legend=legend).values_list("pk", "code")) if legend else {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT src_layer, src_n, attrs FROM {stage_table(job)} WHERE NOT rejected AND NOT attr_error "
            "ORDER BY n LIMIT %s",
            [limit],
        )
        fetched = cursor.fetchall()
    rows = []
    for layer, src_n, attrs in fetched:
        attrs = json.loads(attrs) if isinstance(attrs, str) else (attrs or {})
        values = []
        for f in fields:
            value = attrs.get(f.attname)
            if isinstance(f, models.ForeignKey):
                value = classes.get(value, value)
            values.append("" if value is None else value)
        rows.append({"where": location(job.report or {}, layer, src_n), "values": values})
    return rows


def describe_job(job: ImportJob) -> dict:
    """Everything the job page says about a job, as plain values (messages rendered in the reader's language)."""
    report = job.report or {}
    error = report.get("error")
    counts = report.get("counts") or {}
    by_code = [
        {**entry, "text": _code_label(entry["code"]), "level_label": LEVEL_LABELS.get(entry["level"], "")}
        for entry in report.get("by_code") or []
    ]
    spec = LAYERS.get(job.layer)
    field_labels = {f.name: str(f.verbose_name).capitalize() for f in mapped_fields(spec)} if spec else {}
    return {
        "error": file_message(error["code"], error.get("params")) if error else "",
        "notes": [file_message(n["code"], n.get("params")) for n in report.get("notes") or []],
        "counts": counts,
        "by_code": by_code,
        "crs": report.get("crs") or [],
        "layers": report.get("layers") or [],
        "format_label": report.get("format_label", ""),
        "mapping_errors": [field_labels.get(name, name) for name in report.get("mapping_errors") or []],
        "unknown_classes": [
            {
                "value": u["value"],
                "count": u["count"],
                "where": ", ".join(location(report, lay, n) for lay, n in u["where"]),
            }
            for u in report.get("unknown_classes") or []
        ],
        "committed": report.get("committed"),
        "can_commit": job.status == ImportJob.Status.PREVIEW
        and not report.get("mapping_errors")
        and bool(counts.get("accepted")),
    }


CODE_LABELS = {
    "no_geometry": gettext_lazy("tanpa geometri"),
    "geometry_unreadable": gettext_lazy("geometri rusak"),
    "wkt_empty": gettext_lazy("WKT kosong"),
    "wkt_invalid": gettext_lazy("WKT tidak sah"),
    "latlon_missing": gettext_lazy("lintang/bujur kosong"),
    "latlon_invalid": gettext_lazy("lintang/bujur bukan angka"),
    "out_of_range": gettext_lazy("koordinat di luar jangkauan"),
    "transform_failed": gettext_lazy("gagal diproyeksikan ulang"),
    "flattened": gettext_lazy("koordinat Z/M dibuang (2D)"),
    "wrong_type": gettext_lazy("tipe geometri salah"),
    "single_part": gettext_lazy("multi satu bagian dijadikan tunggal"),
    "collection": gettext_lazy("GeometryCollection dijadikan multi"),
    "empty_geometry": gettext_lazy("geometri kosong"),
    "repaired": gettext_lazy("geometri tidak sah, diperbaiki"),
    "repair_failed": gettext_lazy("geometri tidak sah, tak dapat diperbaiki"),
    "outside": gettext_lazy("di luar batas wilayah"),
    "overlap_file": gettext_lazy("tumpang tindih di dalam berkas"),
    "overlap_existing": gettext_lazy("tumpang tindih dengan data tersimpan"),
    "required_empty": gettext_lazy("atribut wajib kosong"),
    "invalid_choice": gettext_lazy("pilihan tidak dikenal"),
    "unknown_class": gettext_lazy("kelas legenda tidak dikenal"),
    "invalid_value": gettext_lazy("nilai atribut tidak sah"),
    "html_text": gettext_lazy("teks berisi HTML/skrip"),
}


def _code_label(code: str) -> str:
    return str(CODE_LABELS.get(code, code))


def import_history(dusun: Wilayah):
    """The committed imports of a village, newest first."""
    return ImportBatch.objects.filter(dusun=dusun).select_related("created_by", "job").order_by("-created_at")


def batch_features(batch: ImportBatch):
    spec = LAYERS[batch.layer]
    related = [f.name for f in spec.attribute_fields if isinstance(f, models.ForeignKey)]
    return spec.model.objects.filter(import_batch=batch).select_related(*related).order_by("pk")


def feature_rows(spec: LayerSpec, features) -> tuple[list[str], list[list]]:
    """Header and rows (attribute values as shown to people, and the measure) for a list of features."""
    fields = [f for f in mapped_fields(spec) if f.name not in ("note",)]
    header = [str(f.verbose_name).capitalize() for f in fields]
    if spec.measure:
        header.append(str(spec.model._meta.get_field(spec.measure[0]).verbose_name))
    rows = []
    for feature in features:
        row = []
        for f in fields:
            if f.choices:
                row.append(getattr(feature, f"get_{f.name}_display")())
            elif isinstance(f, models.ForeignKey):
                row.append(str(getattr(feature, f.name)))
            else:
                value = getattr(feature, f.attname)
                row.append("" if value is None else value)
        if spec.measure:
            row.append(getattr(feature, spec.measure[0]))
        rows.append(row)
    return header, rows


def recent_jobs(dusun: Wilayah, limit: int = 10):
    """Imports still open (uploaded, being checked, waiting for review) so an operator can go back to them."""
    open_states = [
        ImportJob.Status.UPLOADED,
        ImportJob.Status.ANALYSING,
        ImportJob.Status.PREVIEW,
        ImportJob.Status.COMMITTING,
        ImportJob.Status.FAILED,
    ]
    return ImportJob.objects.filter(dusun=dusun, status__in=open_states).order_by("-created_at")[:limit]


def purge_stale_jobs(days: int = 7) -> int:
    """Drop staging tables and uploads of jobs left unfinished for `days` (run from a periodic task)."""
    cutoff = timezone.now() - timedelta(days=days)
    # Also jobs stuck half-way (a worker killed mid-step): a commit rolled back, so nothing was written.
    stale = ImportJob.objects.filter(
        updated_at__lt=cutoff,
        status__in=[
            ImportJob.Status.UPLOADED,
            ImportJob.Status.ANALYSING,
            ImportJob.Status.PREVIEW,
            ImportJob.Status.COMMITTING,
            ImportJob.Status.FAILED,
        ],
    )
    count = 0
    for job in stale:
        drop_stage(job)
        if job.upload:
            job.upload.delete(save=False)
        job.status = ImportJob.Status.CANCELLED
        job.save(update_fields=["status", "upload", "updated_at"])
        count += 1
    return count

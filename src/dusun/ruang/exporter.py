"""Exporting a layer for a village, a kecamatan or the kabupaten, in the formats GIS users open.

PostGIS streams the features (attributes and WKB geometry) into a CSV with `COPY … TO STDOUT`; an OGR VRT
next to it declares the field types, the geometry column and the CRS; `ogr2ogr` writes the requested format
from that VRT. So GDAL writes every format (never our own GeoPackage or Shapefile writer), types survive
(dates stay dates, numbers stay numbers, an empty layer still has its columns), and a kabupaten-wide layer
is never held in Python's memory.

Column names are Bahasa and at most 10 characters, so that a Shapefile keeps the same names as the other
formats and a re-import maps them back automatically (importer.suggest_mapping reads `column_name`).
Geometries are written at full double precision, so export → import reproduces areas exactly.
"""

# SQL here is composed only from identifiers the code owns (model tables and columns); values are bound.
# ruff: noqa: S608

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dusun.akun import scope
from dusun.wilayah.models import Level, Wilayah

from .layers import LAYERS, LayerSpec
from .models import LandCoverSnapshot

EXPORT_LEVELS = (Level.DESA, Level.KECAMATAN, Level.KABUPATEN)
OGR2OGR = shutil.which("ogr2ogr") or "/usr/bin/ogr2ogr"
OGR_TIMEOUT_S = 900


@dataclass(frozen=True)
class ExportFormat:
    key: str  # in URLs: /ekspor/<layer>/<kode>.<key>
    label: str
    driver: str
    extension: str  # of the downloaded file
    content_type: str
    text_dates: bool = False  # formats without a date type get ISO text (GDAL would write 2024/03/05)


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in [
        ExportFormat("geojson", "GeoJSON", "GeoJSON", "geojson", "application/geo+json"),
        ExportFormat("gpkg", "GeoPackage", "GPKG", "gpkg", "application/geopackage+sqlite3"),
        ExportFormat("shp.zip", "Shapefile (zip)", "ESRI Shapefile", "zip", "application/zip"),
        ExportFormat("kml", "KML", "KML", "kml", "application/vnd.google-earth.kml+xml", text_dates=True),
        ExportFormat("csv", "CSV (WKT)", "CSV", "csv", "text/csv; charset=utf-8", text_dates=True),
    ]
}

# Bahasa column names (≤ 10 characters, the Shapefile limit) for the model attributes.
COLUMN_NAMES = {
    "name": "nama",
    "source": "sumber",
    "survey_date": "tgl_survei",
    "note": "catatan",
    "kind": "jenis",
    "condition": "kondisi",
    "surface": "permukaan",
    "width_m": "lebar_m",
    "description": "uraian",
    "observed_on": "tgl_kejadi",
    "status": "status",
    "permit_number": "no_izin",
    "permit_date": "tgl_izin",
    "holder": "pemegang",
    "use": "fungsi",
    "floors": "lantai",
    "number": "no_persil",
    "land_use": "guna_lahan",
    "tenure": "status_tnh",
    "klass": "kelas",
    "area_ha": "luas_ha",
    "area_m2": "luas_m2",
    "length_m": "panjang_m",
}
# Attributes that are working notes rather than public facts: only for users who may see the area's
# internal data (scope.can_view). Nothing in these layers is personal data.
INTERNAL_FIELDS = {"note"}

# Shapefiles hold one geometry type per file: mixed layers are split into these families.
FAMILIES = {
    "titik": (0, "wkbPoint", "Point"),
    "garis": (1, "wkbMultiLineString", "MultiLineString"),
    "poligon": (2, "wkbMultiPolygon", "MultiPolygon"),
}
OGR_GEOMETRY = {
    "POINT": "wkbPoint",
    "MULTILINESTRING": "wkbMultiLineString",
    "MULTIPOLYGON": "wkbMultiPolygon",
    "GEOMETRY": "wkbUnknown",
}


class ExportError(Exception):
    pass


def column_name(f: models.Field) -> str:
    return COLUMN_NAMES.get(f.name, f.name[:10])


@dataclass(frozen=True)
class Column:
    name: str
    sql: str
    ogr_type: str
    width: int = 0
    precision: int = 0


def _ogr_type(f: models.Field) -> tuple[str, int, int]:
    kind = f.get_internal_type()
    if kind in ("CharField", "SlugField"):
        return "String", f.max_length or 0, 0
    if kind == "TextField":
        return "String", 0, 0
    if kind == "DateField":
        return "Date", 0, 0
    if kind == "DecimalField":
        return "Real", f.max_digits + 1, f.decimal_places
    if kind in ("PositiveSmallIntegerField", "SmallIntegerField", "IntegerField", "PositiveIntegerField"):
        return "Integer", 0, 0
    if kind == "BooleanField":
        return "Integer", 1, 0
    return "String", 0, 0


def export_columns(spec: LayerSpec, include_internal: bool) -> list[Column]:
    """The exported attributes of a layer, in order, each with its SQL over `f` (feature), `w` (village)."""
    q = connection.ops.quote_name
    columns = [
        Column("id_fitur", "f.id", "Integer64"),
        Column("kode_desa", "w.kode", "String", 40),
        Column("nama_desa", "w.nama", "String", 120),
    ]
    for f in spec.attribute_fields:
        if f.name in INTERNAL_FIELDS and not include_internal:
            continue
        if f.name == "snapshot":
            columns += [
                Column("tahun", "snap.year", "Integer"),
                Column("potret", "snap.name", "String", 120),
                Column("legenda", "leg.code", "String", 40),
            ]
        elif f.name == "klass":
            columns += [
                Column("kelas", "cls.code", "String", 20),
                Column("kelas_nama", "cls.name_id", "String", 120),
            ]
        else:
            ogr_type, width, precision = _ogr_type(f)
            columns.append(Column(column_name(f), f"f.{q(f.column)}", ogr_type, width, precision))
    if spec.measure:
        measure = spec.model._meta.get_field(spec.measure[0])
        columns.append(Column(column_name(measure), f"f.{q(measure.column)}", "Real", 14, measure.decimal_places))
    columns.append(Column("data_demo", "CASE WHEN f.is_demo THEN 1 ELSE 0 END", "Integer", 1))
    return columns


def export_area(kode: str) -> Wilayah | None:
    return Wilayah.objects.filter(kode=kode, level__in=EXPORT_LEVELS).select_related("parent").first()


def _select_sql(spec: LayerSpec, columns: list[Column], family: int | None, multi_family: bool) -> str:
    q = connection.ops.quote_name
    table = q(spec.model._meta.db_table)
    geom = "ST_Multi(f.geom)" if multi_family else "f.geom"
    joins = ""
    if spec.slug == "tutupan-lahan":
        joins = (
            " JOIN ruang_landcoversnapshot snap ON snap.id = f.snapshot_id"
            " JOIN ruang_legend leg ON leg.id = snap.legend_id"
            " JOIN ruang_legendclass cls ON cls.id = f.klass_id"
        )
    where = "(w.kode = %(kode)s OR w.kode LIKE %(prefix)s)"
    if spec.slug == "tutupan-lahan":
        where += " AND (%(snapshot)s::bigint IS NULL OR f.snapshot_id = %(snapshot)s::bigint)"
    if family is not None:
        where += f" AND ST_Dimension(f.geom) = {int(family)}"
    select = ", ".join(f"{c.sql} AS {q(c.name)}" for c in columns)
    return (
        f"SELECT {select}, encode(ST_AsBinary({geom}), 'hex') AS geom_wkb "
        f"FROM {table} f JOIN wilayah_wilayah w ON w.id = f.dusun_id{joins} WHERE {where} ORDER BY w.kode, f.id"
    )


def _write_csv(sql: str, params: dict, path: Path) -> None:
    copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
    # COPY goes through the psycopg cursor itself: Django's debug wrapper (DEBUG=1, as `make run` serves)
    # has a copy() that takes no parameters.
    with connection.cursor() as cursor, path.open("wb") as out, cursor.cursor.copy(copy_sql, params) as copy:
        for chunk in copy:
            out.write(chunk)


def _write_vrt(path: Path, csv_path: Path, layer_name: str, columns: list[Column], geometry: str, fmt: ExportFormat):
    fields = []
    for c in columns:
        ogr_type = "String" if (fmt.text_dates and c.ogr_type == "Date") else c.ogr_type
        if fmt.key == "kml" and ogr_type == "Integer64":
            ogr_type = "Integer"  # KML has no 64-bit integers; ids fit in 32 bits for a long time yet
        attrs = f'name={quoteattr(c.name)} type="{ogr_type}"'
        if c.width:
            attrs += f' width="{c.width}"'
        if c.precision:
            attrs += f' precision="{c.precision}"'
        fields.append(f"    <Field {attrs}/>")
    path.write_text(
        f"""<OGRVRTDataSource>
  <OGRVRTLayer name={quoteattr(layer_name)}>
    <SrcDataSource relativeToVRT="1">{escape(csv_path.name)}</SrcDataSource>
    <OpenOptions><OOI key="EMPTY_STRING_AS_NULL">YES</OOI></OpenOptions>
    <SrcLayer>{escape(csv_path.stem)}</SrcLayer>
    <GeometryType>{geometry}</GeometryType>
    <LayerSRS>EPSG:4326</LayerSRS>
    <GeometryField encoding="WKB" field="geom_wkb"/>
{chr(10).join(fields)}
  </OGRVRTLayer>
</OGRVRTDataSource>
""",
        encoding="utf-8",
    )


def _ogr2ogr(fmt: ExportFormat, target: Path, vrt: Path, layer_name: str, description: str, spec: LayerSpec) -> None:
    args = [OGR2OGR, "-f", fmt.driver, str(target), str(vrt), "-nln", layer_name]
    if fmt.key == "gpkg":
        args += ["-lco", f"DESCRIPTION={description}", "-lco", f"IDENTIFIER={layer_name}"]
    elif fmt.key == "shp.zip":
        args += ["-lco", "ENCODING=UTF-8"]  # writes a .cpg, so QGIS and GDAL read names with accents right
    elif fmt.key == "kml":
        args += ["-dsco", "NameField=nama"]
        if any(f.name == "description" for f in spec.attribute_fields):
            args += ["-dsco", "DescriptionField=uraian"]
    elif fmt.key == "csv":
        args += ["-lco", "GEOMETRY=AS_WKT", "-lco", "STRING_QUOTING=IF_NEEDED"]
    elif fmt.key == "geojson":
        args += ["-lco", f"DESCRIPTION={description}"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=OGR_TIMEOUT_S, check=False)  # noqa: S603
    if result.returncode != 0:
        raise ExportError(result.stderr.strip()[-500:] or f"ogr2ogr exit {result.returncode}")


def _readme(spec: LayerSpec, area: Wilayah, snapshot: LandCoverSnapshot | None) -> str:
    lines = [
        f"{spec.title} — {area}",
        _("Diekspor dari Dusun Online pada %(when)s.") % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")},
        _("Sistem koordinat: WGS 84 (EPSG:4326). Luas dan panjang geodesik (elipsoid WGS 84)."),
        _("Kolom data_demo = 1 menandai data contoh buatan, bukan data lapangan."),
    ]
    if snapshot:
        lines.append(
            _("Potret tutupan lahan: %(name)s (%(year)s), legenda %(legend)s.")
            % {
                "name": snapshot.name,
                "year": snapshot.year,
                "legend": snapshot.legend.name,
            }
        )
    return "\n".join(lines) + "\n"


def export_filename(spec: LayerSpec, area: Wilayah, fmt: ExportFormat, snapshot: LandCoverSnapshot | None) -> str:
    stem = f"{spec.slug}_{area.kode}"
    if snapshot:
        stem += f"_{snapshot.year}_{slugify(snapshot.name)[:30]}"
    return f"{stem}.{fmt.extension}"


def export_layer(
    spec: LayerSpec, area: Wilayah, fmt: ExportFormat, *, user=None, snapshot: LandCoverSnapshot | None = None
) -> Path:
    """Write the layer's features inside `area` to a new temporary file in `fmt`; the caller deletes the
    file's folder (`path.parent`) when done with it."""
    include_internal = bool(user is not None and scope.can_view(user, area))
    columns = export_columns(spec, include_internal)
    layer_name = spec.slug.replace("-", "_")
    description = f"{spec.title} — {area}"
    params = {"kode": area.kode, "prefix": area.kode + ".%", "snapshot": snapshot.pk if snapshot else None}
    geom_column = spec.model._meta.get_field("geom").geom_type
    workdir = Path(tempfile.mkdtemp(prefix="dusun-ekspor-", dir=getattr(settings, "DUSUN_EXPORT_TMP", None)))
    try:
        target = workdir / export_filename(spec, area, fmt, snapshot)
        if fmt.key == "shp.zip":
            _export_shapefiles(spec, area, fmt, columns, params, geom_column, workdir, target, snapshot)
            return target
        csv_path = workdir / "fitur.csv"
        _write_csv(_select_sql(spec, columns, None, False), params, csv_path)
        vrt = workdir / "fitur.vrt"
        _write_vrt(vrt, csv_path, layer_name, columns, OGR_GEOMETRY[geom_column], fmt)
        _ogr2ogr(fmt, target, vrt, layer_name, description, spec)
        return target
    except Exception:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def _export_shapefiles(spec, area, fmt, columns, params, geom_column, workdir, target, snapshot) -> None:
    """One Shapefile per geometry family (a mixed layer gives up to three), zipped with a short README."""
    layer_name = spec.slug.replace("-", "_")
    parts = workdir / "shp"
    parts.mkdir()
    if geom_column == "GEOMETRY":
        families = [(name, dim, ogr, f"{layer_name}_{name}") for name, (dim, ogr, _t) in FAMILIES.items()]
    else:
        families = [(None, None, OGR_GEOMETRY[geom_column], layer_name)]
    written = 0
    for i, (name, dim, ogr_geometry, out_name) in enumerate(families):
        csv_path = workdir / f"{out_name}.csv"
        _write_csv(_select_sql(spec, columns, dim, name in ("poligon", "garis")), params, csv_path)
        last = i == len(families) - 1
        if name is not None and _is_header_only(csv_path) and (written or not last):
            continue  # no features of this family: no empty file to confuse people (but never an empty zip)
        written += 1
        vrt = workdir / f"{out_name}.vrt"
        _write_vrt(vrt, csv_path, out_name, columns, ogr_geometry, fmt)
        _ogr2ogr(fmt, parts / f"{out_name}.shp", vrt, out_name, "", spec)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(parts.iterdir()):
            zf.write(path, path.name)
        zf.writestr("BACA-SAYA.txt", _readme(spec, area, snapshot))


def _is_header_only(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.readline()
        return not handle.readline()


def export_links(area: Wilayah) -> list[dict]:
    """Every layer with its download links for an area (land cover once per snapshot, plus all snapshots)."""
    from django.urls import reverse

    def links(spec: LayerSpec, snapshot: LandCoverSnapshot | None) -> list[dict]:
        out = []
        for fmt in FORMATS.values():
            url = reverse("ruang:export", kwargs={"layer": spec.slug, "kode": area.kode, "fmt": fmt.key})
            if snapshot:
                url += f"?potret={snapshot.pk}"
            out.append({"label": fmt.label, "url": url, "key": fmt.key})
        return out

    rows = []
    for spec in LAYERS.values():
        if spec.slug == "tutupan-lahan":
            for snapshot in LandCoverSnapshot.objects.select_related("legend").order_by("-year", "name"):
                rows.append(
                    {
                        "title": f"{spec.title} — {snapshot.name} ({snapshot.year})",
                        "slug": spec.slug,
                        "links": links(spec, snapshot),
                    }
                )
            rows.append(
                {
                    "title": _("%(layer)s — semua potret") % {"layer": spec.title},
                    "slug": spec.slug,
                    "links": links(spec, None),
                }
            )
        else:
            rows.append({"title": str(spec.title), "slug": spec.slug, "links": links(spec, None)})
    return rows

"""Vector tiles of the spatial layers, rendered by PostGIS (`ST_AsMVT`), one SQL statement per tile.

Every layer of the registry (`layers.LAYERS`) gets tiles and a TileJSON document from its `LayerSpec`;
this module adds only what is about display: zoom range, how small a feature may get before it is left
out at small scales, and the land-cover overview.

How a tile is made
- The bounding-box filter runs on the stored EPSG:4326 geometry against the tile envelope (plus a
  64-unit buffer) transformed to 4326 — one GiST index scan; only the rows found are transformed to
  3857 for `ST_AsMVTGeom`. (A web-mercator tile is a lon/lat rectangle, so that transform is exact.)
- Properties are the layer's attributes (choice codes, not labels: tiles are language-neutral and the
  page supplies the labels), the village code and name, the geodesic measure, and for land cover the
  legend class code, name and colour (`LegendClass.colour`).
- Land cover is filtered by one snapshot (`?snapshot=<id>`, default: the latest one with data).

Generalisation at small scales (why not `ST_SimplifyPreserveTopology`)
- Land cover is a mosaic: neighbours share edges. Per-feature simplification (Douglas-Peucker, with or
  without "preserve topology", which only protects a feature from itself) moves a shared edge
  differently in the two neighbours and opens gaps and slivers. `ST_AsMVTGeom` instead snaps every
  vertex to the same 4096 × 4096 tile grid, so shared edges stay shared; that quantisation is all the
  simplification the detailed zooms need (at z12 a tile unit is 2.4 m).
- Below `detail_zoom` the polygons are smaller than the screen pixels that would draw them (a z10 tile
  holds ~40,000 demo polygons). There the land cover is resampled like a categorical raster overview:
  the tile is cut into 64 × 64 cells (8 screen pixels each) and each cell gets the class holding most
  area in it (area-weighted mode, each polygon spread over the cells its bounding box covers), cells of
  one class are merged. Small, fast, and it still shows the pattern of the whole kabupaten at z8.
- Other layers keep their geometry but drop, below `detail_zoom`, features too small to see (area or
  length under a few screen pixels, from the stored geodesic measure: no geometry work) and classes
  that only matter close up (footpaths); points and buildings have a minimum zoom instead.
"""

import functools
import gzip
import hashlib
import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.db import connection, models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .layers import LAYERS, LayerSpec
from .models import LandCover, LegendClass

EXTENT = 4096  # tile coordinate units per side (the MVT default)
BUFFER = 64  # units around the tile kept for rendering across tile edges
MAX_ZOOM = 22  # requests above this are refused
# Bumped when the tile format (SQL, properties) changes, so validators and cached tiles from an earlier
# release are never reused.
TILE_FORMAT = 3
WEB_MERCATOR_HALF = 20037508.342789244  # metres from the antimeridian to Greenwich in EPSG:3857
OVERVIEW_CELLS = 64  # land-cover overview: cells per tile side (8 screen pixels of a 512-px tile)
OVERVIEW_MIN_COVER = 0.5  # a cell is drawn when mapped polygons cover at least half of it
TINY_PIXELS = 3.0  # below detail zoom, drop features smaller than this many screen pixels (side/length)
OFFSETS = "(VALUES (0), (1), (2), (3), (4), (5), (6), (7))"
TEXT_LIMIT = 300  # long free text (descriptions) is cut in tiles; the feature page has it whole


@dataclass(frozen=True)
class TileLayer:
    """Display settings of one registry layer."""

    slug: str
    minzoom: int
    maxzoom: int
    detail_zoom: int  # from this zoom on, every feature is in the tile
    geometry: str  # "polygon" | "line" | "point" | "mixed": how the map draws it
    # Extra SQL conditions on the feature row (alias f) at small scales: (below this zoom, condition),
    # e.g. no footpaths below z13, only asphalt roads and long rivers below z11.
    coarse_filters: tuple[tuple[int, str], ...] = ()

    @property
    def spec(self) -> LayerSpec:
        return LAYERS[self.slug]


TILE_LAYERS: dict[str, TileLayer] = {
    t.slug: t
    for t in [
        TileLayer("tutupan-lahan", minzoom=8, maxzoom=16, detail_zoom=12, geometry="polygon"),
        TileLayer("kawasan", minzoom=8, maxzoom=16, detail_zoom=12, geometry="polygon"),
        TileLayer("persil", minzoom=13, maxzoom=16, detail_zoom=13, geometry="polygon"),
        TileLayer("bangunan", minzoom=13, maxzoom=16, detail_zoom=13, geometry="polygon"),
        TileLayer(
            "jaringan",
            minzoom=8,
            maxzoom=16,
            detail_zoom=13,
            geometry="line",
            coarse_filters=(
                (13, "f.surface <> 'setapak'"),
                (11, "((f.kind = 'jalan' AND f.surface = 'aspal') OR (f.kind <> 'jalan' AND f.length_m > 2000))"),
            ),
        ),
        TileLayer("bencana", minzoom=9, maxzoom=16, detail_zoom=9, geometry="mixed"),
        TileLayer("potensi", minzoom=9, maxzoom=16, detail_zoom=9, geometry="mixed"),
        TileLayer("fasilitas", minzoom=10, maxzoom=16, detail_zoom=10, geometry="point"),
    ]
}
assert set(TILE_LAYERS) == set(LAYERS), "every registry layer needs display settings in tiles.TILE_LAYERS"

# Layer order on the map, bottom to top.
DRAW_ORDER = ["tutupan-lahan", "persil", "kawasan", "bangunan", "jaringan", "bencana", "potensi", "fasilitas"]


class TileError(Exception):
    """A request for a tile that does not exist; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 404):
        super().__init__(message)
        self.message = message
        self.status = status


# ---------------------------------------------------------------------------------------------------------
# Tile addressing
# ---------------------------------------------------------------------------------------------------------


def check_tile(layer: TileLayer, z: int, x: int, y: int) -> None:
    if z > min(MAX_ZOOM, layer.maxzoom) or x >= 2**z or y >= 2**z or min(z, x, y) < 0:
        raise TileError(
            _("Tile %(z)s/%(x)s/%(y)s di luar jangkauan lapisan %(layer)s (zoom 0–%(max)s, 0 ≤ x, y < 2^zoom).")
            % {"z": z, "x": x, "y": y, "layer": layer.slug, "max": layer.maxzoom}
        )


def tile_bounds_3857(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of an XYZ tile in EPSG:3857 metres (what ST_TileEnvelope gives)."""
    size = 2 * WEB_MERCATOR_HALF / 2**z
    xmin = -WEB_MERCATOR_HALF + x * size
    ymax = WEB_MERCATOR_HALF - y * size
    return xmin, ymax - size, xmin + size, ymax


def pixel_metres(z: int, latitude: float) -> float:
    """Ground size of one screen pixel of a 512-pixel tile at zoom z (what MapLibre draws)."""
    return 2 * math.pi * 6378137 * math.cos(math.radians(latitude)) / (512 * 2**z)


def tile_latitude(z: int, y: int) -> float:
    """Latitude of the middle of tile row y."""
    n = math.pi - 2 * math.pi * (y + 0.5) / 2**z
    return math.degrees(math.atan(math.sinh(n)))


# ---------------------------------------------------------------------------------------------------------
# Properties: from the layer's attribute schema
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TileField:
    name: str  # property name in the tile
    sql: str  # expression over f (feature), w (village), k (legend class)
    kind: str  # TileJSON field type: "Number" | "String" | "Boolean"
    label: str  # Bahasa label for popups


def tile_fields(spec: LayerSpec) -> list[TileField]:
    """The properties a layer's tiles carry, derived from its model (so a new attribute shows up)."""
    fields = [
        TileField("dusun", "w.kode", "String", str(_("Kode wilayah"))),
        TileField("dusun_nama", "w.nama", "String", settings.DUSUN_VILLAGE_WORD),
    ]
    for f in spec.attribute_fields:
        if f.name == "note":
            continue  # internal remarks stay off the public map
        label = capfirst(str(f.verbose_name))
        column = f"f.{f.column}"
        if isinstance(f, models.ForeignKey):
            if f.related_model is LegendClass:
                fields += [
                    TileField("kelas", "k.code", "String", str(_("Kode kelas"))),
                    TileField("kelas_nama", "k.name_id", "String", str(_("Kelas"))),
                    TileField("warna", "k.colour", "String", str(_("Warna"))),
                ]
            continue  # the snapshot is the tile's filter, other relations are not shown
        if isinstance(f, models.DateField):
            fields.append(TileField(f.name, f"to_char({column}, 'YYYY-MM-DD')", "String", label))
        elif isinstance(f, models.DecimalField | models.FloatField):
            fields.append(TileField(f.name, f"{column}::float8", "Number", label))
        elif isinstance(f, models.IntegerField):
            fields.append(TileField(f.name, column, "Number", label))
        elif isinstance(f, models.BooleanField):
            fields.append(TileField(f.name, column, "Boolean", label))
        elif isinstance(f, models.TextField):
            fields.append(TileField(f.name, f"nullif(left({column}, {TEXT_LIMIT}), '')", "String", label))
        else:
            fields.append(TileField(f.name, f"nullif({column}, '')", "String", label))
    if spec.measure:
        name, unit = spec.measure
        fields.append(
            TileField(name, f"f.{name}::float8", "Number", capfirst(str(spec.model._meta.get_field(name).verbose_name)))
        )
    fields.append(TileField("demo", "f.is_demo", "Boolean", str(_("Data demo"))))
    return fields


@functools.cache
def _property_sql(slug: str) -> str:
    """The SELECT list of a layer's properties (built once per process: the schema does not change)."""
    return ",\n               ".join(f'{f.sql} AS "{f.name}"' for f in tile_fields(LAYERS[slug]))


def _measure_floor(layer: TileLayer, z: int, y: int) -> str:
    """SQL condition dropping features too small to see at this zoom (below detail_zoom only)."""
    spec = layer.spec
    if z >= layer.detail_zoom or spec.measure is None:
        return ""
    name, unit = spec.measure
    side = TINY_PIXELS * pixel_metres(z, tile_latitude(z, y))
    if unit == "ha":
        return f" AND coalesce(f.{name}, 1e9) >= {side * side / 10000:.6f}"
    if unit == "m2":
        return f" AND coalesce(f.{name}, 1e9) >= {side * side:.3f}"
    return f" AND coalesce(f.{name}, 1e9) >= {side:.3f}"


# ---------------------------------------------------------------------------------------------------------
# Tile SQL
# ---------------------------------------------------------------------------------------------------------


def tile_sql(layer: TileLayer, z: int, x: int, y: int, snapshot_id: int | None = None) -> tuple[str, dict]:
    """The one statement that renders a tile, and its parameters. Returns an empty bytea for no data."""
    if layer.slug == "tutupan-lahan" and z < layer.detail_zoom:
        return _overview_sql(layer, z, x, y, snapshot_id)
    spec = layer.spec
    table = spec.model._meta.db_table
    props = _property_sql(layer.slug)
    joins = "JOIN wilayah_wilayah w ON w.id = f.dusun_id"
    where = "f.geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), 4326)"
    if spec.model is LandCover:
        joins += " JOIN ruang_legendclass k ON k.id = f.klass_id"
        where += " AND f.snapshot_id = %(snapshot)s"
    if z < layer.detail_zoom:
        where += _measure_floor(layer, z, y)
    for below, condition in layer.coarse_filters:
        if z < below:
            where += f" AND {condition}"
    sql = f"""
        SELECT ST_AsMVT(t, %(name)s, {EXTENT}, 'geom', 'id') FROM (
            SELECT f.id,
                   ST_AsMVTGeom(ST_Transform(f.geom, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                                {EXTENT}, {BUFFER}, true) AS geom,
                   {props}
            FROM {table} f {joins}
            WHERE {where}
        ) AS t WHERE t.geom IS NOT NULL
    """  # noqa: S608 (identifiers come from the model registry, values are parameters)
    params = {"name": layer.slug, "z": z, "x": x, "y": y, "margin": BUFFER / EXTENT, "snapshot": snapshot_id}
    return sql, params


def _overview_sql(layer: TileLayer, z: int, x: int, y: int, snapshot_id: int | None) -> tuple[str, dict]:
    """Land cover below detail zoom: area-weighted dominant class per 8-pixel cell (see module docs)."""
    xmin, _ymin, _xmax, ymax = tile_bounds_3857(z, x, y)
    cell = 2 * WEB_MERCATOR_HALF / 2**z / OVERVIEW_CELLS
    # True (ellipsoidal ≈ spherical) area of a cell in hectares at the tile's latitude.
    cell_ha = (cell * math.cos(math.radians(tile_latitude(z, y)))) ** 2 / 10000
    # Cell column of a longitude and cell row of a latitude (web mercator, rows counted from the top).
    column = "floor((({lon}) * %(half)s / 180.0 - %(xmin)s) / %(cell)s)::int"
    row = "floor((%(ymax)s - ln(tan(radians(45 + ({lat}) / 2.0))) * 6378137.0) / %(cell)s)::int"
    west, east = column.format(lon="ST_XMin(b.box)"), column.format(lon="ST_XMax(b.box)")
    north, south = row.format(lat="ST_YMax(b.box)"), row.format(lat="ST_YMin(b.box)")
    sql = f"""
        SELECT ST_AsMVT(t, %(name)s, {EXTENT}, 'geom') FROM (
            SELECT ST_AsMVTGeom(ST_MakeEnvelope(
                       %(xmin)s + r.gx0 * %(cell)s, %(ymax)s - (r.gy + 1) * %(cell)s,
                       %(xmin)s + (r.gx1 + 1) * %(cell)s, %(ymax)s - r.gy * %(cell)s, 3857),
                       ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {EXTENT}, 0, true) AS geom,
                   r.kelas, r.kelas_nama, r.warna, true AS ringkasan
            FROM (
                -- Runs of neighbouring cells of one class in a row become one rectangle.
                SELECT c.gy, min(c.gx) AS gx0, max(c.gx) AS gx1, c.kelas, c.kelas_nama, c.warna
                FROM (
                    SELECT d.*, d.gx - row_number() OVER (PARTITION BY d.gy, d.kelas ORDER BY d.gx) AS run
                    FROM (
                        -- The dominant class of each cell that mapped polygons cover well enough.
                        SELECT DISTINCT ON (v.gx, v.gy) v.gx, v.gy, v.kelas, v.kelas_nama, v.warna,
                               sum(v.ha) OVER (PARTITION BY v.gx, v.gy) AS cover
                        FROM (
                            SELECT p.gx0 + ox.d AS gx, p.gy0 + oy.d AS gy, k.code AS kelas,
                                   k.name_id AS kelas_nama, k.colour AS warna,
                                   sum(p.ha / ((p.gx1 - p.gx0 + 1) * (p.gy1 - p.gy0 + 1))) AS ha
                            FROM (
                                -- Each polygon's cell range, computed once from its bounding box
                                -- (OFFSET 0 keeps the planner from recomputing it per cell).
                                SELECT f.klass_id,
                                       coalesce(f.area_ha, ST_Area(f.geom::geography) / 10000) AS ha,
                                       {west} AS gx0, least({east}, {west} + 7) AS gx1,
                                       {north} AS gy0, least({south}, {north} + 7) AS gy1
                                FROM ruang_landcover f
                                CROSS JOIN LATERAL (SELECT Box2D(f.geom) AS box) AS b
                                WHERE f.geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4326)
                                  AND f.snapshot_id = %(snapshot)s
                                OFFSET 0
                            ) AS p
                            JOIN ruang_legendclass k ON k.id = p.klass_id
                            -- The cells its box covers (up to 8 × 8; a larger polygon counts on its first
                            -- 8 × 8). Fixed offsets, not generate_series: the planner then knows how few
                            -- rows come out and does not plan (or JIT-compile) for millions.
                            CROSS JOIN {OFFSETS} AS ox(d)
                            CROSS JOIN {OFFSETS} AS oy(d)
                            WHERE ox.d <= p.gx1 - p.gx0 AND oy.d <= p.gy1 - p.gy0
                              AND p.gx0 + ox.d BETWEEN 0 AND {OVERVIEW_CELLS - 1}
                              AND p.gy0 + oy.d BETWEEN 0 AND {OVERVIEW_CELLS - 1}
                            GROUP BY 1, 2, 3, 4, 5
                        ) AS v
                        ORDER BY v.gx, v.gy, v.ha DESC, v.kelas
                    ) AS d
                    WHERE d.cover >= %(min_cover)s
                ) AS c
                GROUP BY c.gy, c.run, c.kelas, c.kelas_nama, c.warna
            ) AS r
        ) AS t WHERE t.geom IS NOT NULL
    """  # noqa: S608 (no identifiers from input; values are parameters)
    params = {
        "name": layer.slug,
        "z": z,
        "x": x,
        "y": y,
        "xmin": xmin,
        "ymax": ymax,
        "cell": cell,
        "half": WEB_MERCATOR_HALF,
        "min_cover": OVERVIEW_MIN_COVER * cell_ha,
        "snapshot": snapshot_id,
    }
    return sql, params


def render_tile(layer: TileLayer, z: int, x: int, y: int, snapshot_id: int | None = None) -> bytes:
    """Run the tile SQL; b"" when the tile has no features."""
    if z < layer.minzoom:
        return b""
    sql, params = tile_sql(layer, z, x, y, snapshot_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] else b""


# ---------------------------------------------------------------------------------------------------------
# Versions, validators and the server-side cache
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerState:
    """What a tile request needs to know before rendering, read in one query."""

    version: int
    changed_at: datetime | None
    snapshot_id: int | None  # the resolved land-cover snapshot (None: other layers, or no snapshot at all)
    snapshot_exists: bool

    def token(self, layer: str) -> str:
        """A short, opaque version token: it changes whenever the layer's data (or the tile format) does.

        The change time is part of it, so a database restored to an earlier state, or a test that rolled
        back, can never be confused with the current data even when the counter is the same again."""
        stamp = self.changed_at.timestamp() if self.changed_at else 0
        raw = f"{TILE_FORMAT}:{layer}:{self.version}:{stamp:.6f}:{connection.settings_dict.get('NAME')}"
        return hashlib.blake2s(raw.encode(), digest_size=8).hexdigest()


def bump_marker(layer: str) -> str:
    """The transaction-local setting the version trigger (migration 0003) uses to bump once per transaction."""
    return "ruang_layer_bumped." + layer.replace("-", "_")


def layer_state(layer: TileLayer, snapshot_param: int | None = None) -> LayerState:
    """The layer's version and, for land cover, the snapshot to show (the given one, checked, or the
    latest with polygons).

    Reading the version also clears the trigger's "already bumped in this transaction" marker, so a
    write that follows a read in the same transaction (tests, scripts) moves the version again: the
    bump-once shortcut only ever merges writes nobody has looked at in between."""
    sql = "SELECT v.version, v.changed_at, set_config(%(marker)s, '', true)"
    if layer.spec.model is LandCover:
        if snapshot_param is None:
            sql += """, (SELECT s.id FROM ruang_landcoversnapshot s
                        WHERE EXISTS (SELECT 1 FROM ruang_landcover l WHERE l.snapshot_id = s.id)
                        ORDER BY s.year DESC, s.id DESC LIMIT 1), true"""
        else:
            sql += ", %(snapshot)s, EXISTS (SELECT 1 FROM ruang_landcoversnapshot WHERE id = %(snapshot)s)"
    sql += " FROM (SELECT 1) AS one LEFT JOIN ruang_layerversion v ON v.layer = %(layer)s"
    with connection.cursor() as cursor:
        cursor.execute(sql, {"layer": layer.slug, "snapshot": snapshot_param, "marker": bump_marker(layer.slug)})
        row = cursor.fetchone()
    version, changed_at = row[0] or 0, row[1]
    if layer.spec.model is not LandCover:
        return LayerState(version, changed_at, None, True)
    return LayerState(version, changed_at, row[3], bool(row[4]))


def tile_cache():
    """CACHES["tiles"] (settings.py): rendered tiles keyed by layer version, so they never expire by time."""
    return caches["tiles"]


def cache_key(layer: str, token: str, snapshot_id: int | None, z: int, x: int, y: int) -> str:
    return f"ruang-tile:{layer}:{token}:{snapshot_id or 0}:{z}:{x}:{y}"


def cached_tile_gzip(layer: TileLayer, state: LayerState, z: int, x: int, y: int) -> tuple[bytes, bool]:
    """The tile, gzip-compressed (b"" when empty), and whether it came from the cache.

    Tiles are stored compressed: MVT shrinks to about half, which is what a weak connection feels,
    and the cache holds twice as many."""
    if connection.in_atomic_block:
        # Inside a transaction the data may be uncommitted, or rolled back to a savepoint later, while
        # its version token stays the same: such tiles are never cached. Web requests run in autocommit.
        raw = render_tile(layer, z, x, y, state.snapshot_id)
        return (gzip.compress(raw, compresslevel=3, mtime=0) if raw else b""), False
    cache = tile_cache()
    key = cache_key(layer.slug, state.token(layer.slug), state.snapshot_id, z, x, y)
    hit = cache.get(key)
    if hit is not None:
        return hit, True
    raw = render_tile(layer, z, x, y, state.snapshot_id)
    data = gzip.compress(raw, compresslevel=3, mtime=0) if raw else b""
    cache.set(key, data, None)
    return data, False


# ---------------------------------------------------------------------------------------------------------
# TileJSON
# ---------------------------------------------------------------------------------------------------------


def kabupaten_bounds() -> list[float] | None:
    """[west, south, east, north] of the home kabupaten, rounded outwards to 1e-4°."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
            "FROM (SELECT ST_Extent(geom) AS e FROM wilayah_wilayah WHERE kode = %s) AS b",
            [settings.DUSUN_KABUPATEN_KODE],
        )
        row = cursor.fetchone()
    if not row or row[0] is None:
        return None
    w, s, e, n = row
    return [math.floor(w * 1e4) / 1e4, math.floor(s * 1e4) / 1e4, math.ceil(e * 1e4) / 1e4, math.ceil(n * 1e4) / 1e4]


def tilejson(layer: TileLayer, tiles_url: str, bounds: list[float] | None) -> dict:
    """A TileJSON 3.0.0 document for one layer; `tiles_url` is the absolute {z}/{x}/{y} template."""
    spec = layer.spec
    fields = {f.name: f.kind for f in tile_fields(spec)}
    description = str(spec.title)
    if layer.slug == "tutupan-lahan":
        fields |= {"ringkasan": "Boolean"}
        description += " — " + str(
            _(
                "di bawah zoom %(z)s ditampilkan ringkasan: kelas dominan (menurut luas) per sel 8 piksel; "
                "mulai zoom %(z)s setiap poligon."
            )
            % {"z": layer.detail_zoom}
        )
    doc = {
        "tilejson": "3.0.0",
        "name": str(spec.title),
        "description": description,
        "version": f"{TILE_FORMAT}.0.0",
        "attribution": "Dusun Online — Potensi Ruang Mikro Kabupaten Bungo",
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": layer.minzoom,
        "maxzoom": layer.maxzoom,
        "vector_layers": [
            {
                "id": layer.slug,
                "description": description,
                "minzoom": layer.minzoom,
                "maxzoom": layer.maxzoom,
                "fields": fields,
            }
        ],
    }
    if bounds:
        doc["bounds"] = bounds
        doc["center"] = [round((bounds[0] + bounds[2]) / 2, 4), round((bounds[1] + bounds[3]) / 2, 4), 10]
    return doc

"""Reading OGC API – Features requests: parameter parsing (every value checked before any query) and the
queries behind items, single features and extents. ORM only; identifiers come from the collection registry.

Choices made here (documented in the README section and in `docs/panduan/ogc.md`):
- `limit`: default 100; values above the maximum (1000) are clamped, as the standard allows, and the
  response then returns at most 1000 features with a `next` link. Zero, negative or non-integer: 400.
- Paging: `offset` (what GDAL and QGIS follow through the `next` link); `numberMatched` is exact (a count
  with the same filters; the unfiltered count of a layer is cached until the layer's data changes).
- `bbox`: 4 numbers (or 6, the heights are ignored) in CRS84, lon/lat ranges checked, min ≤ max (no
  antimeridian crossing: the data is in Jambi). Features whose geometry intersects the box (`ST_Intersects`,
  which uses the GiST index through `&&` first).
- `datetime`: an RFC 3339 date or date-time, or an interval `start/end` with `..` (or empty) for an open
  end. Layers filter on their date (survey date; the event date for hazards), compared as dates; land
  cover on the snapshot year (a feature of 2020 covers all of 2020). Boundaries have no time: 400.
- Simple property filters (`?dusun=15.08.14.2009`, `?kecamatan=15.08.14`, `?kind=sd`, …): the collection's
  queryables, each value checked against a pattern or the list of valid codes.
- Any other parameter: 400 (OGC API Features /req/core/query-param-unknown), naming the valid ones.
"""

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Max, Min, Q
from django.utils.translation import gettext as _

from dusun.ruang import tiles
from dusun.ruang.models import LandCoverSnapshot, LegendClass
from dusun.wilayah.models import Wilayah

from .collections import Collection

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84_ALIASES = {CRS84, "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "OGC:CRS84", "CRS84"}
DEFAULT_LIMIT = 100
PRECISION = 7  # decimal places of coordinates: ~1 cm at the equator, more than any survey here
MAX_PARAM_LENGTH = 200  # longer query values are refused before parsing
COMMON_PARAMS = ("f", "bbox", "bbox-crs", "crs", "limit", "offset", "datetime")
CACHE_SECONDS = 24 * 3600  # keys carry the layer version, so entries can only go stale by being unused

NUMBER_RE = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?\s*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
DIGITS_RE = re.compile(r"^\d{1,18}$")


def max_limit() -> int:
    """The largest page (settings.DUSUN_OGC_MAX_LIMIT; tests lower it to force paging in real clients)."""
    return int(getattr(settings, "DUSUN_OGC_MAX_LIMIT", 1000))


class OgcError(Exception):
    """A request that cannot be answered: `status` 400/404, an OGC exception `code` and a Bahasa description."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description


def _bad(description: str) -> OgcError:
    return OgcError(400, "InvalidParameterValue", description)


def _shown(value: str) -> str:
    """A bad value as quoted in a message: cut short, so a message never echoes a long injection attempt."""
    return value if len(value) <= 40 else value[:40] + "…"


@dataclass
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    interval: tuple[dt.date | None, dt.date | None] | None = None
    filters: dict[str, str] = field(default_factory=dict)
    clamped: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.bbox or self.interval or self.filters)


# ---------------------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------------------


def single_values(params, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query parameters as one value each; unknown, repeated or overlong ones are a 400."""
    values = {}
    for name in params:
        if name not in allowed:
            raise _bad(
                _("Parameter '%(name)s' tidak dikenal di sini. Parameter yang bisa dipakai: %(allowed)s.")
                % {"name": _shown(name), "allowed": ", ".join(allowed)}
            )
        got = params.getlist(name)
        if len(got) > 1:
            raise _bad(_("Parameter '%(name)s' diberikan lebih dari sekali; berikan sekali saja.") % {"name": name})
        if len(got[0]) > MAX_PARAM_LENGTH:
            raise _bad(
                _("Nilai parameter '%(name)s' terlalu panjang (lebih dari %(n)s karakter).")
                % {"name": name, "n": MAX_PARAM_LENGTH}
            )
        values[name] = got[0]
    return values


def check_crs(values: dict[str, str]) -> None:
    for name in ("crs", "bbox-crs"):
        value = values.get(name)
        if value and value.strip() not in CRS84_ALIASES:
            raise _bad(
                _("Parameter %(name)s hanya mendukung CRS84 (bujur, lintang WGS 84): %(crs)s. Diterima: %(v)s.")
                % {"name": name, "crs": CRS84, "v": _shown(value)}
            )


def parse_limit(value: str | None) -> tuple[int, bool]:
    """(limit, clamped). Above the maximum is clamped (allowed by OGC API Features); the rest is a 400."""
    if value is None or value == "":
        return min(DEFAULT_LIMIT, max_limit()), False
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise _bad(
            _("Parameter limit harus bilangan bulat 1–%(max)s, mis. limit=100 (diterima: %(v)s).")
            % {"max": max_limit(), "v": _shown(value)}
        )
    if len(value) > 9 or int(value) > max_limit():
        return max_limit(), True
    limit = int(value)
    if limit < 1:
        raise _bad(_("Parameter limit minimal 1 (diterima: %(v)s).") % {"v": value})
    return limit, False


def parse_offset(value: str | None) -> int:
    if value is None or value == "":
        return 0
    value = value.strip()
    if not DIGITS_RE.match(value):
        raise _bad(
            _("Parameter offset harus bilangan bulat 0 atau lebih, mis. offset=100 (diterima: %(v)s).")
            % {"v": _shown(value)}
        )
    return int(value)


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None or value == "":
        return None
    example = _("mis. bbox=102.05,-1.62,102.15,-1.55 (bujur barat, lintang selatan, bujur timur, lintang utara)")
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise _bad(
            _("Parameter bbox harus 4 angka dipisah koma, %(example)s; diterima %(n)s nilai.")
            % {"example": example, "n": len(parts)}
        )
    if not all(NUMBER_RE.match(p) for p in parts):
        raise _bad(_("Parameter bbox hanya boleh berisi angka, %(example)s.") % {"example": example})
    numbers = [float(p) for p in parts]
    if not all(math.isfinite(n) for n in numbers):
        raise _bad(_("Parameter bbox berisi angka yang tidak terhingga, %(example)s.") % {"example": example})
    if len(numbers) == 6:  # minx, miny, minz, maxx, maxy, maxz: heights are not used
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    west, south, east, north = numbers
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise _bad(_("Bujur pada bbox harus antara -180 dan 180, %(example)s.") % {"example": example})
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise _bad(_("Lintang pada bbox harus antara -90 dan 90, %(example)s.") % {"example": example})
    if west > east or south > north:
        raise _bad(
            _("Pada bbox, nilai minimum harus ≤ maksimum (barat ≤ timur, selatan ≤ utara), %(example)s.")
            % {"example": example}
        )
    return west, south, east, north


def _instant(value: str) -> dt.date:
    example = _("mis. 2020-05-31, 2020-05-31T10:00:00Z, 2019-01-01/2020-12-31 atau ../2020-12-31")
    try:
        if DATE_RE.match(value):
            return dt.date.fromisoformat(value)
        if DATETIME_RE.match(value):
            return dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00")).date()
    except ValueError:
        raise _bad(
            _("Tanggal '%(v)s' tidak ada di kalender, %(example)s.") % {"v": value, "example": example}
        ) from None
    raise _bad(
        _("Parameter datetime harus tanggal/waktu RFC 3339 atau selang, %(example)s (diterima: %(v)s).")
        % {"example": example, "v": _shown(value)}
    )


def parse_datetime(value: str | None) -> tuple[dt.date | None, dt.date | None] | None:
    """(start, end) as dates, None for an open end; None when there is no filter."""
    if value is None or value == "":
        return None
    value = value.strip()
    if "/" not in value:
        day = _instant(value)
        return day, day
    parts = value.split("/")
    if len(parts) != 2:
        raise _bad(_("Selang datetime ditulis awal/akhir dengan satu garis miring, mis. 2019-01-01/2020-12-31."))
    start, end = ((None if p in ("", "..") else _instant(p)) for p in parts)
    if start is None and end is None:
        raise _bad(_("Selang datetime perlu paling tidak satu ujung, mis. ../2020-12-31 atau 2019-01-01/.."))
    if start and end and start > end:
        raise _bad(_("Awal selang datetime (%(a)s) sesudah akhirnya (%(b)s).") % {"a": start, "b": end})
    return start, end


def parse_filters(collection: Collection, values: dict[str, str]) -> dict[str, str]:
    filters = {}
    for name, queryable in collection.queryables.items():
        value = values.get(name)
        if value is None or value == "":
            continue
        value = value.strip()
        if queryable.choices and value not in queryable.choices:
            raise _bad(
                _("Nilai '%(v)s' tidak dikenal untuk %(name)s. Nilai yang bisa dipakai: %(choices)s.")
                % {"v": _shown(value), "name": name, "choices": ", ".join(queryable.choices)}
            )
        if queryable.pattern and not queryable.pattern.match(value):
            raise _bad(
                _("Nilai '%(v)s' tidak sesuai format %(name)s, mis. %(name)s=%(example)s.")
                % {"v": _shown(value), "name": name, "example": queryable.example}
            )
        if queryable.integer and not (value.isascii() and value.isdigit() and len(value) <= 4):
            raise _bad(
                _("Parameter %(name)s harus tahun empat angka, mis. %(name)s=%(example)s (diterima: %(v)s).")
                % {"name": name, "example": queryable.example, "v": _shown(value)}
            )
        filters[name] = value
    return filters


def parse_items(collection: Collection, params) -> ItemsQuery:
    values = single_values(params, COMMON_PARAMS + tuple(collection.queryables))
    check_crs(values)
    limit, clamped = parse_limit(values.get("limit"))
    bbox = parse_bbox(values.get("bbox"))
    if bbox and covers_all(collection, bbox):
        bbox = None
    query = ItemsQuery(
        limit=limit,
        clamped=clamped,
        offset=parse_offset(values.get("offset")),
        bbox=bbox,
        interval=parse_datetime(values.get("datetime")),
        filters=parse_filters(collection, values),
    )
    if query.interval and collection.temporal is None:
        raise _bad(_("Koleksi %(id)s tidak punya dimensi waktu; hapus parameter datetime.") % {"id": collection.id})
    return query


# ---------------------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------------------


def covers_all(collection: Collection, bbox) -> bool:
    """Whether a bbox holds the whole collection (QGIS asks for its view): then it filters nothing, and the
    query can skip it (and use the cached count)."""
    spatial = extent(collection)["spatial"]
    if spatial is None:
        return False
    return bbox[0] <= spatial[0] and bbox[1] <= spatial[1] and bbox[2] >= spatial[2] and bbox[3] >= spatial[3]


def filtered(collection: Collection, query: ItemsQuery):
    qs = collection.queryset()
    if query.bbox:
        box = Polygon.from_bbox(query.bbox)
        box.srid = 4326
        # `&&` finds the candidates through the GiST index; a geometry whose box lies inside the query box
        # intersects it for sure (`@`, no geometry work), only the ones crossing its edge need ST_Intersects.
        qs = qs.filter(geom__bboverlaps=box).filter(Q(geom__contained=box) | Q(geom__intersects=box))
    if query.interval:
        start, end = query.interval
        lookup = collection.temporal.lookup
        if collection.temporal.granularity == "year":
            start, end = (start.year if start else None), (end.year if end else None)
        bounds = {}
        if start is not None:
            bounds[f"{lookup}__gte"] = start
        if end is not None:
            bounds[f"{lookup}__lte"] = end
        qs = _filter(qs, bounds)
    for name, value in query.filters.items():
        queryable = collection.queryables[name]
        if queryable.prefix:
            qs = _filter(qs, {f"{queryable.lookup}__startswith": value + "."})
        else:
            qs = _filter(qs, {queryable.lookup: int(value) if queryable.integer else value})
    return qs


# Conditions on a related table are turned into id lists first (a few dozen villages, one or two snapshots):
# on the feature table itself they are served by its (snapshot, dusun) / dusun indexes, where a join would
# make PostgreSQL walk the primary key for `ORDER BY id LIMIT` and filter 250,000 joined rows.
RESOLVED = {
    "dusun__": (Wilayah, "dusun_id"),
    "snapshot__": (LandCoverSnapshot, "snapshot_id"),
    "klass__": (LegendClass, "klass_id"),
}


def _filter(qs, conditions: dict):
    for lookup, value in conditions.items():
        for prefix, (model, column) in RESOLVED.items():
            if lookup.startswith(prefix) and qs.model is not model:
                ids = list(model.objects.filter(**{lookup.removeprefix(prefix): value}).values_list("pk", flat=True))
                qs = qs.filter(**{f"{column}__in": ids})
                break
        else:
            qs = qs.filter(**{lookup: value})
    return qs


def _version_token(collection: Collection) -> str | None:
    """A token that changes with the collection's data, for cache keys; None when nothing may be cached
    (boundaries are small enough to read every time; inside a transaction data may be rolled back)."""
    if collection.layer_slug is None or connection.in_atomic_block:
        return None
    return tiles.layer_state(tiles.TILE_LAYERS[collection.layer_slug]).token(collection.layer_slug)


def number_matched(collection: Collection, query: ItemsQuery, qs) -> int:
    """The exact count, cached per filter until the layer changes: a client paging through a result asks
    the same count on every page."""
    token = _version_token(collection)
    if token is None:
        return qs.count()
    filters = (query.bbox, query.interval, sorted(query.filters.items()))
    digest = hashlib.blake2s(repr(filters).encode(), digest_size=8).hexdigest()
    key = f"ogc-count:{collection.id}:{token}:{digest}"
    count = cache.get(key)
    if count is None:
        count = qs.count()
        cache.set(key, count, CACHE_SECONDS)
    return count


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _with_columns(collection: Collection, qs):
    """The queryset as rows of (id, GeoJSON geometry text, property values...), ordered by id."""
    aliases = {f"p{i}": expr for i, expr in enumerate(collection.properties.values())}
    return qs.order_by(collection.id_field).values_list(
        collection.id_field,
        AsGeoJSON("geom", precision=PRECISION),
        *aliases.values(),
    )


def feature_json(collection: Collection, row) -> str:
    """One GeoJSON Feature as text: the geometry is spliced in as PostGIS wrote it (no parse/re-dump)."""
    feature_id, geometry, *values = row
    properties = {name: _json_value(v) for name, v in zip(collection.properties, values, strict=True)}
    return (
        '{"type":"Feature","id":'
        + json.dumps(feature_id)
        + ',"geometry":'
        + (geometry or "null")
        + ',"properties":'
        + json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
        + "}"
    )


def page(collection: Collection, query: ItemsQuery) -> tuple[list[str], int]:
    """The features of one page (as GeoJSON text) and the number matched by the filters."""
    qs = filtered(collection, query)
    matched = number_matched(collection, query, qs)
    if query.offset >= matched:
        return [], matched
    # The page's ids first (an index walk), then their columns: OFFSET would otherwise compute the GeoJSON
    # of every skipped row (one second at offset 250,000 of the land cover).
    order = collection.id_field
    if collection.id_field == "pk" and (query.filters or query.interval):
        # `id + 0` hides the primary key from the planner: with an attribute filter it otherwise walks the
        # whole key in order and throws away what does not match (130 ms for one kecamatan of land cover);
        # sorting the matching rows found through the filter's index is a few ms.
        qs = qs.alias(_order=F("pk") + 0)
        order = "_order"
    ids = qs.order_by(order).values(collection.id_field)[query.offset : query.offset + query.limit]
    rows = _with_columns(collection, collection.queryset().filter(**{f"{collection.id_field}__in": ids}))
    return [feature_json(collection, row) for row in rows], matched


def feature_id_value(collection: Collection, feature_id: str):
    """The id as the database holds it, or None for one that cannot exist (then a 404, without a query)."""
    if collection.id_field == "pk":
        return int(feature_id) if DIGITS_RE.match(feature_id) else None
    return feature_id if re.match(r"^[0-9.]{2,20}$", feature_id) else None


def one_feature(collection: Collection, feature_id: str) -> str | None:
    value = feature_id_value(collection, feature_id)
    if value is None:
        return None
    row = _with_columns(collection, collection.queryset().filter(**{collection.id_field: value})).first()
    return feature_json(collection, row) if row else None


# ---------------------------------------------------------------------------------------------------------
# Extents
# ---------------------------------------------------------------------------------------------------------


def _round_out(bbox) -> list[float] | None:
    if not bbox or bbox[0] is None:
        return None
    w, s, e, n = bbox
    return [math.floor(w * 1e6) / 1e6, math.floor(s * 1e6) / 1e6, math.ceil(e * 1e6) / 1e6, math.ceil(n * 1e6) / 1e6]


def _compute_extent(collection: Collection) -> dict:
    qs = collection.queryset()
    spatial = _round_out(qs.aggregate(e=Extent("geom"))["e"])
    temporal = None
    if collection.temporal:
        lookup = collection.temporal.lookup
        bounds = qs.aggregate(a=Min(lookup), b=Max(lookup))
        if bounds["a"] is not None:
            if collection.temporal.granularity == "year":
                temporal = [f"{bounds['a']:04d}-01-01T00:00:00Z", f"{bounds['b']:04d}-12-31T23:59:59Z"]
            else:
                temporal = [f"{bounds['a'].isoformat()}T00:00:00Z", f"{bounds['b'].isoformat()}T23:59:59Z"]
    return {"spatial": spatial, "temporal": temporal}


def extent(collection: Collection) -> dict:
    """{"spatial": [w, s, e, n] | None, "temporal": [start, end] | None} of the collection's data,
    cached until the layer's data changes (the full land cover takes ~150 ms to measure)."""
    token = _version_token(collection)
    if token is None:
        return _compute_extent(collection)
    key = f"ogc-extent:{collection.id}:{token}"
    value = cache.get(key)
    if value is None:
        value = _compute_extent(collection)
        cache.set(key, value, CACHE_SECONDS)
    return value

"""Reads of the spatial layers: area statistics for a village, a kecamatan or the kabupaten.

Every number is geodesic (on the WGS 84 ellipsoid): land-cover and managed-area hectares and road
metres come from the measures the services (and the demo generator) store with `::geography`, or from
`ST_Area(geom::geography)` where a measure is missing; nothing is computed in a projected CRS.

A feature belongs to one village (`dusun`), so "the land cover of a kecamatan" is the land cover of its
villages (the Kemendagri code prefix), which keeps the sums consistent across levels: the kecamatan
total is exactly the sum of its villages. Managed areas are the exception: their share of a village is
spatial (the union of every kawasan polygon that overlaps the village, intersected with the village),
because a permit area does not follow village boundaries and may be recorded under a neighbour.
"""

from dataclasses import dataclass, field

from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dusun.wilayah.models import Level, Wilayah

from .models import (
    BuildingUse,
    FacilityKind,
    LandCoverSnapshot,
    LineKind,
    ManagedAreaKind,
    RoadCondition,
    RoadSurface,
)

AREA_NOUN = {Level.DESA: "dusun", Level.KECAMATAN: "kecamatan", Level.KABUPATEN: "kabupaten"}
SLIVER_HA = 0.01  # managed-area overlaps below this (100 m²) are boundary slivers, not shares


class StatsError(Exception):
    """A request the statistics cannot answer; the message is Bahasa, for the user."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _village_filter(area: Wilayah) -> tuple[str, list]:
    """SQL condition on `dusun_id` selecting the villages of an area (itself, for a village)."""
    if area.level == Level.DESA:
        return "dusun_id = %s", [area.pk]
    return (
        "dusun_id IN (SELECT id FROM wilayah_wilayah WHERE level = %s AND kode LIKE %s)",
        [int(Level.DESA), area.kode + ".%"],
    )


def get_area(kode: str, level: Level) -> Wilayah:
    area = Wilayah.objects.filter(kode=kode, level=level).select_related("parent").first()
    if area is None:
        raise StatsError(
            _("Wilayah %(noun)s dengan kode %(kode)s tidak ditemukan.") % {"noun": AREA_NOUN[level], "kode": kode},
            status=404,
        )
    return area


# Aggregates over a kabupaten read 100,000+ rows; they are kept per process, keyed by the versions of the
# layers they read (moved by database triggers on every write), so a cached answer is never stale.
_cache = LocMemCache("dusun-ruang-stats", {"TIMEOUT": 24 * 3600, "OPTIONS": {"MAX_ENTRIES": 2000}})


def cached_by_layer_version(name: str, parts: tuple, layers: list[str], compute):
    """`compute()`, cached until one of `layers` changes (their version is part of the key). Other modules'
    public statistics built on ruang's layers (portal indicators) share this cache."""
    if connection.in_atomic_block:
        return compute()  # possibly uncommitted data: never cached (see tiles.cached_tile_gzip)
    key = ":".join(
        [name, *map(str, parts), data_version(layers), get_language() or "", str(connection.settings_dict.get("NAME"))]
    )
    value = _cache.get(key)
    if value is None:
        value = compute()
        _cache.set(key, value)
    return value


def _cursor():
    cursor = connection.cursor()
    return cursor


# ---------------------------------------------------------------------------------------------------------
# Land-cover snapshots
# ---------------------------------------------------------------------------------------------------------


def snapshots_in(area: Wilayah) -> list[LandCoverSnapshot]:
    """Snapshots with at least one polygon in the area, newest first."""
    ids = cached_by_layer_version("snapshots", (area.kode,), ["tutupan-lahan"], lambda: _snapshot_ids(area))
    by_id = LandCoverSnapshot.objects.select_related("legend").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def _snapshot_ids(area: Wilayah) -> list[int]:
    condition, params = _village_filter(area)
    with _cursor() as cursor:
        cursor.execute(
            f"""SELECT s.id FROM ruang_landcoversnapshot s
                WHERE EXISTS (SELECT 1 FROM ruang_landcover l WHERE l.snapshot_id = s.id AND l.{condition})
                ORDER BY s.year DESC, s.id DESC""",  # noqa: S608 (condition is built here, values are parameters)
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def resolve_snapshot(area: Wilayah, year: str | None, legend: str | None = None) -> LandCoverSnapshot:
    """The snapshot asked for by `?snapshot=<year>` (and optionally `&legend=<code>`), or the latest one
    with data in the area. Errors name what exists, so the user can correct the request."""
    available = snapshots_in(area)
    years = sorted({s.year for s in available}, reverse=True)
    listing = ", ".join(str(y) for y in years) or _("tidak ada")
    if year in (None, ""):
        if not available:
            raise StatsError(
                _("Belum ada data tutupan lahan untuk %(area)s.") % {"area": area},
                status=404,
            )
        candidates = [s for s in available if not legend or s.legend.code == legend]
        if not candidates:
            raise StatsError(
                _("Tidak ada potret tutupan lahan dengan legenda %(legend)s di %(area)s.")
                % {"legend": legend, "area": area},
                status=404,
            )
        return candidates[0]
    year = year.strip()
    if not (year.isdigit() and len(year) == 4):
        raise StatsError(
            _("Parameter snapshot harus berupa tahun empat angka, mis. ?snapshot=2020 (diterima: %(value)s).")
            % {"value": year[:20]}
        )
    candidates = [s for s in available if s.year == int(year) and (not legend or s.legend.code == legend)]
    if not candidates:
        raise StatsError(
            _("Tidak ada potret tutupan lahan tahun %(year)s untuk %(area)s. Tahun yang tersedia: %(years)s.")
            % {"year": year, "area": area, "years": listing},
            status=404,
        )
    if len(candidates) > 1:
        # Two maps of the same year (e.g. KLHK and ICRAF): which one is meant must be said.
        raise StatsError(
            _("Ada %(n)s potret tahun %(year)s; tambahkan &legend=<kode>, salah satu dari: %(legends)s.")
            % {"n": len(candidates), "year": year, "legends": ", ".join(sorted({s.legend.code for s in candidates}))}
        )
    return candidates[0]


# ---------------------------------------------------------------------------------------------------------
# Land cover by class
# ---------------------------------------------------------------------------------------------------------


@dataclass
class ClassArea:
    code: str
    name: str
    name_en: str
    colour: str
    natural_forest: bool
    forest_category: str
    carbon_tc_ha: float | None
    ha: float
    polygons: int
    share: float = 0.0  # of the mapped total

    @property
    def label(self) -> str:
        """The class name in the page's language (legends carry Indonesian and English names)."""
        return self.name_en if (get_language() or "id").startswith("en") and self.name_en else self.name


@dataclass
class LandCoverStats:
    area: Wilayah
    snapshot: LandCoverSnapshot
    classes: list[ClassArea]
    total_ha: float
    polygons: int
    area_ha: float | None  # geodesic area of the boundary (wilayah.luas_ha)

    @property
    def natural_forest_ha(self) -> float:
        return sum(c.ha for c in self.classes if c.natural_forest)

    @property
    def coverage(self) -> float | None:
        """Mapped hectares over the boundary's hectares (1.0 = the land cover tiles the area)."""
        return self.total_ha / self.area_ha if self.area_ha else None

    def as_dict(self) -> dict:
        area, snapshot = self.area, self.snapshot
        return {
            "wilayah": {
                "kode": area.kode,
                "nama": area.nama,
                "tingkat": AREA_NOUN.get(Level(area.level), str(area.level)),
                "jenis": area.jenis,
                "luas_ha": round(self.area_ha, 2) if self.area_ha is not None else None,
            },
            "snapshot": {
                "id": snapshot.pk,
                "year": snapshot.year,
                "name": snapshot.name,
                "source": snapshot.source,
                "demo": snapshot.is_demo,
            },
            "legend": {"code": snapshot.legend.code, "name": snapshot.legend.name, "source": snapshot.legend.source},
            "classes": [
                {
                    "code": c.code,
                    "name": c.name,
                    "name_en": c.name_en,
                    "colour": c.colour,
                    "natural_forest": c.natural_forest,
                    "ha": round(c.ha, 4),
                    "share": round(c.share, 6),
                    "polygons": c.polygons,
                }
                for c in self.classes
            ],
            "total_ha": round(self.total_ha, 4),
            "natural_forest_ha": round(self.natural_forest_ha, 4),
            "polygons": self.polygons,
            "coverage": round(self.coverage, 6) if self.coverage is not None else None,
            "method": _(
                "Luas geodesik pada elipsoid WGS 84 (PostGIS ST_Area pada geography), dijumlahkan per kelas "
                "dari poligon milik setiap desa di wilayah ini."
            ),
        }


def landcover_stats(area: Wilayah, snapshot: LandCoverSnapshot) -> LandCoverStats:
    """Hectares per legend class of a snapshot in an area, largest first (cached per data version)."""
    return cached_by_layer_version(
        "landcover", (area.kode, snapshot.pk), ["tutupan-lahan"], lambda: landcover_stats_uncached(area, snapshot)
    )


def landcover_stats_uncached(area: Wilayah, snapshot: LandCoverSnapshot) -> LandCoverStats:
    """Hectares per legend class of a snapshot in an area, largest first (one aggregate query)."""
    condition, params = _village_filter(area)
    with _cursor() as cursor:
        cursor.execute(
            f"""
            SELECT k.code, k.name_id, k.name_en, k.colour, k.natural_forest, k.forest_category,
                   k.carbon_tc_ha::float8, a.ha, a.n
            FROM (SELECT klass_id, sum(coalesce(area_ha::float8, ST_Area(geom::geography) / 10000)) AS ha,
                         count(*) AS n
                  FROM ruang_landcover WHERE snapshot_id = %s AND {condition} GROUP BY klass_id) AS a
            JOIN ruang_legendclass k ON k.id = a.klass_id
            ORDER BY a.ha DESC, k.sort_order
            """,  # noqa: S608 (condition is built here, values are parameters)
            [snapshot.pk, *params],
        )
        classes = [ClassArea(*row) for row in cursor.fetchall()]
    total = sum(c.ha for c in classes)
    for c in classes:
        c.share = c.ha / total if total else 0.0
    return LandCoverStats(
        area=area,
        snapshot=snapshot,
        classes=classes,
        total_ha=total,
        polygons=sum(c.polygons for c in classes),
        area_ha=float(area.luas_ha) if area.luas_ha is not None else None,
    )


@dataclass
class VillageLandCover:
    kode: str
    nama: str
    area_ha: float | None
    mapped_ha: float
    natural_forest_ha: float
    dominant_code: str | None
    dominant_name: str | None
    dominant_colour: str | None

    @property
    def natural_forest_share(self) -> float | None:
        return self.natural_forest_ha / self.mapped_ha if self.mapped_ha else None


def landcover_by_village(area: Wilayah, snapshot: LandCoverSnapshot) -> list[VillageLandCover]:
    """For each village of a kecamatan or kabupaten: mapped hectares, natural forest and dominant class."""
    return cached_by_layer_version(
        "landcover-villages", (area.kode, snapshot.pk), ["tutupan-lahan"], lambda: _landcover_by_village(area, snapshot)
    )


def _landcover_by_village(area: Wilayah, snapshot: LandCoverSnapshot) -> list[VillageLandCover]:
    with _cursor() as cursor:
        cursor.execute(
            """
            WITH per_class AS (
                SELECT l.dusun_id, l.klass_id,
                       sum(coalesce(l.area_ha::float8, ST_Area(l.geom::geography) / 10000)) AS ha
                FROM ruang_landcover l
                WHERE l.snapshot_id = %s
                  AND l.dusun_id IN (SELECT id FROM wilayah_wilayah WHERE level = %s AND kode LIKE %s)
                GROUP BY l.dusun_id, l.klass_id
            ), ranked AS (
                SELECT p.*, row_number() OVER (PARTITION BY p.dusun_id ORDER BY p.ha DESC) AS rank
                FROM per_class p
            )
            SELECT w.kode, w.nama, w.luas_ha::float8,
                   coalesce(sum(r.ha), 0), coalesce(sum(r.ha) FILTER (WHERE k.natural_forest), 0),
                   max(k.code) FILTER (WHERE r.rank = 1), max(k.name_id) FILTER (WHERE r.rank = 1),
                   max(k.colour) FILTER (WHERE r.rank = 1)
            FROM wilayah_wilayah w
            LEFT JOIN ranked r ON r.dusun_id = w.id
            LEFT JOIN ruang_legendclass k ON k.id = r.klass_id
            WHERE w.level = %s AND w.kode LIKE %s
            GROUP BY w.kode, w.nama, w.luas_ha
            ORDER BY w.kode
            """,
            [snapshot.pk, int(Level.DESA), area.kode + ".%", int(Level.DESA), area.kode + ".%"],
        )
        return [VillageLandCover(*row) for row in cursor.fetchall()]


# ---------------------------------------------------------------------------------------------------------
# Facilities, roads, managed areas
# ---------------------------------------------------------------------------------------------------------


@dataclass
class CountRow:
    code: str
    label: str
    count: int


def facility_counts(area: Wilayah) -> list[CountRow]:
    """Facilities by kind, in the order of the kind list (schools, health, worship, …), zeros left out."""
    condition, params = _village_filter(area)
    with _cursor() as cursor:
        cursor.execute(f"SELECT kind, count(*) FROM ruang_facility WHERE {condition} GROUP BY kind", params)  # noqa: S608
        counts = dict(cursor.fetchall())
    return [
        CountRow(kind.value, str(kind.label), counts[kind.value]) for kind in FacilityKind if counts.get(kind.value)
    ]


@dataclass
class RoadTable:
    """Road length (km) by surface (rows) and condition (columns), with totals."""

    surfaces: list[tuple[str, str]]  # (code, label)
    conditions: list[tuple[str, str]]
    km: dict[tuple[str, str], float]
    other_lines: list[tuple[str, str, float]] = field(default_factory=list)  # rivers, irrigation… (code, label, km)

    def row(self, surface: str) -> list[float]:
        return [self.km.get((surface, c), 0.0) for c, _label in self.conditions]

    def row_total(self, surface: str) -> float:
        return sum(self.row(surface))

    def column_total(self, condition: str) -> float:
        return sum(self.km.get((s, condition), 0.0) for s, _label in self.surfaces)

    @property
    def total(self) -> float:
        return sum(self.km.values())

    @property
    def rows(self) -> list[dict]:
        return [
            {"code": code, "label": label, "cells": self.row(code), "total": self.row_total(code)}
            for code, label in self.surfaces
        ]

    @property
    def totals(self) -> list[float]:
        return [self.column_total(c) for c, _label in self.conditions]


def road_lengths(area: Wilayah) -> RoadTable:
    """Geodesic road length by surface and condition; other line kinds (rivers…) as plain totals."""
    condition, params = _village_filter(area)
    with _cursor() as cursor:
        cursor.execute(
            f"""SELECT kind, surface, condition,
                       sum(coalesce(length_m::float8, ST_Length(geom::geography))) / 1000
                FROM ruang_linefeature WHERE {condition} GROUP BY kind, surface, condition""",  # noqa: S608
            params,
        )
        rows = cursor.fetchall()
    unknown = ("", str(_("Tidak diketahui")))
    surfaces = [(s.value, str(s.label)) for s in RoadSurface] + [unknown]
    conditions = [(c.value, str(c.label)) for c in RoadCondition] + [unknown]
    km: dict[tuple[str, str], float] = {}
    others: dict[str, float] = {}
    for kind, surface, cond, length in rows:
        if kind == LineKind.JALAN:
            surface = surface if surface in RoadSurface.values else ""
            cond = cond if cond in RoadCondition.values else ""
            km[(surface, cond)] = km.get((surface, cond), 0.0) + length
        else:
            others[kind] = others.get(kind, 0.0) + length
    used_surfaces = [s for s in surfaces if any(key[0] == s[0] for key in km)]
    used_conditions = [c for c in conditions if any(key[1] == c[0] for key in km)]
    return RoadTable(
        surfaces=used_surfaces,
        conditions=used_conditions,
        km=km,
        other_lines=[(k.value, str(k.label), others[k.value]) for k in LineKind if k.value in others],
    )


@dataclass
class ManagedShare:
    kode: str
    nama: str
    area_ha: float | None
    managed_ha: float  # union of every kawasan polygon ∩ the village, counted once
    by_kind: dict[str, float]  # per kind (kinds may overlap each other, so these can sum to more)

    @property
    def share(self) -> float | None:
        return self.managed_ha / self.area_ha if self.area_ha else None


def managed_area_shares(area: Wilayah) -> list[ManagedShare]:
    """For each village of the area: hectares covered by managed areas (union, geodesic) and by kind.

    Villages without any managed area are listed with zero, so a kecamatan table shows them all."""
    return cached_by_layer_version("managed", (area.kode,), ["kawasan"], lambda: _managed_area_shares(area))


def _managed_area_shares(area: Wilayah) -> list[ManagedShare]:
    with _cursor() as cursor:
        cursor.execute(
            """
            WITH v AS (
                SELECT id, kode, nama, geom, luas_ha::float8 AS luas_ha FROM wilayah_wilayah
                WHERE level = %s AND (kode = %s OR kode LIKE %s) AND geom IS NOT NULL
            ), pieces AS (
                SELECT v.id AS village_id, m.kind,
                       ST_Intersection(m.geom, v.geom) AS geom
                FROM v JOIN ruang_managedarea m ON m.geom && v.geom AND ST_Intersects(m.geom, v.geom)
            ), by_kind AS (
                SELECT village_id, kind, ST_Area(ST_Union(geom)::geography) / 10000 AS ha
                FROM pieces GROUP BY village_id, kind
            ), total AS (
                SELECT village_id, ST_Area(ST_Union(geom)::geography) / 10000 AS ha FROM pieces GROUP BY village_id
            )
            SELECT v.kode, v.nama, v.luas_ha, coalesce(t.ha, 0),
                   coalesce((SELECT json_object_agg(b.kind, b.ha) FROM by_kind b WHERE b.village_id = v.id), '{}')
            FROM v LEFT JOIN total t ON t.village_id = v.id
            ORDER BY v.kode
            """,
            [int(Level.DESA), area.kode, area.kode + ".%"],
        )
        rows = cursor.fetchall()
    shares = []
    for kode, nama, luas, ha, kinds in rows:
        kinds = kinds if isinstance(kinds, dict) else _json_dict(kinds)
        # Simplified village boundaries overlap their neighbours by slivers; a permit area that only
        # grazes a village is not "in" it.
        kinds = {kind: value for kind, value in kinds.items() if value >= SLIVER_HA}
        shares.append(ManagedShare(kode, nama, luas, ha if ha >= SLIVER_HA else 0.0, kinds))
    return shares


def _json_dict(value) -> dict:
    import json

    return json.loads(value) if value else {}


def managed_kind_labels() -> dict[str, str]:
    return {k.value: str(k.label) for k in ManagedAreaKind}


def building_counts(area: Wilayah) -> list[CountRow]:
    """Building footprints by use (cached per data version: a kabupaten has 150,000+)."""
    return cached_by_layer_version("buildings", (area.kode,), ["bangunan"], lambda: _building_counts(area))


def _building_counts(area: Wilayah) -> list[CountRow]:
    condition, params = _village_filter(area)
    with _cursor() as cursor:
        cursor.execute(f"SELECT use, count(*) FROM ruang_building WHERE {condition} GROUP BY use", params)  # noqa: S608
        counts = dict(cursor.fetchall())
    return [CountRow(u.value, str(u.label), counts[u.value]) for u in BuildingUse if counts.get(u.value)]


# ---------------------------------------------------------------------------------------------------------
# Freshness (for caching pages and API answers)
# ---------------------------------------------------------------------------------------------------------


def data_version(layers: list[str]) -> str:
    """A token that changes when any of the given layers changes (from the trigger-kept versions).

    Like `tiles.layer_state`, reading clears the trigger's bump-once marker of these layers, so a later
    write in the same transaction moves the version again."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT l, v.version, v.changed_at, set_config('ruang_layer_bumped.' || replace(l, '-', '_'), '', true)
               FROM unnest(%s::text[]) AS l LEFT JOIN ruang_layerversion v ON v.layer = l ORDER BY l""",
            [sorted(layers)],
        )
        rows = cursor.fetchall()
    return "-".join(
        f"{version}.{changed_at.timestamp():.6f}" if changed_at else "0.0" for _layer, version, changed_at, _set in rows
    )

"""Reads of the administrative hierarchy: one place for the queries the pages and APIs share."""

import json

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Jenis, Level, Wilayah

# Simplified village boundaries leave slivers and small gaps between neighbours, so "touching" means
# lying within this distance (degrees; ≈ 55 m at Bungo's latitude), not sharing an exact edge.
NEIGHBOUR_TOLERANCE_DEG = 0.0005


def home_kabupaten() -> Wilayah:
    return get_object_or_404(Wilayah, kode=settings.DUSUN_KABUPATEN_KODE, level=Level.KABUPATEN)


def get_area(kode: str, level: Level) -> Wilayah:
    return get_object_or_404(Wilayah.objects.select_related("parent__parent"), kode=kode, level=level)


def villages_in(area: Wilayah, query: str = "") -> QuerySet[Wilayah]:
    villages = Wilayah.objects.villages().within(area).select_related("parent").order_by("parent__kode", "nama")
    query = query.strip()
    if query:
        villages = villages.filter(
            Q(nama__icontains=query)
            | Q(kode__startswith=query)
            | Q(kode_bps__startswith=query)
            | Q(parent__nama__icontains=query)
        )
    return villages


def village_counts(area: Wilayah) -> dict[str, int]:
    """How many desa (dusun) and kelurahan lie inside an area."""
    rows = Wilayah.objects.villages().within(area).values("jenis").annotate(n=Count("pk"))
    counts = {Jenis.DESA.value: 0, Jenis.KELURAHAN.value: 0}
    counts.update({row["jenis"]: row["n"] for row in rows})
    return counts


def kecamatan_in(kabupaten: Wilayah) -> QuerySet[Wilayah]:
    return (
        Wilayah.objects.kecamatan()
        .filter(parent=kabupaten)
        .annotate(jumlah_desa=Count("children", filter=Q(children__level=Level.DESA)))
        .order_by("kode")
    )


def group_by_kecamatan(villages) -> list[tuple[Wilayah, list[Wilayah]]]:
    """[(kecamatan, [villages…]), …] in code order, from villages fetched with their parent."""
    groups: dict[int, tuple[Wilayah, list[Wilayah]]] = {}
    for village in villages:
        groups.setdefault(village.parent_id, (village.parent, []))[1].append(village)
    return sorted(groups.values(), key=lambda group: group[0].kode)


def neighbours(area: Wilayah) -> QuerySet[Wilayah]:
    if area.geom is None:
        return Wilayah.objects.none()
    return (
        Wilayah.objects.filter(level=area.level, geom__dwithin=(area.geom, NEIGHBOUR_TOLERANCE_DEG))
        .exclude(pk=area.pk)
        .select_related("parent")
        .order_by("nama")
    )


def kecamatan_palette(kabupaten: Wilayah) -> dict[str, str]:
    """A distinct, colour-blind-aware colour per kecamatan (kode → hex), stable by code order."""
    colours = [
        "#4e79a7",
        "#f28e2b",
        "#e15759",
        "#76b7b2",
        "#59a14f",
        "#edc948",
        "#b07aa1",
        "#ff9da7",
        "#9c755f",
        "#bab0ac",
        "#1f77b4",
        "#8c564b",
        "#17becf",
        "#bcbd22",
        "#7f7f7f",
        "#d62728",
        "#2ca02c",
        "#9467bd",
        "#e377c2",
        "#aec7e8",
    ]
    kodes = Wilayah.objects.kecamatan().filter(parent=kabupaten).order_by("kode").values_list("kode", flat=True)
    return {kode: colours[i % len(colours)] for i, kode in enumerate(kodes)}


def village_feature_collection(area: Wilayah) -> dict:
    """All villages inside an area as a GeoJSON FeatureCollection (public attributes only)."""
    rows = (
        Wilayah.objects.villages()
        .within(area)
        .filter(geom__isnull=False)
        .select_related("parent")
        .annotate(geojson=AsGeoJSON("geom", precision=6))
        .order_by("kode")
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": v.kode,
                "geometry": json.loads(v.geojson),
                "properties": {
                    "kode": v.kode,
                    "kode_bps": v.kode_bps,
                    "nama": v.nama,
                    "jenis": v.jenis,
                    "kecamatan_kode": v.parent.kode,
                    "kecamatan_nama": v.parent.nama,
                    "area_ha": float(v.luas_ha) if v.luas_ha is not None else None,
                },
            }
            for v in rows
        ],
    }


def area_feature(area: Wilayah, role: str) -> dict:
    return {
        "type": "Feature",
        "id": area.kode,
        "geometry": None,
        "properties": {"kode": area.kode, "nama": area.nama, "role": role},
    }


def map_features(areas: list[tuple[Wilayah, str]]) -> dict:
    """A small FeatureCollection for one page's map: each area with a role ("focus", "neighbour", …)."""
    pks = [a.pk for a, _ in areas]
    geojson = dict(
        Wilayah.objects.filter(pk__in=pks, geom__isnull=False)
        .annotate(g=AsGeoJSON("geom", precision=6))
        .values_list("pk", "g")
    )
    features = []
    for area, role in areas:
        if area.pk in geojson:
            feature = area_feature(area, role)
            feature["geometry"] = json.loads(geojson[area.pk])
            features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def label_point(area: Wilayah) -> tuple[float, float] | None:
    """A point guaranteed inside the boundary (for labels and for clicking it in tests)."""
    row = Wilayah.objects.filter(pk=area.pk, geom__isnull=False).annotate(p=PointOnSurface("geom")).first()
    return (row.p.x, row.p.y) if row else None


def vector_tile(z: int, x: int, y: int, kabupaten: Wilayah) -> bytes:
    """One Mapbox Vector Tile of the kabupaten's villages, rendered by PostGIS (ST_AsMVT)."""
    sql = """
        WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS geom3857)
        SELECT ST_AsMVT(tile, 'dusun', 4096, 'geom') FROM (
            SELECT ST_AsMVTGeom(ST_Transform(w.geom, 3857), bounds.geom3857, 4096, 64, true) AS geom,
                   w.kode, w.nama, w.jenis, k.kode AS kecamatan_kode, k.nama AS kecamatan_nama,
                   w.luas_ha::float AS area_ha
            FROM wilayah_wilayah w JOIN wilayah_wilayah k ON k.id = w.parent_id, bounds
            WHERE w.level = %(level)s AND w.kode LIKE %(prefix)s AND w.geom IS NOT NULL
              AND w.geom && ST_Transform(bounds.geom3857, 4326)
        ) AS tile WHERE tile.geom IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"z": z, "x": x, "y": y, "level": int(Level.DESA), "prefix": kabupaten.kode + ".%"})
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] else b""

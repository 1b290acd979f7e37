"""The land-cover change matrix between two snapshots, computed in PostGIS, per village.

Definition (decision 0012). For a village, cell (i, j) is the geodesic area (ST_Area on geography) of the
intersections of every from-snapshot polygon of class i with every to-snapshot polygon of class j, both
recorded in that village. What a polygon's intersections leave of its stored area (`area_ha`) is put in
the "tidak terpetakan" (unmapped) column (from-polygons) or row (to-polygons): land mapped in one snapshot
but not in the other, plus numerical slivers. So each row sums exactly to the from-snapshot's class area
and each column to the to-snapshot's, and kecamatan and kabupaten matrices are sums of village matrices.

Identical geometries in both snapshots (the common case: the same field reclassified) are paired by exact
geometry equality first; every pair with at least one unpaired polygon is then intersected, so only the
neighbourhood of polygons whose outline changed costs a geometric intersection. A polygon whose
intersections exceed its own area by more than `OVERLAP_TOLERANCE_HA` means polygons of the other snapshot
overlap: refused with the polygon named.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from dusun.ruang.models import LandCoverSnapshot, LegendMapping

OVERLAP_TOLERANCE_HA = 0.001  # 10 m²


class ChangeError(Exception):
    """A change matrix that cannot be computed; the message is Bahasa, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def class_translation(from_snapshot: LandCoverSnapshot, to_snapshot: LandCoverSnapshot) -> tuple[int, dict, dict]:
    """(legend id of the matrix, from-class map, to-class map): identity when both snapshots share a legend;
    otherwise each class of one legend is read as its one mapped class of the other (LegendMapping)."""
    if from_snapshot.legend_id == to_snapshot.legend_id:
        return from_snapshot.legend_id, {}, {}
    for source, target, into_to in ((from_snapshot, to_snapshot, True), (to_snapshot, from_snapshot, False)):
        mapping = _mapping(source, target.legend_id)
        if mapping is None:
            continue
        return (target.legend_id, mapping, {}) if into_to else (target.legend_id, {}, mapping)
    raise ChangeError(
        _(
            "Potret %(a)s (legenda %(la)s) dan %(b)s (legenda %(lb)s) memakai legenda berbeda dan belum ada padanan "
            "kelas yang lengkap di antara keduanya. Tambahkan padanan kelas (LegendMapping) untuk setiap kelas, "
            "satu kelas tujuan per kelas asal, lalu hitung ulang."
        )
        % {"a": from_snapshot, "la": from_snapshot.legend.code, "b": to_snapshot, "lb": to_snapshot.legend.code}
    )


def _mapping(source: LandCoverSnapshot, target_legend: int) -> dict[int, int] | None:
    """Each class used by the source snapshot → its single class in the target legend, or None if any has
    none or more than one (an ambiguous crosswalk cannot decide which class an area counts as)."""
    source_legend = source.legend_id
    classes = list(source.polygons.values_list("klass_id", flat=True).distinct())
    targets = defaultdict(set)
    for src, dst in LegendMapping.objects.filter(
        source_class__legend_id=source_legend, target_class__legend_id=target_legend
    ).values_list("source_class_id", "target_class_id"):
        targets[src].add(dst)
    if any(len(targets[c]) != 1 for c in classes):
        return None
    return {c: next(iter(targets[c])) for c in classes}


@dataclass
class VillageMatrix:
    dusun_id: int
    cells: dict[tuple[int | None, int | None], float]
    from_polygons: int
    to_polygons: int


SQL_EQUAL = """
CREATE TEMP TABLE h_pair ON COMMIT DROP AS
SELECT a.id AS aid, b.id AS bid, a.dusun_id, a.klass_id AS ak, b.klass_id AS bk,
       coalesce(a.area_ha::float8, ST_Area(a.geom::geography) / 10000) AS ha
FROM ruang_landcover a
JOIN ruang_landcover b ON b.snapshot_id = %(to)s AND b.dusun_id = a.dusun_id AND b.geom ~= a.geom AND b.geom = a.geom
WHERE a.snapshot_id = %(from)s AND a.dusun_id = ANY(%(ids)s)
"""

SQL_INDEXES = ["CREATE INDEX ON h_pair (aid)", "CREATE INDEX ON h_pair (bid)", "ANALYZE h_pair"]

# Polygons without an identical twin, then every pair with at least one of them: (unpaired a, any b) and
# (paired a, unpaired b). With shared outlines both sets are small, so touching neighbours cost nothing.
SQL_FREE = [
    """CREATE TEMP TABLE h_free_a ON COMMIT DROP AS SELECT a.id FROM ruang_landcover a
       WHERE a.snapshot_id = %(from)s AND a.dusun_id = ANY(%(ids)s)
         AND NOT EXISTS (SELECT 1 FROM h_pair p WHERE p.aid = a.id)""",
    """CREATE TEMP TABLE h_free_b ON COMMIT DROP AS SELECT b.id FROM ruang_landcover b
       WHERE b.snapshot_id = %(to)s AND b.dusun_id = ANY(%(ids)s)
         AND NOT EXISTS (SELECT 1 FROM h_pair p WHERE p.bid = b.id)""",
    "CREATE INDEX ON h_free_a (id)",
    "ANALYZE h_free_a",
    "ANALYZE h_free_b",
]

# Neighbours that only share a boundary (most bounding-box hits in a tessellation) have no common area: the
# NOT ST_Touches test is cheaper than the overlay it saves and keeps the pair table 5–7× smaller (bench).
SQL_INTERSECT = [
    """INSERT INTO h_pair
       SELECT a.id, b.id, a.dusun_id, a.klass_id, b.klass_id,
              ST_Area(ST_Intersection(a.geom, b.geom)::geography) / 10000
       FROM h_free_a f JOIN ruang_landcover a ON a.id = f.id
       JOIN ruang_landcover b ON b.snapshot_id = %(to)s AND b.dusun_id = a.dusun_id AND b.geom && a.geom
       WHERE ST_Intersects(a.geom, b.geom) AND NOT ST_Touches(a.geom, b.geom)""",
    """INSERT INTO h_pair
       SELECT a.id, b.id, a.dusun_id, a.klass_id, b.klass_id,
              ST_Area(ST_Intersection(a.geom, b.geom)::geography) / 10000
       FROM h_free_b f JOIN ruang_landcover b ON b.id = f.id
       JOIN ruang_landcover a ON a.snapshot_id = %(from)s AND a.dusun_id = b.dusun_id AND a.geom && b.geom
       WHERE NOT EXISTS (SELECT 1 FROM h_free_a fa WHERE fa.id = a.id) AND ST_Intersects(a.geom, b.geom)
         AND NOT ST_Touches(a.geom, b.geom)""",
]

# The same (paired a, unpaired b) pairs, driven from the paired side: cheaper when fewer polygons are paired
# than unpaired in the second snapshot (the planner cannot know; in the bench's worst case nothing is paired
# and the statement above still probed every unpaired b's neighbours, a quarter of the village's time).
SQL_INTERSECT_FROM_PAIRED = """INSERT INTO h_pair
       SELECT a.id, b.id, a.dusun_id, a.klass_id, b.klass_id,
              ST_Area(ST_Intersection(a.geom, b.geom)::geography) / 10000
       FROM h_paired_a pa JOIN ruang_landcover a ON a.id = pa.aid
       JOIN ruang_landcover b ON b.snapshot_id = %(to)s AND b.dusun_id = a.dusun_id AND b.geom && a.geom
       JOIN h_free_b fb ON fb.id = b.id
       WHERE ST_Intersects(a.geom, b.geom) AND NOT ST_Touches(a.geom, b.geom)"""

# Two polygons of the first snapshot that overlap each other and are both unchanged in the second: each is
# paired with its twin only, so no intersection would show the overlap (counted twice). Only such paired
# pairs need this check: an overlap involving an unpaired polygon shows in the intersections above.
SQL_PAIRED_OVERLAPS = """
SELECT a1.id, a2.id, ST_Area(ST_Intersection(a1.geom, a2.geom)::geography) / 10000 AS ha
FROM h_paired_a p1 JOIN ruang_landcover a1 ON a1.id = p1.aid
JOIN ruang_landcover a2 ON a2.snapshot_id = %(from)s AND a2.dusun_id = a1.dusun_id AND a2.geom && a1.geom
                       AND a2.id > a1.id
JOIN h_paired_a p2 ON p2.aid = a2.id
WHERE ST_Intersects(a1.geom, a2.geom) AND NOT ST_Touches(a1.geom, a2.geom)
"""

# Per polygon: its stored area minus its intersections (the unmapped remainder, signed).
SQL_REMAINDERS = """
SELECT l.id, l.dusun_id, l.klass_id, l.snapshot_id = %(from)s AS is_from,
       coalesce(l.area_ha::float8, ST_Area(l.geom::geography) / 10000)
         - coalesce(CASE WHEN l.snapshot_id = %(from)s THEN (SELECT sum(p.ha) FROM h_pair p WHERE p.aid = l.id)
                         ELSE (SELECT sum(p.ha) FROM h_pair p WHERE p.bid = l.id) END, 0) AS rest
FROM ruang_landcover l
WHERE l.snapshot_id IN (%(from)s, %(to)s) AND l.dusun_id = ANY(%(ids)s)
"""

SQL_PAIRS = "SELECT dusun_id, ak, bk, sum(ha) FROM h_pair WHERE ha > 0 GROUP BY dusun_id, ak, bk"


def compute(
    from_snapshot: LandCoverSnapshot, to_snapshot: LandCoverSnapshot, dusun_ids: list[int], pair_equal: bool = True
) -> dict[int, VillageMatrix]:
    """The matrices of the given villages (must run inside a transaction: the pair table drops at commit).
    `pair_equal=False` intersects every pair (the bench's worst case: no outline shared between snapshots)."""
    _legend, from_map, to_map = class_translation(from_snapshot, to_snapshot)
    params = {"from": from_snapshot.pk, "to": to_snapshot.pk, "ids": list(dusun_ids)}
    result = {d: VillageMatrix(d, defaultdict(float), 0, 0) for d in dusun_ids}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS h_pair, h_free_a, h_free_b, h_paired_a")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(SQL_EQUAL if pair_equal else SQL_EQUAL + " AND false", params)
        paired = cursor.rowcount
        for sql in SQL_INDEXES:
            cursor.execute(sql)
        for sql in SQL_FREE:
            cursor.execute(sql, params)
        cursor.execute("SELECT count(*) FROM h_free_b")
        free_b = cursor.fetchone()[0]
        cursor.execute("CREATE TEMP TABLE h_paired_a ON COMMIT DROP AS SELECT DISTINCT aid FROM h_pair")
        if paired:
            cursor.execute(SQL_PAIRED_OVERLAPS, params)
            overlaps = [row for row in cursor.fetchall() if row[2] > OVERLAP_TOLERANCE_HA]
            if overlaps:
                first_id, second_id, ha = max(overlaps, key=lambda row: row[2])
                raise ChangeError(
                    _(
                        "Poligon tutupan lahan #%(a)s dan #%(b)s (potret %(snap)s, tidak berubah di potret %(other)s) "
                        "tumpang tindih %(ha)s ha (%(n)s pasangan seperti ini): luasnya akan terhitung dua kali. "
                        "Perbaiki tumpang tindihnya di penyunting peta lalu hitung ulang."
                    )
                    % {"a": first_id, "b": second_id, "snap": from_snapshot, "other": to_snapshot,
                       "ha": f"{ha:.4f}", "n": len(overlaps)}
                )  # fmt: skip
        cursor.execute(SQL_INTERSECT[0], params)
        if paired and free_b:  # otherwise no (paired a, unpaired b) pair can exist
            cursor.execute(SQL_INTERSECT[1] if free_b <= paired else SQL_INTERSECT_FROM_PAIRED, params)
        cursor.execute(SQL_PAIRS)
        for dusun_id, ak, bk, ha in cursor.fetchall():
            result[dusun_id].cells[(from_map.get(ak, ak), to_map.get(bk, bk))] += ha
        cursor.execute(SQL_REMAINDERS, params)
        remainders = cursor.fetchall()
        cursor.execute("DROP TABLE h_pair, h_free_a, h_free_b, h_paired_a")
    for polygon_id, dusun_id, klass_id, is_from, rest in remainders:
        matrix = result[dusun_id]
        if rest < -OVERLAP_TOLERANCE_HA:
            other = to_snapshot if is_from else from_snapshot
            raise ChangeError(
                _(
                    "Poligon tutupan lahan #%(id)s (potret %(snap)s) tertutup lebih dari sekali oleh poligon potret "
                    "%(other)s (kelebihan %(ha)s ha): poligon potret itu tumpang tindih. Perbaiki tumpang tindihnya "
                    "di penyunting peta lalu hitung ulang."
                )
                % {
                    "id": polygon_id,
                    "snap": from_snapshot if is_from else to_snapshot,
                    "other": other,
                    "ha": f"{-rest:.4f}",
                }
            )
        if is_from:
            matrix.from_polygons += 1
            key = (from_map.get(klass_id, klass_id), None)
        else:
            matrix.to_polygons += 1
            key = (None, to_map.get(klass_id, klass_id))
        matrix.cells[key] += rest
    return result

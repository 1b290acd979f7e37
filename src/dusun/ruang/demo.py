"""Synthetic, clearly-labelled demo data for the spatial layers, generated inside the real village
boundaries of the kabupaten.

Everything is built set-based in PostGIS (one statement per step, temp tables in between), so the full
kabupaten — over 100,000 land-cover polygons and 150,000 building footprints — takes a few minutes, not
hours of per-row ORM saves. Every row is flagged `is_demo=True` and `remove_demo_data` deletes them all.

How the landscape is made (a seeded spatial model, not random noise):
- **Rivers**: five main rivers crossing the kabupaten from the Bukit Barisan foothills in the west to the
  east (meandering courses from sums of sines; names are Bungo's rivers, the courses are synthetic), plus
  small streams in each village.
- **Settlement and roads**: each village's settlement sits by its river when one passes through it; roads
  link it to its nearest neighbours and a trunk road crosses the kabupaten through Muara Bungo. Urban
  kelurahan get a street grid and the transmigration villages of Pelepat Ilir a block grid, as they have.
- **Buildings**: house plots in one or two rows along the settlement roads, denser near the centre, plus
  garden huts (pondok kebun) scattered in the plantations.
- **Land cover** (ICRAF Bungo legend): each village is split into Voronoi cells (seeded points, denser
  along roads, so fields near the village are small and remote ones large) clipped to the boundary, so the
  cells tile the village exactly with no overlap. A cell's class follows an "upland" index (higher to the
  west and south-west, and in the foothill kecamatan Bathin III Ulu, Pelepat, Rantau Pandan and Limbur
  Lubuk Mengkuang), its distance to roads, rivers and the settlement, and the random character of the
  landscape unit it falls in (so classes form patches, not salt-and-pepper): forest far from roads in the
  uplands, rubber agroforestry almost everywhere, oil palm and rubber monoculture in the lowlands and along
  roads, paddy by the rivers near the settlement, settlement where the houses are, water in the rivers.
  A 2010 snapshot is derived from 2020 by undoing typical conversions (forest → rubber → oil palm), so
  the forest-change module has two dates to compare.
- **Facilities** are put in buildings near the centre (the building's use follows), **managed areas**
  (hutan desa, hutan lindung, oil-palm HGU) and a few **potentials** and **hazards** follow the land cover.

Randomness is a hash of (seed, what, village code, index or location), never row order, so the same seed
gives the same data. `--scale small` runs the same model on three villages (and the roads and streams of
the villages around them).
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from dusun.wilayah.models import Jenis, Level, Wilayah

from .models import (
    Building,
    Facility,
    Hazard,
    LandCover,
    LandCoverSnapshot,
    Legend,
    LineFeature,
    ManagedArea,
    Parcel,
    Potential,
)

DEMO_SOURCE = "Data demo sintetis (bukan data resmi)"
LEGEND_CODE = "icraf-bungo"
SNAPSHOT_YEARS = (2010, 2020)
# Villages of `--scale small`: an upland forest village of the Bujang Raba landscape, a lowland
# transmigration village with oil palm and its block grid, and an urban kelurahan of Muara Bungo.
SMALL_VILLAGES = ("15.08.14.2008", "15.08.09.2009", "15.08.03.1006")
# Kecamatan on the Bukit Barisan foothills, where forest keeps a higher share.
FOOTHILL_KECAMATAN = ("15.08.14", "15.08.06", "15.08.02", "15.08.07")
# Villages whose forest is given a hutan desa permit in the demo (the Bathin III Ulu pilot landscape).
HUTAN_DESA_VILLAGES = ("15.08.14.2008", "15.08.14.2009", "15.08.14.2006", "15.08.14.2003", "15.08.14.2002")
# Kecamatan where the demo puts PETI (illegal gold mining) reports along the rivers.
PETI_KECAMATAN = ("15.08.07", "15.08.06", "15.08.05", "15.08.17", "15.08.04", "15.08.02")
TRANSMIGRATION_KECAMATAN = ("15.08.09",)

MODELS = (LandCover, Facility, LineFeature, Potential, Hazard, ManagedArea, Building, Parcel)


@dataclass
class DemoReport:
    villages: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------------------
# SQL steps. Parameters: %(seed)s (text), %(kab)s (kabupaten code prefix pattern), %(selected)s (codes).
# `pg_temp.dr(key)` is a uniform [0, 1) number from the md5 of the key: reproducible and order-free.
# ---------------------------------------------------------------------------------------------------------

TEMP_TABLES = "dv, d_river, d_road, d_line, d_seg, d_bldg, d_unit, d_seed, d_cell, d_water, d_attr, d_draw, " + (
    "d_plan, d_fac, d_kawasan, d_potensi, d_bencana"
)

SQL_PREPARE = [
    # The temp tables drop at commit; a second run inside the same transaction (tests) starts clean.
    f"DROP TABLE IF EXISTS {TEMP_TABLES}",
    """
    CREATE OR REPLACE FUNCTION pg_temp.dr(k text) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT ('x' || substr(md5(k), 1, 13))::bit(52)::bigint / 4503599627370496.0 $$
    """,
    # The upland index: 0 in the eastern lowlands, 1 on the Bukit Barisan foothills (west, south-west).
    """
    CREATE OR REPLACE FUNCTION pg_temp.upland(lon double precision, lat double precision, foothill boolean)
    RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT least(1.0, greatest(0.0,
         (102.25 - lon) / 0.75 * 0.6 + (-1.35 - lat) / 0.5 * 0.4 + CASE WHEN foothill THEN 0.22 ELSE 0 END)) $$
    """,
    # A rectangle of w × d metres centred on (x, y), its w side along azimuth `az` (radians from north).
    """
    CREATE OR REPLACE FUNCTION pg_temp.footprint(x double precision, y double precision, az double precision,
                                                 w double precision, d double precision)
    RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT ST_SetSRID(ST_Translate(ST_Scale(ST_Rotate(ST_MakeEnvelope(-w / 2, -d / 2, w / 2, d / 2),
                         pi() / 2 - az), 1 / (111320 * cos(radians(y))), 1 / 110574.0), x, y), 4326) $$
    """,
    # A point `m` metres from (x, y) along azimuth `az`.
    """
    CREATE OR REPLACE FUNCTION pg_temp.offset_point(x double precision, y double precision,
                                                    az double precision, m double precision)
    RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT ST_SetSRID(ST_MakePoint(x + m * sin(az) / (111320 * cos(radians(y))),
                                      y + m * cos(az) / 110574.0), 4326) $$
    """,
    """
    CREATE TEMP TABLE dv ON COMMIT DROP AS
    SELECT w.id, w.kode, w.nama, w.jenis, k.kode AS kec, w.geom,
           ST_Area(w.geom::geography) / 10000.0 AS ha,
           ST_PointOnSurface(w.geom) AS pos,
           w.kode = ANY(%(selected)s) AS sel,
           k.kode = ANY(%(foothill)s) AS foothill,
           k.kode = ANY(%(trans)s) AS trans,
           NULL::geometry AS centre, 0.0::double precision AS u, 0.0::double precision AS rset
    FROM wilayah_wilayah w JOIN wilayah_wilayah k ON k.id = w.parent_id
    WHERE w.level = %(desa)s AND w.kode LIKE %(kab)s AND w.geom IS NOT NULL
      -- Roads and streams of villages within 15 km can reach the selected ones; farther ones cannot,
      -- so a small run leaves them out (and stays identical to the full run where it matters).
      AND ST_DWithin(w.geom, (SELECT ST_Collect(s.geom) FROM wilayah_wilayah s WHERE s.kode = ANY(%(selected)s)),
                     0.135)
    """,
    "CREATE INDEX ON dv USING gist (geom)",
    "ANALYZE dv",
]

SQL_RIVERS = [
    # Main rivers, west to east. Courses: a straight trend plus three sines of seeded phase and frequency.
    """
    CREATE TEMP TABLE d_river ON COMMIT DROP AS
    WITH spec(n, name, lon0, lat0, lon1, lat1, width) AS (VALUES
        (1, 'Batang Jujuhan', 101.40, -1.20, 102.56, -1.31, 45.0),
        (2, 'Batang Bungo', 101.40, -1.50, 102.56, -1.47, 55.0),
        (3, 'Batang Tebo', 101.40, -1.66, 102.56, -1.56, 70.0),
        (4, 'Batang Pelepat', 101.72, -1.88, 102.56, -1.64, 50.0),
        (5, 'Batang Senamat', 101.42, -1.79, 101.98, -1.63, 35.0)
    ), pts AS (
        SELECT s.n, i, s.lon0 + (s.lon1 - s.lon0) * i / 240.0 AS lon,
               s.lat0 + (s.lat1 - s.lat0) * i / 240.0
               + 0.028 * sin(2 * pi() * i / 240.0 * (2 + 2 * pg_temp.dr(%(seed)s || ':rv:f1:' || s.n))
                             + 2 * pi() * pg_temp.dr(%(seed)s || ':rv:p1:' || s.n))
               + 0.009 * sin(2 * pi() * i / 240.0 * (9 + 5 * pg_temp.dr(%(seed)s || ':rv:f2:' || s.n))
                             + 2 * pi() * pg_temp.dr(%(seed)s || ':rv:p2:' || s.n))
               + 0.003 * sin(2 * pi() * i / 240.0 * (31 + 9 * pg_temp.dr(%(seed)s || ':rv:f3:' || s.n))
                             + 2 * pi() * pg_temp.dr(%(seed)s || ':rv:p3:' || s.n)) AS lat
        FROM spec s, generate_series(0, 240) AS i
    )
    SELECT s.n, s.name, s.width, true AS main,
           ST_SetSRID(ST_MakeLine(ST_MakePoint(p.lon, p.lat) ORDER BY p.i), 4326) AS geom
    FROM spec s JOIN pts p USING (n) GROUP BY s.n, s.name, s.width
    """,
    # Streams: one to three per village, winding lines of 1.5–5 km from a seeded point inside it towards
    # the nearest main river (reaching it when it is close enough).
    """
    INSERT INTO d_river (n, name, width, main, geom)
    SELECT 100 + row_number() OVER (ORDER BY s.kode, s.j),
           'Sungai ' || s.nama || CASE WHEN s.j > 1 THEN ' ' || s.j ELSE '' END, 6.0, false,
           ST_SetSRID(ST_MakeLine(ARRAY(
               SELECT ST_MakePoint(
                   ST_X(s.start) + t * s.len * sin(s.az) / 111320
                   + 0.0025 * sin(6 * t + s.ph) * cos(s.az) * sin(pi() * t),
                   ST_Y(s.start) + t * s.len * cos(s.az) / 110574
                   - 0.0025 * sin(6 * t + s.ph) * sin(s.az) * sin(pi() * t))
               FROM generate_series(0, 1, 0.04) AS t ORDER BY t)), 4326)
    FROM (SELECT p.*, ST_Azimuth(p.start, p.mouth) AS az,
                 least(ST_Distance(p.start, p.mouth) * 111320,
                       1500 + 3500 * pg_temp.dr(%(seed)s || ':st:len:' || p.kode || p.j))
                   AS len
          FROM (SELECT v.kode, v.nama, j, g.start,
                       (SELECT ST_ClosestPoint(r.geom, g.start) FROM d_river r
                        ORDER BY r.geom <-> g.start LIMIT 1) AS mouth,
                       2 * pi() * pg_temp.dr(%(seed)s || ':st:ph:' || v.kode || j) AS ph
                FROM dv v
                CROSS JOIN LATERAL generate_series(1, 1 + (v.ha > 1500)::int + (v.ha > 5000)::int) AS j
                CROSS JOIN LATERAL (
                    SELECT (ST_Dump(ST_GeneratePoints(
                        v.geom, 1, (abs(hashtext(%(seed)s || ':st:' || v.kode || j)) %% 100000) + 1))).geom AS start
                ) AS g
                WHERE v.jenis <> 'kelurahan') AS p) AS s
    """,
    "CREATE INDEX ON d_river USING gist (geom)",
    "ANALYZE d_river",
    # The settlement centre: by the main river when one flows within 3 km of the village's inner point
    # (120 m inland from the bank), otherwise that inner point. Kelurahan keep their inner point.
    """
    UPDATE dv SET centre = COALESCE(
        (SELECT CASE WHEN ST_Distance(cp, dv.pos) > 0.0015
                     THEN ST_LineInterpolatePoint(ST_MakeLine(cp, dv.pos), 0.0011 / ST_Distance(cp, dv.pos))
                     ELSE dv.pos END
         FROM (SELECT ST_ClosestPoint(ST_CollectionExtract(ST_Intersection(r.geom, dv.geom), 2), dv.pos) AS cp
               FROM d_river r WHERE r.main AND ST_Intersects(r.geom, dv.geom)
               ORDER BY ST_Distance(r.geom, dv.pos) LIMIT 1) AS c
         WHERE ST_Distance(cp, dv.pos) < 0.027 AND dv.jenis <> 'kelurahan'), dv.pos)
    """,
    "UPDATE dv SET centre = pos WHERE NOT ST_Intersects(centre, geom)",
    """
    UPDATE dv SET u = pg_temp.upland(ST_X(centre), ST_Y(centre), foothill),
                  rset = CASE WHEN jenis = 'kelurahan' THEN least(5000, 300 + sqrt(ha) * 25) WHEN trans THEN 1100
                              ELSE least(1600, 360 + sqrt(ha) * 11) END
    """,
]

SQL_ROADS = [
    """
    CREATE TEMP TABLE d_road (rid serial, cls text, surface text, condition text, width numeric, name text,
                              own_village bigint, geom geometry(LineString, 4326)) ON COMMIT DROP
    """,
    # Links between neighbouring villages: each village to its three nearest neighbours (by centre).
    """
    INSERT INTO d_road (cls, surface, condition, width, name, geom)
    WITH pairs AS (
        SELECT a.id AS a_id, b.id AS b_id, a.kode AS ak, b.kode AS bk, a.nama AS an, b.nama AS bn,
               a.centre AS ac, b.centre AS bc, (a.u + b.u) / 2 AS u,
               row_number() OVER (PARTITION BY a.id ORDER BY ST_Distance(a.centre, b.centre)) AS rank
        FROM dv a JOIN dv b ON a.id <> b.id AND ST_DWithin(a.geom, b.geom, 0.0005)
    ), kept AS (
        SELECT DISTINCT least(a_id, b_id) AS x, greatest(a_id, b_id) AS y FROM pairs WHERE rank <= 3
    ), links AS (
        SELECT p.*, pg_temp.dr(%(seed)s || ':link:' || p.ak || p.bk) AS r1,
               pg_temp.dr(%(seed)s || ':link2:' || p.ak || p.bk) AS r2
        FROM pairs p JOIN kept k ON k.x = p.a_id AND k.y = p.b_id
    )
    SELECT 'antar',
           CASE WHEN u < 0.35 THEN 'aspal' WHEN u < 0.6 THEN (CASE WHEN r2 < 0.45 THEN 'aspal' ELSE 'kerikil' END)
                ELSE (CASE WHEN r2 < 0.5 THEN 'kerikil' ELSE 'tanah' END) END,
           CASE WHEN r1 < 0.35 THEN 'baik' WHEN r1 < 0.7 THEN 'sedang' WHEN r1 < 0.9 THEN 'rusak_ringan'
                ELSE 'rusak_berat' END,
           CASE WHEN u < 0.35 THEN 6 ELSE 4 END,
           'Jalan ' || an || ' – ' || bn,
           ST_ChaikinSmoothing(ST_MakeLine(ARRAY[
               ac,
               ST_SetSRID(ST_MakePoint(
                   ST_X(ac) + (ST_X(bc) - ST_X(ac)) * 0.33 - (ST_Y(bc) - ST_Y(ac)) * (r1 - 0.5) * 0.25,
                   ST_Y(ac) + (ST_Y(bc) - ST_Y(ac)) * 0.33 + (ST_X(bc) - ST_X(ac)) * (r1 - 0.5) * 0.25), 4326),
               ST_SetSRID(ST_MakePoint(
                   ST_X(ac) + (ST_X(bc) - ST_X(ac)) * 0.66 - (ST_Y(bc) - ST_Y(ac)) * (r2 - 0.5) * 0.25,
                   ST_Y(ac) + (ST_Y(bc) - ST_Y(ac)) * 0.66 + (ST_X(bc) - ST_X(ac)) * (r2 - 0.5) * 0.25), 4326),
               bc]), 3)
    FROM links
    """,
    # The trunk road (Jalan Lintas Sumatera) from the north-west through Muara Bungo to the south-east.
    """
    INSERT INTO d_road (cls, surface, condition, width, name, geom)
    SELECT 'lintas', 'aspal', 'baik', 7, 'Jalan Lintas Sumatera',
           ST_ChaikinSmoothing(ST_SetSRID(ST_MakeLine(ARRAY[
               ST_MakePoint(101.62, -1.12), ST_MakePoint(101.80, -1.27), ST_MakePoint(101.97, -1.40),
               ST_MakePoint(102.12, -1.485), ST_MakePoint(102.30, -1.56), ST_MakePoint(102.52, -1.64)]), 4326), 3)
    """,
    # Village roads: two to eight from the centre outwards, 0.6–4 km, gently winding.
    """
    INSERT INTO d_road (cls, surface, condition, width, name, geom)
    SELECT 'lokal',
           CASE WHEN r2 < 0.3 THEN 'beton' WHEN r2 < 0.55 THEN 'kerikil' ELSE 'tanah' END,
           CASE WHEN r3 < 0.3 THEN 'baik' WHEN r3 < 0.65 THEN 'sedang' WHEN r3 < 0.88 THEN 'rusak_ringan'
                ELSE 'rusak_berat' END,
           3, 'Jalan Dusun ' || nama || ' ' || j,
           ST_ChaikinSmoothing(ST_MakeLine(ARRAY(
               SELECT pg_temp.offset_point(ST_X(centre), ST_Y(centre),
                                           az + 0.25 * sin(k * 2.1 + r3 * 6) * (k > 0)::int, len * k / 5.0)
               FROM generate_series(0, 5) AS k ORDER BY k)), 2)
    FROM (SELECT v.*, j,
                 2 * pi() * (j / (2.0 + least(6, floor(v.ha / 1500)))
                             + 0.3 * pg_temp.dr(%(seed)s || ':lok:az:' || v.kode || j)) AS az,
                 least(4000, 600 + 2400 * pg_temp.dr(%(seed)s || ':lok:len:' || v.kode || j) + sqrt(v.ha) * 12) AS len,
                 pg_temp.dr(%(seed)s || ':lok:s:' || v.kode || j) AS r2,
                 pg_temp.dr(%(seed)s || ':lok:c:' || v.kode || j) AS r3
          FROM dv v CROSS JOIN LATERAL generate_series(1, 2 + least(6, floor(v.ha / 1500))::int) AS j
          WHERE v.jenis <> 'kelurahan') AS s
    """,
    # Street grids: 140 m blocks in the urban kelurahan, 550 m blocks in the transmigration villages,
    # turned by a seeded angle and kept to their own village.
    """
    INSERT INTO d_road (cls, surface, condition, width, name, own_village, geom)
    SELECT CASE WHEN g.urban THEN 'kota' ELSE 'blok' END,
           CASE WHEN g.urban THEN (CASE WHEN r < 0.6 THEN 'aspal' ELSE 'beton' END)
                ELSE (CASE WHEN r < 0.5 THEN 'kerikil' ELSE 'tanah' END) END,
           CASE WHEN r < 0.4 THEN 'baik' WHEN r < 0.75 THEN 'sedang' ELSE 'rusak_ringan' END,
           CASE WHEN g.urban THEN 5 ELSE 4 END,
           CASE WHEN g.urban THEN 'Jalan Lingkungan ' ELSE 'Jalan Blok ' END || g.nama || ' ' || g.k || g.axis,
           g.id,
           ST_MakeLine(pg_temp.offset_point(ST_X(g.p), ST_Y(g.p), g.az + pi(), g.half),
                       pg_temp.offset_point(ST_X(g.p), ST_Y(g.p), g.az, g.half))
    FROM (SELECT v.id, v.nama, k, axis, (v.jenis = 'kelurahan') AS urban, half,
                 pg_temp.dr(%(seed)s || ':grid:' || v.kode || k || axis) AS r,
                 base + CASE WHEN axis = 'a' THEN 0 ELSE pi() / 2 END AS az,
                 pg_temp.offset_point(ST_X(v.centre), ST_Y(v.centre),
                                      base + CASE WHEN axis = 'a' THEN pi() / 2 ELSE 0 END, k * spacing) AS p
          FROM (SELECT v.*, CASE WHEN v.jenis = 'kelurahan' THEN 140 ELSE 550 END AS spacing,
                       pi() / 2 * pg_temp.dr(%(seed)s || ':grid:az:' || v.kode) AS base,
                       ST_Distance(ST_Centroid(ST_Envelope(v.geom)), ST_PointN(ST_ExteriorRing(ST_Envelope(v.geom)), 1))
                         * 111320 + ST_Distance(v.centre, ST_Centroid(ST_Envelope(v.geom))) * 111320 AS half
                FROM dv v WHERE v.jenis = 'kelurahan' OR v.trans) AS v
          CROSS JOIN LATERAL generate_series(-ceil(v.half / v.spacing)::int, ceil(v.half / v.spacing)::int) AS k
          CROSS JOIN (VALUES ('a'), ('b')) AS axes(axis)) AS g
    """,
    # Footpaths (jalan setapak) into the gardens, branching off the village roads.
    """
    INSERT INTO d_road (cls, surface, condition, width, name, geom)
    SELECT 'setapak', 'setapak', 'sedang', 1.5, 'Jalan setapak ' || s.nama || ' ' || s.j,
           ST_ChaikinSmoothing(ST_MakeLine(ARRAY(
               SELECT pg_temp.offset_point(ST_X(s.start), ST_Y(s.start),
                                           s.az + 0.3 * sin(k * 1.7 + s.r * 5) * (k > 0)::int, s.len * k / 4.0)
               FROM generate_series(0, 4) AS k ORDER BY k)), 2)
    FROM (SELECT v.nama, j,
                 ST_LineInterpolatePoint(r.geom, 0.25 + 0.7 * pg_temp.dr(%(seed)s || ':sp:f:' || v.kode || j)) AS start,
                 2 * pi() * pg_temp.dr(%(seed)s || ':sp:az:' || v.kode || j) AS az,
                 400 + 1200 * pg_temp.dr(%(seed)s || ':sp:len:' || v.kode || j) AS len,
                 pg_temp.dr(%(seed)s || ':sp:r:' || v.kode || j) AS r
          FROM dv v
          CROSS JOIN LATERAL generate_series(1, 1 + least(14, floor(v.ha / 600))::int) AS j
          CROSS JOIN LATERAL (SELECT geom FROM d_road
                              WHERE cls = 'lokal' AND name LIKE 'Jalan Dusun ' || v.nama || ' %%'
                              ORDER BY rid OFFSET (j - 1) %% (2 + least(6, floor(v.ha / 1500))::int) LIMIT 1) AS r
          WHERE v.jenis <> 'kelurahan') AS s
    """,
    "CREATE INDEX ON d_road USING gist (geom)",
    "ANALYZE d_road",
]

SQL_LINES = [
    # Every line cut at the village boundaries: each piece belongs to the village it lies in.
    """
    CREATE TEMP TABLE d_line ON COMMIT DROP AS
    SELECT v.id AS dusun_id, v.kode, 'jalan'::text AS kind, r.cls, r.surface, r.condition, r.width, r.name,
           ST_Multi(ST_CollectionExtract(ST_Intersection(r.geom, v.geom), 2)) AS geom
    FROM d_road r JOIN dv v ON v.sel AND ST_Intersects(r.geom, v.geom)
    WHERE r.own_village IS NULL OR r.own_village = v.id
    UNION ALL
    SELECT v.id, v.kode, 'sungai', CASE WHEN r.main THEN 'utama' ELSE 'anak' END, '', '', NULL, r.name,
           ST_Multi(ST_CollectionExtract(ST_Intersection(r.geom, v.geom), 2))
    FROM d_river r JOIN dv v ON v.sel AND ST_Intersects(r.geom, v.geom)
    """,
    "DELETE FROM d_line WHERE ST_IsEmpty(geom) OR ST_Length(geom::geography) < 30",
    "CREATE INDEX ON d_line USING gist (geom)",
    "ANALYZE d_line",
]

SQL_BUILDINGS = [
    # Settlement road pieces: roads (not footpaths) within the settlement radius of the centre.
    """
    CREATE TEMP TABLE d_seg ON COMMIT DROP AS
    SELECT s.kode || ':' || s.name || ':' || coalesce(s.path[1], 0) AS sid, s.dusun_id, s.urban, s.geom,
           ST_Length(s.geom::geography) AS len
    FROM (SELECT l.dusun_id, l.kode, l.name, v.jenis = 'kelurahan' AS urban, d.path, d.geom
          FROM d_line l JOIN dv v ON v.id = l.dusun_id
          CROSS JOIN LATERAL ST_Dump(ST_Intersection(l.geom, ST_Buffer(v.centre::geography, v.rset)::geometry)) AS d
          WHERE l.kind = 'jalan' AND l.surface <> 'setapak') AS s
    WHERE ST_GeometryType(s.geom) = 'ST_LineString'
    """,
    # House plots every 25 m (16 m in town) on both sides, in a front row 12–18 m from the road axis and a
    # back row 36–44 m, kept with a probability that falls with the distance from the centre.
    """
    CREATE TEMP TABLE d_bldg ON COMMIT DROP AS
    SELECT row_number() OVER () AS bid, q.dusun_id, 'rumah'::text AS use, q.floors,
           pg_temp.footprint(ST_X(q.c), ST_Y(q.c), q.az, q.w, q.d) AS geom, q.brow
    FROM (
        SELECT p.dusun_id, p.az, p.brow,
               pg_temp.offset_point(ST_X(p.pt), ST_Y(p.pt), p.az + p.side * pi() / 2,
                                    CASE WHEN p.brow = 1 THEN 12 + 6 * p.r1 ELSE 36 + 8 * p.r1 END) AS c,
               6 + 4 * p.r2 AS w, 7 + 5 * p.r3 AS d,
               CASE WHEN p.urban AND p.r4 < 0.25 THEN 2 ELSE 1 END AS floors,
               p.keep, p.r4
        FROM (
            SELECT s.dusun_id, s.urban, brow, side,
                   ST_LineInterpolatePoint(s.geom, (i + 0.5) / n) AS pt,
                   ST_Azimuth(ST_LineInterpolatePoint(s.geom, greatest(0, (i + 0.5) / n - 0.4 / n)),
                              ST_LineInterpolatePoint(s.geom, least(1, (i + 0.5) / n + 0.4 / n))) AS az,
                   pg_temp.dr(%(seed)s || ':b1:' || s.sid || ':' || i || side || brow) AS r1,
                   pg_temp.dr(%(seed)s || ':b2:' || s.sid || ':' || i || side || brow) AS r2,
                   pg_temp.dr(%(seed)s || ':b3:' || s.sid || ':' || i || side || brow) AS r3,
                   pg_temp.dr(%(seed)s || ':b4:' || s.sid || ':' || i || side || brow) AS r4,
                   CASE WHEN s.urban THEN (CASE WHEN brow = 1 THEN 0.93 ELSE 0.8 END)
                        ELSE greatest(0.05, (CASE WHEN brow = 1 THEN 0.92 ELSE 0.5 END)
                             - 0.6 * ST_Distance(ST_LineInterpolatePoint(s.geom, (i + 0.5) / n), v.centre)
                               * 111320 / v.rset) END AS keep
            FROM (SELECT d.*, greatest(1, floor(d.len / CASE WHEN d.urban THEN 16 ELSE 25 END))::int AS n
                  FROM d_seg d) AS s
            JOIN dv v ON v.id = s.dusun_id
            CROSS JOIN LATERAL generate_series(0, s.n - 1) AS i
            CROSS JOIN (VALUES (-1), (1)) AS sides(side)
            CROSS JOIN (VALUES (1), (2)) AS brows(brow)
        ) AS p
    ) AS q
    WHERE q.r4 < q.keep
    """,
    "CREATE INDEX ON d_bldg USING gist (geom)",
    "ANALYZE d_bldg",
    # Where roads cross or bend, plots collide: keep the first of any two overlapping footprints, drop any
    # footprint a road runs through, and any outside its village.
    """
    DELETE FROM d_bldg b USING d_bldg o
    WHERE o.bid < b.bid AND b.geom && o.geom AND ST_Intersects(b.geom, o.geom)
    """,
    """
    DELETE FROM d_bldg b USING d_line l
    WHERE l.kind = 'jalan' AND l.geom && b.geom AND ST_Intersects(b.geom, l.geom)
    """,
    """
    DELETE FROM d_bldg b USING d_line l
    WHERE l.kind = 'sungai' AND l.geom && b.geom AND ST_Intersects(b.geom, l.geom)
    """,
    "DELETE FROM d_bldg b USING dv v WHERE v.id = b.dusun_id AND NOT ST_Within(b.geom, v.geom)",
    "ANALYZE d_bldg",
]

SQL_LANDCOVER = [
    # Landscape units: ~1.3 km irregular patches (the Voronoi regions of 3,000 seeded points over the
    # kabupaten), each with its own random character, so land cover comes in patches.
    """
    CREATE TEMP TABLE d_unit ON COMMIT DROP AS
    SELECT row_number() OVER () AS uid, d.geom
    FROM (SELECT (ST_Dump(ST_GeneratePoints(geom, 3000,
                                         (abs(hashtext(%(seed)s || ':units')) %% 1000000) + 1))).geom
          FROM wilayah_wilayah WHERE kode = %(kab_kode)s) AS d
    """,
    "CREATE INDEX ON d_unit USING gist (geom)",
    "ANALYZE d_unit",
    # Voronoi seeds: uniform over the village (one per ~11 ha) plus points beside the roads (one per ~55 m
    # of road, 0–700 m off it, more of them close), so fields near the settlement come out small.
    """
    CREATE TEMP TABLE d_seed ON COMMIT DROP AS
    SELECT v.id AS dusun_id, (ST_Dump(ST_GeneratePoints(v.geom, greatest(3, ceil(v.ha / 11))::int,
                                       (abs(hashtext(%(seed)s || ':seed:' || v.kode)) %% 1000000) + 1))).geom AS geom
    FROM dv v WHERE v.sel
    UNION ALL
    SELECT l.dusun_id,
           pg_temp.offset_point(ST_X(p), ST_Y(p), az + pi() / 2 * (CASE WHEN r1 < 0.5 THEN 1 ELSE -1 END),
                                700 * r2 * r2)
    FROM (SELECT l.dusun_id, ln.geom AS line, i, nn.n, l.name,
                 ST_LineInterpolatePoint(ln.geom, (i + 0.5) / n) AS p,
                 ST_Azimuth(ST_StartPoint(ln.geom), ST_EndPoint(ln.geom)) AS az,
                 pg_temp.dr(%(seed)s || ':sd1:' || l.kode || l.name || coalesce(ln.path[1], 0) || ':' || i) AS r1,
                 pg_temp.dr(%(seed)s || ':sd2:' || l.kode || l.name || coalesce(ln.path[1], 0) || ':' || i) AS r2
          FROM d_line l
          CROSS JOIN LATERAL ST_Dump(l.geom) AS ln
          CROSS JOIN LATERAL (SELECT greatest(1, floor(ST_Length(ln.geom::geography) / 55))::int AS n) AS nn
          CROSS JOIN LATERAL generate_series(0, nn.n - 1) AS i
          WHERE l.kind = 'jalan' AND l.surface <> 'setapak') AS l
    """,
    """
    DELETE FROM d_seed s USING dv v WHERE v.id = s.dusun_id AND NOT ST_Intersects(s.geom, v.geom)
    """,
    # Voronoi cells clipped to the village: they tile it exactly.
    """
    CREATE TEMP TABLE d_cell ON COMMIT DROP AS
    SELECT row_number() OVER (ORDER BY c.dusun_id, c.path) AS cid, c.dusun_id,
           CASE WHEN ST_Within(c.geom, v.geom) THEN c.geom
                ELSE ST_CollectionExtract(ST_Intersection(c.geom, v.geom), 3) END AS geom,
           NULL::text AS c2020, NULL::text AS c2010, ''::text AS ckey
    FROM (SELECT s.dusun_id, d.path, d.geom
          FROM (SELECT dusun_id, ST_Collect(geom) AS pts FROM d_seed GROUP BY dusun_id) AS s
          JOIN dv v ON v.id = s.dusun_id
          CROSS JOIN LATERAL ST_Dump(ST_VoronoiPolygons(s.pts, 0, v.geom)) AS d) AS c
    JOIN dv v ON v.id = c.dusun_id
    WHERE c.geom && v.geom
    """,
    "DELETE FROM d_cell WHERE ST_IsEmpty(geom)",
    # Rivers as water polygons (their width, on the ellipsoid), cut out of the cells they cross.
    """
    CREATE TEMP TABLE d_water ON COMMIT DROP AS
    SELECT v.id AS dusun_id,
           ST_CollectionExtract(ST_Intersection(ST_Union(ST_Buffer(l.geom::geography, r.width / 2)::geometry),
                                                v.geom), 3) AS geom
    FROM d_line l JOIN dv v ON v.id = l.dusun_id JOIN d_river r ON r.name = l.name AND r.main
    WHERE l.kind = 'sungai'
    GROUP BY v.id, v.geom
    """,
    "DELETE FROM d_water WHERE ST_IsEmpty(geom)",
    """
    UPDATE d_cell c SET geom = ST_CollectionExtract(ST_Difference(c.geom, w.geom), 3)
    FROM d_water w WHERE w.dusun_id = c.dusun_id AND ST_Intersects(c.geom, w.geom)
    """,
    "DELETE FROM d_cell WHERE ST_IsEmpty(geom) OR ST_Area(geom::geography) < 1",
    """
    INSERT INTO d_cell (cid, dusun_id, geom, c2020, c2010)
    SELECT (SELECT max(cid) FROM d_cell) + row_number() OVER (), dusun_id, geom, '42', '42' FROM d_water
    """,
    # Randomness per cell keyed by where the cell is, so it does not depend on row order.
    "UPDATE d_cell c SET ckey = v.kode || ':' || ST_GeoHash(ST_PointOnSurface(c.geom), 11) "
    "FROM dv v WHERE v.id = c.dusun_id",
    "CREATE INDEX ON d_cell USING gist (geom)",
    "ANALYZE d_cell",
    # What the class model needs to know about each cell.
    """
    CREATE TEMP TABLE d_attr ON COMMIT DROP AS
    SELECT c.cid, c.ckey, c.dusun_id, v.kode, v.trans, v.jenis,
           pg_temp.upland(ST_X(p.pt), ST_Y(p.pt), v.foothill) AS u,
           ST_Area(c.geom::geography) / 10000.0 AS ha,
           ST_Distance(p.pt, v.centre) * 111320 AS d_centre,
           coalesce((SELECT ST_Distance(l.geom, p.pt) FROM d_line l WHERE l.kind = 'jalan' AND l.surface <> 'setapak'
                     ORDER BY l.geom <-> p.pt LIMIT 1) * 111320, 1e5) AS d_road,
           coalesce((SELECT ST_Distance(r.geom, p.pt) FROM d_river r ORDER BY r.geom <-> p.pt LIMIT 1) * 111320,
                    1e5) AS d_river,
           (SELECT count(*) FROM d_bldg b WHERE b.geom && c.geom AND ST_Intersects(ST_Centroid(b.geom), c.geom))
             AS houses,
           (SELECT uid FROM d_unit ORDER BY d_unit.geom <-> p.pt LIMIT 1) AS uid
    FROM d_cell c JOIN dv v ON v.id = c.dusun_id
    CROSS JOIN LATERAL (SELECT ST_PointOnSurface(c.geom) AS pt) AS p
    WHERE c.c2020 IS NULL
    """,
    """
    CREATE TEMP TABLE d_draw ON COMMIT DROP AS
    SELECT a.*,
           -- forest: likely in the uplands and far from roads, decided mostly per landscape unit
           least(0.97, greatest(0.0, 1.25 * a.u - 0.48 + 0.09 * (a.d_road / 1000 - 1.2))) AS p_forest,
           CASE WHEN pg_temp.dr(%(seed)s || ':fsel:' || a.ckey) < 0.8 THEN pg_temp.dr(%(seed)s || ':funit:' || a.uid)
                ELSE pg_temp.dr(%(seed)s || ':fcell:' || a.ckey) END AS x_forest,
           CASE WHEN pg_temp.dr(%(seed)s || ':msel:' || a.ckey) < 0.7 THEN pg_temp.dr(%(seed)s || ':munit:' || a.uid)
                ELSE pg_temp.dr(%(seed)s || ':mcell:' || a.ckey) END AS x_mix,
           pg_temp.dr(%(seed)s || ':paddy:' || a.uid) * 0.6 + pg_temp.dr(%(seed)s || ':paddyc:' || a.ckey) * 0.4
             AS x_paddy,
           pg_temp.dr(%(seed)s || ':sub:' || a.ckey) AS x_sub,
           pg_temp.dr(%(seed)s || ':past:' || a.uid) * 0.7 + pg_temp.dr(%(seed)s || ':pastc:' || a.ckey) * 0.3
             AS x_past
    FROM d_attr a
    """,
    # The 2020 class. Non-forest weights by upland index: rubber agroforestry everywhere (more uphill),
    # oil palm and rubber monoculture in the lowlands (oil palm dominant in the transmigration blocks).
    """
    UPDATE d_cell c SET c2020 = CASE
        WHEN d.houses >= 3 OR (d.jenis = 'kelurahan' AND d.houses >= 1) THEN '25'
        WHEN d.d_river < 300 AND d.u < 0.95 AND d.d_centre < 4000 AND d.x_paddy < 0.33 THEN '21'
        WHEN d.x_forest < d.p_forest THEN
             CASE WHEN d.d_road > 2500 AND d.u > 0.7 AND d.x_sub < 0.7 THEN '1'
                  WHEN d.d_road > 1000 AND d.x_sub < 0.75 THEN '2' ELSE '3' END
        ELSE (SELECT w.code FROM (
                SELECT code, sum(wt) OVER (ORDER BY ord) / sum(wt) OVER () AS cum FROM (VALUES
                    (1, '10', 0.34 + 0.30 * d.u),
                    (2, '16', 0.24 - 0.12 * d.u),
                    (3, '17', CASE WHEN d.trans THEN 0.75 ELSE 0.30 - 0.27 * d.u END),
                    (4, '14', 0.05),
                    (5, '19', 0.03 + 0.04 * d.u),
                    (6, '20', 0.04),
                    (7, '13', 0.025 * d.u),
                    (8, '12', 0.015 * d.u),
                    (9, '24', CASE WHEN d.d_river < 400 THEN 0.03 ELSE 0.005 END)) AS t(ord, code, wt)
              ) AS w WHERE d.x_mix < w.cum ORDER BY w.cum LIMIT 1)
        END
    FROM d_draw d WHERE d.cid = c.cid
    """,
    "UPDATE d_cell SET c2020 = '10' WHERE c2020 IS NULL",
    # 2010: undo the typical conversions of the decade, landscape unit by landscape unit.
    """
    UPDATE d_cell c SET c2010 = CASE
        WHEN c.c2020 IN ('17', '16') AND d.x_past < 0.5 THEN CASE WHEN d.u < 0.5 THEN '10' ELSE '3' END
        WHEN c.c2020 = '10' AND d.x_past < 0.18 * d.u THEN CASE WHEN d.x_sub < 0.6 THEN '3' ELSE '2' END
        WHEN c.c2020 = '3' AND d.x_past < 0.35 THEN '2'
        WHEN c.c2020 = '2' AND d.x_past < 0.2 THEN '1'
        WHEN c.c2020 = '25' AND d.x_past < 0.25 THEN '10'
        WHEN c.c2020 IN ('24', '19') AND d.x_past < 0.6 THEN CASE WHEN d.u < 0.5 THEN '10' ELSE '3' END
        ELSE c.c2020 END
    FROM d_draw d WHERE d.cid = c.cid
    """,
    # Garden huts (pondok kebun) in three of five plantation cells.
    """
    INSERT INTO d_bldg (bid, dusun_id, use, floors, geom, brow)
    SELECT (SELECT max(bid) FROM d_bldg) + row_number() OVER (), c.dusun_id, 'gudang', 1,
           pg_temp.footprint(ST_X(p), ST_Y(p), 2 * pi() * pg_temp.dr(%(seed)s || ':hut:' || c.ckey), 3.5, 4.5), 0
    FROM d_cell c CROSS JOIN LATERAL ST_PointOnSurface(c.geom) AS p
    WHERE c.c2020 IN ('10', '16', '17', '14', '13', '12', '20')
      AND pg_temp.dr(%(seed)s || ':hutp:' || c.ckey) < 0.6
    """,
    # Huts that landed on a road, a stream or another building are dropped.
    """
    DELETE FROM d_bldg b USING d_line l
    WHERE b.brow = 0 AND l.geom && b.geom AND ST_Intersects(b.geom, l.geom)
    """,
    """
    DELETE FROM d_bldg b USING d_bldg o
    WHERE b.brow = 0 AND b.geom && o.geom AND ST_Intersects(b.geom, o.geom) AND (o.brow > 0 OR o.bid < b.bid)
    """,
    "ANALYZE d_bldg",
]

# Facility names by kind (the building use they take), repeated with numbers where there are several.
FACILITY_PLAN = {
    # kind: (building use, base name)
    "kantor_desa": ("pemerintahan", "Kantor {word} {nama}"),
    "masjid": ("ibadah", "Masjid {masjid}"),
    "surau": ("ibadah", "Surau {surau}"),
    "paud": ("pendidikan", "PAUD {paud} {nama}"),
    "sd": ("pendidikan", "SD Negeri {n} {nama}"),
    "smp": ("pendidikan", "SMP Negeri {n} {kec}"),
    "sma": ("pendidikan", "SMA Negeri {n} {kec}"),
    "smk": ("pendidikan", "SMK Negeri {n} {kec}"),
    "pt": ("pendidikan", "Sekolah Tinggi {nama}"),
    "posyandu": ("kesehatan", "Posyandu {posyandu}"),
    "poskesdes": ("kesehatan", "Poskesdes {nama}"),
    "pustu": ("kesehatan", "Pustu {nama}"),
    "puskesmas": ("kesehatan", "Puskesmas {kec}"),
    "rs": ("kesehatan", "Rumah Sakit Umum Daerah (demo)"),
    "bidan": ("kesehatan", "Praktik Bidan {nama}"),
    "apotek": ("usaha", "Apotek {nama}"),
    "toko": ("usaha", "Warung {nama} {n}"),
    "pasar": ("usaha", "Pasar {nama}"),
    "bumdes": ("usaha", "BUMDes {nama}"),
    "koperasi": ("usaha", "Koperasi {nama}"),
    "bank": ("usaha", "Agen Bank {nama}"),
    "balai": ("pemerintahan", "Balai Pertemuan {nama}"),
    "poskamling": ("lainnya", "Pos Kamling {nama} {n}"),
    "olahraga": ("lainnya", "Lapangan Bola {nama}"),
    "menara": ("lainnya", "Menara BTS {nama}"),
}
MOSQUES = ["Al-Ikhlas", "Nurul Huda", "Al-Falah", "Baiturrahman", "Nurul Iman", "At-Taqwa", "Al-Hidayah", "Babussalam"]
SURAU = ["Al-Amin", "Nurul Yaqin", "Al-Muhajirin", "Darussalam", "Al-Ikhwan", "Raudhatul Jannah"]
PAUD = ["Tunas Harapan", "Melati", "Cahaya Bunda", "Permata Hati"]
POSYANDU = ["Melati", "Mawar", "Anggrek", "Kenanga", "Dahlia", "Cempaka"]


def _facility_plan(villages: list[dict], seed: str) -> list[tuple[int, int, str, str, str]]:
    """Which facilities each village gets, as (dusun_id, rank, kind, use, name); rank 1 is the building
    nearest the centre. Bigger settlements and the kecamatan capital (the most built-up village of the
    kecamatan) get more; the kabupaten capital (the most built-up kelurahan) gets the hospital."""
    capitals = {}
    for v in villages:
        best = capitals.get(v["kec"])
        if best is None or (v["jenis"] == Jenis.KELURAHAN, v["houses"]) > (
            best["jenis"] == Jenis.KELURAHAN,
            best["houses"],
        ):
            capitals[v["kec"]] = v
    kelurahan = [v for v in villages if v["jenis"] == Jenis.KELURAHAN]
    kab_capital = max(kelurahan, key=lambda v: v["houses"]) if kelurahan else None
    word = settings.DUSUN_VILLAGE_WORD
    rows = []
    school_numbers: dict[str, int] = {}
    for v in villages:
        rng = random.Random(f"{seed}:fac:{v['kode']}")
        size = max(1, v["houses"])
        capital = capitals.get(v["kec"]) is v
        kinds = ["kantor_desa", "masjid"]
        kinds += ["masjid"] * (size > 500) + ["surau"] * min(5, 1 + size // 200)
        kinds += ["paud"] + ["sd"] * min(4, 1 + size // 350) + ["posyandu"] * min(4, 1 + size // 300)
        kinds += ["poskesdes"] if v["jenis"] != Jenis.KELURAHAN else ["bidan"]
        kinds += ["toko"] * min(10, 2 + size // 120) + ["poskamling"] * min(3, 1 + size // 400) + ["olahraga"]
        kinds += ["balai"] * (rng.random() < 0.6) + ["bumdes"] * (v["jenis"] != Jenis.KELURAHAN and rng.random() < 0.7)
        kinds += ["menara"] * (rng.random() < 0.35) + ["pustu"] * (not capital and rng.random() < 0.3)
        kinds += ["smp"] * (capital or rng.random() < 0.2) + ["koperasi"] * (rng.random() < 0.3)
        if capital:
            kinds += ["puskesmas", "sma", "pasar", "bank", "apotek"]
        elif rng.random() < 0.15:
            kinds.append("pasar")
        if kab_capital is v:
            kinds += ["rs", "smk", "pt", "bank", "apotek", "sma"]
        counters: dict[str, int] = {}
        for rank, kind in enumerate(kinds, start=1):
            counters[kind] = counters.get(kind, 0) + 1
            n = counters[kind]
            if kind in {"sd", "smp", "sma", "smk"}:
                school_numbers[kind] = school_numbers.get(kind, 0) + 1
                n = school_numbers[kind]
            use, template = FACILITY_PLAN[kind]
            name = template.format(
                word=word if v["jenis"] != Jenis.KELURAHAN else "Lurah",
                nama=v["nama"],
                kec=v["kec_nama"],
                n=n,
                masjid=MOSQUES[(rng.randrange(len(MOSQUES)) + n) % len(MOSQUES)],
                surau=SURAU[(rng.randrange(len(SURAU)) + n) % len(SURAU)],
                paud=PAUD[rng.randrange(len(PAUD))],
                posyandu=f"{POSYANDU[(n - 1) % len(POSYANDU)]} {n}",
            )
            rows.append((v["id"], rank, kind, use, name))
    return rows


SQL_FACILITIES = [
    """
    CREATE TEMP TABLE d_plan (dusun_id bigint, rank int, kind text, use text, name text) ON COMMIT DROP
    """,
    # (the plan is inserted from Python between these steps)
]

SQL_FACILITIES_PLACE = [
    # The n-th house from the centre (front row, in a seeded order among nearby ones) takes the n-th plan
    # entry; the building's use follows the facility.
    """
    CREATE TEMP TABLE d_fac ON COMMIT DROP AS
    WITH ranked AS (
        SELECT b.bid, b.dusun_id, b.geom,
               row_number() OVER (PARTITION BY b.dusun_id
                                  ORDER BY ST_Distance(b.geom, v.centre)
                                           * (0.7 + 0.6 * pg_temp.dr(
                                                  %(seed)s || ':fr:' || ST_GeoHash(ST_Centroid(b.geom), 11))))
                 AS rank
        FROM d_bldg b JOIN dv v ON v.id = b.dusun_id WHERE b.brow = 1
    )
    SELECT p.*, r.bid, ST_PointOnSurface(r.geom) AS geom
    FROM d_plan p JOIN ranked r ON r.dusun_id = p.dusun_id AND r.rank = p.rank
    """,
    "UPDATE d_bldg b SET use = f.use, floors = CASE WHEN f.kind IN ('rs', 'sma', 'smk', 'pt') THEN 2 ELSE b.floors END "
    "FROM d_fac f WHERE f.bid = b.bid",
]

SQL_MANAGED = [
    """
    CREATE TEMP TABLE d_kawasan (dusun_id bigint, kind text, name text, holder text, permit text,
                                 permit_date date, geom geometry) ON COMMIT DROP
    """,
    # Hutan desa: the forest of the pilot villages that lies more than 1.5 km from a road.
    """
    INSERT INTO d_kawasan
    SELECT c.dusun_id, 'hutan_desa', 'Hutan Desa ' || v.nama, 'LPHD ' || v.nama,
           'DEMO/HD/' || replace(v.kode, '.', ''), make_date(2009 + (abs(hashtext(v.kode)) %% 8), 6, 1),
           ST_Union(c.geom)
    FROM d_cell c JOIN d_attr a ON a.cid = c.cid JOIN dv v ON v.id = c.dusun_id
    WHERE v.kode = ANY(%(hutan_desa)s) AND c.c2020 IN ('1', '2') AND a.d_road > 1500
    GROUP BY c.dusun_id, v.nama, v.kode
    """,
    # Hutan lindung: a protection forest over the far south-western ridge, cut by village.
    """
    INSERT INTO d_kawasan
    SELECT v.id, 'hutan_lindung', 'Hutan Lindung Bukit Barisan (demo)', 'KPHL (demo)', 'DEMO/HL/1999', '1999-06-14',
           ST_CollectionExtract(ST_Intersection(v.geom, hl.geom), 3)
    FROM dv v,
         (SELECT ST_Buffer(ST_SetSRID(ST_MakePoint(101.50, -1.86), 4326)::geography, 16000)::geometry AS geom) AS hl
    WHERE v.sel AND ST_Intersects(v.geom, hl.geom)
    """,
    # HGU: oil-palm estates in a third of the lowland villages: the whole landscape units (estates are
    # blocks, with some other cover inside) where oil palm dominates, away from the settlement.
    """
    INSERT INTO d_kawasan
    SELECT s.dusun_id, 'hgu', 'HGU Kelapa Sawit ' || s.nama, 'PT Sawit Demo ' || s.n, 'DEMO/HGU/' || s.n,
           make_date(1995 + s.n %% 20, 3, 1), ST_Union(c.geom)
    FROM (SELECT c.dusun_id, v.nama, (abs(hashtext(v.kode)) %% 90) + 1 AS n, a.uid
          FROM d_cell c JOIN d_attr a ON a.cid = c.cid JOIN dv v ON v.id = c.dusun_id
          WHERE v.u < 0.4 AND a.d_centre > 1500 AND pg_temp.dr(%(seed)s || ':hgu:' || v.kode) < 0.35
          GROUP BY c.dusun_id, v.nama, v.kode, a.uid
          HAVING sum(a.ha) FILTER (WHERE c.c2020 = '17') > 0.6 * sum(a.ha) AND sum(a.ha) > 40) AS s
    JOIN d_cell c ON c.dusun_id = s.dusun_id JOIN d_attr a ON a.cid = c.cid AND a.uid = s.uid
    GROUP BY s.dusun_id, s.nama, s.n
    """,
    "UPDATE d_kawasan SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))",
    "DELETE FROM d_kawasan WHERE ST_IsEmpty(geom)",
]

SQL_POTENTIALS = [
    """
    CREATE TEMP TABLE d_potensi (dusun_id bigint, kind text, name text, description text, geom geometry)
    ON COMMIT DROP
    """,
    # Lubuk larangan: a stretch of the village's river, in most villages that have one.
    """
    INSERT INTO d_potensi
    SELECT DISTINCT ON (l.dusun_id) l.dusun_id, 'lubuk_larangan', 'Lubuk Larangan ' || v.nama,
           'Lubuk larangan adat: ikan dipanen bersama setahun sekali (data demo).',
           ST_LineInterpolatePoint(ST_GeometryN(l.geom, 1), 0.5)
    FROM d_line l JOIN dv v ON v.id = l.dusun_id
    WHERE l.kind = 'sungai' AND pg_temp.dr(%(seed)s || ':lubuk:' || v.kode) < 0.6
    ORDER BY l.dusun_id, l.cls DESC, ST_Length(l.geom) DESC
    """,
    # Waterfalls and forest products in the upland forest; springs anywhere.
    """
    INSERT INTO d_potensi
    SELECT DISTINCT ON (c.dusun_id, t.kind) c.dusun_id, t.kind, t.name || ' ' || v.nama, t.description,
           ST_PointOnSurface(c.geom)
    FROM d_cell c JOIN d_attr a ON a.cid = c.cid JOIN dv v ON v.id = c.dusun_id
    CROSS JOIN (VALUES ('air_terjun', 'Air Terjun', 'Air terjun di kawasan hutan (data demo).', 0.6, 0.45),
                       ('hhbk', 'Madu Sialang', 'Pohon sialang penghasil madu hutan (data demo).', 0.5, 0.5),
                       ('mata_air', 'Mata Air', 'Sumber air bersih dusun (data demo).', 0.0, 0.3))
               AS t(kind, name, description, umin, p)
    WHERE a.u >= t.umin AND (t.kind = 'mata_air' OR c.c2020 IN ('1', '2'))
      AND pg_temp.dr(%(seed)s || ':pot:' || t.kind || v.kode) < t.p
    ORDER BY c.dusun_id, t.kind, pg_temp.dr(%(seed)s || ':potc:' || c.ckey)
    """,
    """
    CREATE TEMP TABLE d_bencana (dusun_id bigint, kind text, name text, description text, status text,
                                 observed_on date, geom geometry) ON COMMIT DROP
    """,
    # Flood-prone river banks near lowland settlements; landslides on upland roads; PETI on rivers.
    """
    INSERT INTO d_bencana
    SELECT DISTINCT ON (l.dusun_id) l.dusun_id, 'banjir', 'Rawan banjir ' || v.nama,
           'Luapan sungai saat musim hujan (data demo).', 'diverifikasi',
           make_date(2019 + (abs(hashtext(v.kode)) %% 5), 12, 15),
           ST_CollectionExtract(ST_Intersection(
               ST_Buffer(ST_Intersection(l.geom, ST_Buffer(v.centre::geography, 1500)::geometry)::geography,
                         150)::geometry,
               v.geom), 3)
    FROM d_line l JOIN dv v ON v.id = l.dusun_id
    WHERE l.kind = 'sungai' AND l.cls = 'utama' AND v.u < 0.6 AND ST_DWithin(l.geom, v.centre, 0.0135)
      AND pg_temp.dr(%(seed)s || ':banjir:' || v.kode) < 0.6
    ORDER BY l.dusun_id, ST_Distance(l.geom, v.centre)
    """,
    """
    INSERT INTO d_bencana
    SELECT DISTINCT ON (l.dusun_id) l.dusun_id, 'longsor', 'Longsor ' || l.name, 'Tebing jalan longsor (data demo).',
           'dilaporkan', make_date(2023, 1 + (abs(hashtext(v.kode)) %% 12), 5),
           ST_LineInterpolatePoint(ST_GeometryN(l.geom, 1), 0.7)
    FROM d_line l JOIN dv v ON v.id = l.dusun_id
    WHERE l.kind = 'jalan' AND v.u > 0.6 AND pg_temp.dr(%(seed)s || ':longsor:' || v.kode) < 0.4
    ORDER BY l.dusun_id, l.name
    """,
    """
    INSERT INTO d_bencana
    SELECT DISTINCT ON (l.dusun_id) l.dusun_id, 'peti', 'Laporan PETI ' || l.name,
           'Laporan warga: aktivitas tambang emas tanpa izin di badan sungai (data demo).',
           CASE WHEN pg_temp.dr(%(seed)s || ':petis:' || v.kode) < 0.5 THEN 'dilaporkan' ELSE 'ditangani' END,
           make_date(2024, 1 + (abs(hashtext(v.kode || 'p')) %% 12), 10),
           ST_LineInterpolatePoint(ST_GeometryN(l.geom, 1), 0.3)
    FROM d_line l JOIN dv v ON v.id = l.dusun_id
    WHERE l.kind = 'sungai' AND v.kec = ANY(%(peti)s) AND pg_temp.dr(%(seed)s || ':peti:' || v.kode) < 0.35
    ORDER BY l.dusun_id, l.cls DESC
    """,
    "DELETE FROM d_bencana WHERE geom IS NULL OR ST_IsEmpty(geom)",
    "UPDATE d_bencana SET geom = ST_Multi(geom) WHERE ST_GeometryType(geom) = 'ST_Polygon'",
]


def _insert_sql(snapshot_ids: dict[int, int], legend_id: int) -> list[tuple[str, dict]]:
    """The INSERTs into the real layer tables, with geodesic measures computed by PostGIS."""
    common = "'', %(source)s, NULL, '', now(), now(), true"
    statements = []
    for year, snapshot_id in snapshot_ids.items():
        column = f"c{year}"
        statements.append(
            (
                f"""
                INSERT INTO ruang_landcover (name, source, survey_date, note, created_at, updated_at, is_demo,
                                             geom, area_ha, dusun_id, snapshot_id, klass_id)
                SELECT {common}, ST_Multi(c.geom), round((ST_Area(c.geom::geography) / 10000)::numeric, 4),
                       c.dusun_id, %(snapshot)s, k.id
                FROM d_cell c JOIN ruang_legendclass k ON k.legend_id = %(legend)s AND k.code = c.{column}
                ORDER BY c.dusun_id, ST_GeoHash(ST_Centroid(c.geom), 8)
                """,  # noqa: S608 (the column name is c2010 or c2020, from SNAPSHOT_YEARS)
                {"snapshot": snapshot_id, "legend": legend_id},
            )
        )
    statements += [
        (
            """
            INSERT INTO ruang_linefeature (name, source, survey_date, note, created_at, updated_at, is_demo,
                                           kind, surface, condition, width_m, geom, length_m, dusun_id)
            SELECT l.name, %(source)s, NULL, '', now(), now(), true, l.kind, l.surface, l.condition, l.width,
                   l.geom, round(ST_Length(l.geom::geography)::numeric, 2), l.dusun_id
            FROM d_line l ORDER BY l.dusun_id, l.kind, l.name
            """,
            {},
        ),
        (
            """
            INSERT INTO ruang_building (name, source, survey_date, note, created_at, updated_at, is_demo,
                                        use, floors, geom, area_m2, dusun_id)
            SELECT '', %(source)s, NULL, '', now(), now(), true, b.use, b.floors, ST_Multi(b.geom),
                   round(ST_Area(b.geom::geography)::numeric, 2), b.dusun_id
            FROM d_bldg b ORDER BY b.dusun_id, ST_GeoHash(ST_Centroid(b.geom), 9)
            """,
            {},
        ),
        (
            """
            INSERT INTO ruang_facility (name, source, survey_date, note, created_at, updated_at, is_demo,
                                        kind, condition, geom, dusun_id)
            SELECT f.name, %(source)s, NULL, '', now(), now(), true, f.kind,
                   CASE WHEN pg_temp.dr(%(seed)s || ':fcond:' || f.name) < 0.7 THEN 'baik' ELSE 'sedang' END,
                   f.geom, f.dusun_id
            FROM d_fac f ORDER BY f.dusun_id, f.rank
            """,
            {},
        ),
        (
            """
            INSERT INTO ruang_managedarea (name, source, survey_date, note, created_at, updated_at, is_demo,
                                           kind, permit_number, permit_date, holder, geom, area_ha, dusun_id)
            SELECT k.name, %(source)s, NULL, 'Izin fiktif untuk demo.', now(), now(), true, k.kind, k.permit,
                   k.permit_date, k.holder, k.geom, round((ST_Area(k.geom::geography) / 10000)::numeric, 4),
                   k.dusun_id
            FROM d_kawasan k
            """,
            {},
        ),
        (
            """
            INSERT INTO ruang_potential (name, source, survey_date, note, created_at, updated_at, is_demo,
                                         kind, description, geom, dusun_id)
            SELECT p.name, %(source)s, NULL, '', now(), now(), true, p.kind, p.description, p.geom, p.dusun_id
            FROM d_potensi p
            """,
            {},
        ),
        (
            """
            INSERT INTO ruang_hazard (name, source, survey_date, note, created_at, updated_at, is_demo,
                                      kind, observed_on, status, description, geom, dusun_id)
            SELECT h.name, %(source)s, NULL, '', now(), now(), true, h.kind, h.observed_on, h.status,
                   h.description, h.geom, h.dusun_id
            FROM d_bencana h
            """,
            {},
        ),
    ]
    return statements


def remove_demo_data() -> dict[str, int]:
    """Delete every demo row of every layer, the demo snapshots and the edit history of demo features.

    Set-based DELETEs (the layer tables' triggers move the tile versions once per statement). A demo
    snapshot that has received real polygons since is kept, so no real data is ever removed.
    """
    counts: dict[str, int] = {}
    with transaction.atomic():
        for model in MODELS:
            table = model._meta.db_table
            layer = _layer_of(model)
            with connection.cursor() as cursor:
                # Revisions of demo features (made when someone edited one through the services).
                cursor.execute(
                    f"DELETE FROM ruang_featurerevision r USING {table} t "  # noqa: S608 (table names from models)
                    "WHERE t.is_demo AND r.layer = %s AND r.feature_id = t.id",
                    [layer],
                )
                cursor.execute(f"DELETE FROM {table} WHERE is_demo")  # noqa: S608
                counts[layer] = cursor.rowcount
        snapshots = LandCoverSnapshot.objects.filter(is_demo=True, polygons__isnull=True)
        counts["potret"] = snapshots.count()
        snapshots.delete()
    return counts


def _layer_of(model) -> str:
    from .layers import LAYERS

    return next(slug for slug, spec in LAYERS.items() if spec.model is model)


def generate_demo_data(
    seed: int = 1, scale: str = "full", log: Callable[[str], None] = lambda message: None
) -> DemoReport:
    """Replace the demo data with a freshly generated set (all-or-nothing, in one transaction)."""
    if scale not in {"full", "small"}:
        raise ValueError("scale harus 'full' atau 'small'")
    started = time.perf_counter()
    kabupaten = Wilayah.objects.get(kode=settings.DUSUN_KABUPATEN_KODE, level=Level.KABUPATEN)
    legend = Legend.objects.get(code=LEGEND_CODE)
    all_codes = list(Wilayah.objects.villages().within(kabupaten).values_list("kode", flat=True))
    selected = all_codes if scale == "full" else [k for k in SMALL_VILLAGES if k in all_codes]
    params = {
        "seed": str(seed),
        "kab": kabupaten.kode + ".%",
        "kab_kode": kabupaten.kode,
        "desa": int(Level.DESA),
        "selected": selected,
        "foothill": list(FOOTHILL_KECAMATAN),
        "trans": list(TRANSMIGRATION_KECAMATAN),
        "hutan_desa": list(HUTAN_DESA_VILLAGES),
        "peti": list(PETI_KECAMATAN),
        "source": DEMO_SOURCE,
    }
    report = DemoReport(villages=len(selected))

    def run(title: str, statements: list[str], extra: dict | None = None) -> None:
        step = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params | (extra or {}))
        log(f"{title}: {time.perf_counter() - step:.1f} s")

    with transaction.atomic():
        removed = remove_demo_data()
        log("Data demo lama dihapus: " + ", ".join(f"{k} {v}" for k, v in removed.items() if v))
        with connection.cursor() as cursor:
            # Big set-based steps: give the sorts and hashes room, in this transaction only; and no JIT:
            # PostGIS costs push every statement over jit_above_cost, and compiling each one costs about
            # a second, more than most of them take to run.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
        run("Persiapan", SQL_PREPARE)
        run("Sungai", SQL_RIVERS)
        run("Jalan", SQL_ROADS)
        run("Potongan garis per desa", SQL_LINES)
        run("Bangunan di permukiman", SQL_BUILDINGS)
        run("Tutupan lahan", SQL_LANDCOVER)
        run("Fasilitas (rencana)", SQL_FACILITIES)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT v.id, v.kode, v.nama, v.jenis, v.kec, k.nama,
                       (SELECT count(*) FROM d_bldg b WHERE b.dusun_id = v.id AND b.brow > 0)
                FROM dv v JOIN wilayah_wilayah k ON k.kode = v.kec WHERE v.sel ORDER BY v.kode
                """
            )
            villages = [
                dict(zip(("id", "kode", "nama", "jenis", "kec", "kec_nama", "houses"), row, strict=True))
                for row in cursor.fetchall()
            ]
            plan = _facility_plan(villages, str(seed))
            if plan:
                cursor.executemany("INSERT INTO d_plan VALUES (%s, %s, %s, %s, %s)", plan)
        run("Fasilitas", SQL_FACILITIES_PLACE)
        run("Kawasan", SQL_MANAGED)
        run("Potensi dan bencana", SQL_POTENTIALS)

        snapshot_ids = {}
        for year in SNAPSHOT_YEARS:
            snapshot, _created = LandCoverSnapshot.objects.update_or_create(
                year=year,
                legend=legend,
                name=f"Demo tutupan lahan {year}",
                defaults={
                    "is_demo": True,
                    "source": DEMO_SOURCE,
                    "description": "Tutupan lahan sintetis untuk demonstrasi (legenda ICRAF Bungo); "
                    "bukan hasil interpretasi citra.",
                },
            )
            snapshot_ids[year] = snapshot.pk
        step = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, extra in _insert_sql(snapshot_ids, legend.pk):
                cursor.execute(sql, params | extra)
            cursor.execute(f"DROP TABLE IF EXISTS {TEMP_TABLES}")
            if scale == "full":
                # Hundreds of thousands of new rows: refresh the planner's statistics now rather than
                # wait for autovacuum, or the first tile queries plan as if the tables were empty.
                cursor.execute("ANALYZE " + ", ".join(model._meta.db_table for model in MODELS))
        log(f"Simpan ke tabel lapisan: {time.perf_counter() - step:.1f} s")
    for model in MODELS:
        report.counts[_layer_of(model)] = model.objects.filter(is_demo=True).count()
    report.seconds = time.perf_counter() - started
    return report

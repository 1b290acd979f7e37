"""Vector tiles at kabupaten scale: the tile endpoint against the raw ST_AsMVT SQL of the same tiles,
and cached against uncached tiles.

Needs the full demo data (≥ 100,000 land-cover polygons, ≥ 150,000 buildings); generates it when it is
missing and says so. Tiles: land cover z10–z15 and buildings z13–z15 (their minimum zoom; below it the
endpoint answers an empty 204 without SQL), at the settlement centres of a fixed sample of villages across
the kabupaten. Every request sends `Accept-Encoding: gzip`, as browsers do, so the endpoint's time
includes compressing the tile. Raw SQL, uncached and cached requests are interleaved tile by tile, and
the order alternates, so that the database's buffer cache favours none of them.
"""

import math
import random
import statistics
import time

from django.db import connection
from django.test import Client

from bench.timing import ms, timed

ZOOMS = {"tutupan-lahan": range(10, 16), "bangunan": range(13, 16)}
VILLAGE_SAMPLE = 12
REPEAT = 5


def ensure_full_demo() -> list[str]:
    """Generate the full demo data when the database does not hold it at scale."""
    from dusun.ruang.demo import generate_demo_data
    from dusun.ruang.models import Building, LandCover, LandCoverSnapshot

    latest = LandCoverSnapshot.objects.filter(is_demo=True).order_by("-year").first()
    polygons = LandCover.objects.filter(snapshot=latest).count() if latest else 0
    buildings = Building.objects.count()
    if polygons >= 100_000 and buildings >= 150_000:
        return [f"data: {polygons:,} land-cover polygons in snapshot {latest.year}, {buildings:,} buildings"]
    started = time.perf_counter()
    report = generate_demo_data(seed=1, scale="full")
    return [
        f"full demo data was missing ({polygons:,} polygons, {buildings:,} buildings): generated it in "
        f"{time.perf_counter() - started:.0f} s: {report.counts}"
    ]


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def sample_points() -> list[tuple[float, float]]:
    """Settlement centres (the village office) of a fixed sample of villages spread over the kabupaten."""
    from dusun.ruang.models import Facility

    points = sorted(
        Facility.objects.filter(kind="kantor_desa", is_demo=True).values_list("dusun__kode", "geom"),
        key=lambda row: row[0],
    )
    chosen = random.Random(20251).sample(points, min(VILLAGE_SAMPLE, len(points)))
    return [(geom.x, geom.y) for _kode, geom in chosen]


def run() -> list[str]:
    from dusun.ruang import tiles
    from dusun.ruang.models import LandCoverSnapshot

    lines = ensure_full_demo()
    snapshot = LandCoverSnapshot.objects.filter(is_demo=True).order_by("-year").first()
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_ENCODING="gzip")
    # The floor of any request through this stack: Django, its middleware and one trivial query.
    floor = statistics.median(timed(lambda: client.get("/healthz"), repeat=30))
    lines.append(f"reference /healthz p50 {ms(floor)} (what a cached tile cannot go below)")
    cache = tiles.tile_cache()
    points = sample_points()
    overall = {"raw": 0.0, "uncached": 0.0, "cached": 0.0}
    for slug, zooms in ZOOMS.items():
        layer = tiles.TILE_LAYERS[slug]
        for z in zooms:
            coords = sorted({tile_of(lon, lat, z) for lon, lat in points})
            query = f"?snapshot={snapshot.pk}" if slug == "tutupan-lahan" else ""
            raw_t, uncached_t, cached_t, sizes = [], [], [], []
            for x, y in coords:
                sql, params = tiles.tile_sql(layer, z, x, y, snapshot.pk if query else None)
                path = f"/tiles/{slug}/{z}/{x}/{y}.pbf{query}"

                def raw(sql=sql, params=params):
                    with connection.cursor() as cursor:
                        cursor.execute(sql, params)
                        return cursor.fetchone()[0]

                def uncached(path=path):
                    cache.clear()
                    started = time.perf_counter()
                    response = client.get(path)
                    return time.perf_counter() - started, response

                raw()  # warm the database's buffers for this tile
                uncached()
                per_raw, per_uncached = [], []
                for i in range(REPEAT):
                    for step in ("raw", "uncached") if i % 2 == 0 else ("uncached", "raw"):
                        if step == "raw":
                            started = time.perf_counter()
                            data = raw()
                            per_raw.append(time.perf_counter() - started)
                        else:
                            elapsed, response = uncached()
                            assert response.status_code in (200, 204), (path, response.status_code)
                            per_uncached.append(elapsed)
                # The last uncached request filled the cache; a hot tile is asked for again and again.
                per_cached = timed(lambda path=path: client.get(path), repeat=3 * REPEAT, warmup=0)
                raw_t.append(statistics.median(per_raw))
                uncached_t.append(statistics.median(per_uncached))
                cached_t.append(statistics.median(per_cached))
                sizes.append(len(data or b""))
            r, u, c = statistics.median(raw_t), statistics.median(uncached_t), statistics.median(cached_t)
            overall["raw"] += sum(raw_t)
            overall["uncached"] += sum(uncached_t)
            overall["cached"] += sum(cached_t)
            lines.append(
                f"{slug} z{z} ({len(coords)} tiles, median {statistics.median(sizes) / 1024:.0f} KB): "
                f"raw SQL p50 {ms(r)}, endpoint p50 {ms(u)} = {u / r:.2f}× raw; "
                f"cached p50 {ms(c)} = {u / c:.0f}× faster than uncached"
            )
    lines.append(
        f"all tiles: endpoint {overall['uncached'] / overall['raw']:.2f}× raw SQL (target ≤ 1.3×); "
        f"cached {overall['uncached'] / overall['cached']:.0f}× faster than uncached (target ≥ 10×)"
    )
    return lines

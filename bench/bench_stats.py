"""Land-cover area statistics over the whole kabupaten (≥ 100,000 polygons): target ≤ 2 s.

Measures the aggregate itself (no cache), the JSON endpoint cold (statistics cache emptied) and warm, a
kecamatan and a village for scale, and — as the reference of what the stored geodesic measures save —
the same statistics computed from the geometries with ST_Area(geom::geography).
"""

import statistics
import time

from django.db import connection
from django.test import Client

from bench.bench_tiles import ensure_full_demo
from bench.timing import ms, timed


def run() -> list[str]:
    from dusun.ruang import selectors
    from dusun.ruang.models import LandCover, LandCoverSnapshot
    from dusun.wilayah.models import Wilayah

    lines = ensure_full_demo()
    snapshot = LandCoverSnapshot.objects.filter(is_demo=True).order_by("-year").first()
    kabupaten = Wilayah.objects.get(kode="15.08")
    polygons = LandCover.objects.filter(snapshot=snapshot).count()

    times = timed(lambda: selectors.landcover_stats_uncached(kabupaten, snapshot), repeat=7)
    stats = selectors.landcover_stats_uncached(kabupaten, snapshot)
    lines.append(
        f"kabupaten land cover, {polygons:,} polygons, {len(stats.classes)} classes, {stats.total_ha:,.0f} ha: "
        f"p50 {ms(statistics.median(times))}, max {ms(max(times))} (target ≤ 2000 ms)"
    )

    client = Client(HTTP_HOST="localhost")
    path = f"/api/v1/kabupaten/15.08/landcover/?snapshot={snapshot.year}"
    cold = []
    for _ in range(5):
        selectors._cache.clear()
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        cold.append(time.perf_counter() - started)
    warm = timed(lambda: client.get(path), repeat=20)
    lines.append(
        f"API {path}: cold p50 {ms(statistics.median(cold))}, warm (cached per data version) p50 "
        f"{ms(statistics.median(warm))}"
    )

    for kode in ("15.08.14", "15.08.14.2009"):
        area = Wilayah.objects.get(kode=kode)
        t = timed(lambda area=area: selectors.landcover_stats_uncached(area, snapshot), repeat=7)
        lines.append(f"{area}: p50 {ms(statistics.median(t))}")

    def from_geometry():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT klass_id, sum(ST_Area(geom::geography)) / 10000 FROM ruang_landcover "
                "WHERE snapshot_id = %s GROUP BY klass_id",
                [snapshot.pk],
            )
            return cursor.fetchall()

    reference = timed(from_geometry, repeat=3)
    lines.append(
        f"reference: the same sums from ST_Area(geom::geography) on the fly: p50 {ms(statistics.median(reference))} "
        f"= {statistics.median(reference) / statistics.median(times):.0f}× the stored-measure aggregate"
    )
    return lines

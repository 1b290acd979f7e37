"""Change matrix at kabupaten scale (issue 7): the whole kabupaten with ≥ 100,000 polygons per snapshot
in ≤ 30 s, one village in ≤ 1 s.

Needs the full demo data (generated when missing, as bench_tiles does). Measured twice: as the demo is
(2010 is 2020 reclassified, so outlines are shared and paired by geometry equality) and in the worst case
(`pair_equal=False`: every pair of touching polygons intersected, as if no outline were shared). The
reference, in the same run, is ruang's per-class area aggregate of the same snapshot over the kabupaten
(`landcover_stats_uncached`): one indexed scan of the polygons, the least any matrix must read.
"""

import time

from django.db import transaction
from django.db.models import Count

from bench.bench_tiles import ensure_full_demo
from bench.timing import ms, p50, timed

VILLAGE_SAMPLE = 8


def run() -> list[str]:
    from dusun.hutan import change, services
    from dusun.hutan.models import ChangeRun
    from dusun.ruang.models import LandCover, LandCoverSnapshot
    from dusun.ruang.selectors import landcover_stats_uncached
    from dusun.wilayah.models import Wilayah

    lines = ensure_full_demo()
    first, last = LandCoverSnapshot.objects.filter(is_demo=True).order_by("year")[:2]
    kab = services.kabupaten()
    counts = [LandCover.objects.filter(snapshot=s).count() for s in (first, last)]
    lines.append(f"snapshots {first.year} / {last.year}: {counts[0]:,} / {counts[1]:,} polygons")
    reference = p50(timed(lambda: landcover_stats_uncached(kab, last), repeat=3))
    lines.append(f"reference (class areas of one snapshot, kabupaten): {ms(reference)}")

    for label, pair_equal in (("shared outlines", True), ("worst case, all intersected", False)):
        ChangeRun.objects.filter(from_snapshot=first, to_snapshot=last).delete()
        run_ = services.current_run(first, last)
        started = time.perf_counter()
        services.compute_all(run_.pk, pair_equal=pair_equal)
        seconds = time.perf_counter() - started
        run_.refresh_from_db()
        verdict = "OK" if seconds <= 30 and run_.status == ChangeRun.Status.DONE else "OVER TARGET"
        lines.append(
            f"kabupaten matrix ({label}): {seconds:.1f} s (target ≤ 30 s, {verdict}; "
            f"{seconds / reference:.0f}× reference), status {run_.status}"
        )

        # The villages with the most polygons: the slowest single-village matrices.
        ids = list(
            LandCover.objects.filter(snapshot=last)
            .values("dusun")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("dusun", "n")[:VILLAGE_SAMPLE]
        )
        worst = 0.0
        for dusun_id, _n in ids:

            def one(dusun_id=dusun_id, pair_equal=pair_equal):
                with transaction.atomic():
                    change.compute(first, last, [dusun_id], pair_equal=pair_equal)

            worst = max(worst, max(timed(one, repeat=3)))
        names = ", ".join(Wilayah.objects.get(pk=d).nama + f" ({n:,})" for d, n in ids[:3])
        verdict = "OK" if worst <= 1 else "OVER TARGET"
        lines.append(
            f"village matrix ({label}), slowest of the {len(ids)} largest villages ({names}, …): {ms(worst)} "
            f"(target ≤ 1 s, {verdict}; {worst / reference:.2f}× reference)"
        )
    ChangeRun.objects.filter(from_snapshot=first, to_snapshot=last).delete()
    services.compute_all(services.current_run(first, last).pk)  # leave the database with the normal result
    return lines

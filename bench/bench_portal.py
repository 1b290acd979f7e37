"""Public portal pages (issue 8): p50/p95 of the village, kecamatan and kabupaten pages and of the printable
village profile (PDF), warm; target p95 ≤ 300 ms for the pages. Reference: `/healthz` (one database round trip
through the whole middleware stack) in the same run, so the ratios say what the page itself costs.

Read-only on the development database; the full demo (`make run`) gives realistic pages. The PDF is measured
twice: rendered (its cache cleared before each call: the first visitor after a data change) and served from the
cache (everyone else, and a 304 for a browser that already has it).
"""

from django.core.cache import cache
from django.test import Client

from bench.timing import ms, p50, p95, timed

VILLAGES = ["15.08.14.2009", "15.08.14.2008", "15.08.06.2003", "15.08.03.1006"]
KECAMATAN = ["15.08.14", "15.08.03"]
REPEAT = 20
TARGET_S = 0.300


def _check(client: Client, path: str) -> None:
    status = client.get(path).status_code
    if status != 200:
        raise RuntimeError(f"{path} answered {status}; needs the Bungo reference data (manage.py load_wilayah)")


def run() -> list[str]:
    from dusun.wilayah.models import Wilayah

    client = Client(HTTP_HOST="localhost")
    villages = [k for k in VILLAGES if Wilayah.objects.filter(kode=k).exists()]
    reference = timed(lambda: client.get("/healthz"), repeat=REPEAT, warmup=3)
    ref = p50(reference)
    lines = [f"reference /healthz: p50 {ms(ref)}, p95 {ms(p95(reference))}"]

    def measure(label: str, paths: list[str], target: float | None = TARGET_S) -> None:
        for path in paths:
            _check(client, path)
        times: list[float] = []
        for path in paths:
            times += timed(lambda path=path: client.get(path), repeat=REPEAT, warmup=2)
        verdict = "" if target is None else (" OK" if p95(times) <= target else " OVER TARGET")
        lines.append(
            f"{label} ({len(paths)} × {REPEAT}): p50 {ms(p50(times))}, p95 {ms(p95(times))}"
            f"{'' if target is None else f' (target p95 ≤ {ms(target)}'}{verdict}{')' if target else ''}; "
            f"p50 {p50(times) / ref:.0f}× reference"
        )

    measure("village page /dusun/<kode>/", [f"/dusun/{k}/" for k in villages])
    measure("kecamatan page /kecamatan/<kode>/", [f"/kecamatan/{k}/" for k in KECAMATAN])
    measure("kabupaten page /", ["/"])
    measure("profile PDF, cached /dusun/<kode>/profil.pdf", [f"/dusun/{k}/profil.pdf" for k in villages])

    def rendered(path: str):
        cache.clear()
        return client.get(path)

    times: list[float] = []
    for k in villages:
        times += timed(lambda k=k: rendered(f"/dusun/{k}/profil.pdf"), repeat=3, warmup=1)
    lines.append(
        f"profile PDF, rendered (cache cleared; {len(villages)} villages × 3): p50 {ms(p50(times))}, "
        f"max {ms(max(times))} (target ≤ 3 s, {'OK' if max(times) <= 3 else 'OVER TARGET'}); "
        f"p50 {p50(times) / ref:.0f}× reference"
    )
    etag = client.get(f"/dusun/{villages[0]}/profil.pdf")["ETag"]
    not_modified = timed(lambda: client.get(f"/dusun/{villages[0]}/profil.pdf", headers={"If-None-Match": etag}))
    lines.append(f"profile PDF, 304 with If-None-Match: p50 {ms(p50(not_modified))}")
    return lines

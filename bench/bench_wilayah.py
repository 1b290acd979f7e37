"""Foundation pages and API: the kabupaten page, a village page and the village GeoJSON, each against
`/healthz` (one trivial query through the same stack) as the reference."""

from django.test import Client

from bench.timing import ms, p50, p95, timed


def run() -> list[str]:
    client = Client(HTTP_HOST="localhost")
    reference = timed(lambda: client.get("/healthz"), repeat=30)
    lines = [f"reference /healthz p50 {ms(p50(reference))}"]
    for label, path in [
        ("kabupaten page /", "/"),
        ("village page", "/dusun/15.08.14.2009/"),
        ("village GeoJSON (153)", "/api/v1/dusun.geojson"),
        ("vector tile z10", "/tiles/dusun/10/801/516.pbf"),
    ]:
        assert client.get(path).status_code == 200, path
        times = timed(lambda path=path: client.get(path), repeat=30)
        lines.append(
            f"{label}: p50 {ms(p50(times))}, p95 {ms(p95(times))} = {p50(times) / p50(reference):.1f}× /healthz"
        )
    return lines

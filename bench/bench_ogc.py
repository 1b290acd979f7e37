"""OGC API – Features (`/ogc/`) on the full demo data (≈256,000 land-cover polygons, ≈167,000 buildings).

Warm requests (each URL once before timing, so the cached extent and unfiltered counts are in place, as on
a running server), p50/p95 of 10 requests per URL, target p95 ≤ 300 ms (the public-page budget):
1. the landing page and the collection list (with every collection's extent);
2. items pages: the first page of land cover and buildings, a page deep in the land cover (offset 250,000,
   the last pages GDAL fetches), a village's bbox, a kecamatan filter with a datetime interval, a
   kabupaten-wide bbox (what QGIS asks first), a 1,000-feature page;
3. bad input (malformed bbox): answered before any feature query.
Read-only: nothing is written. Says so and measures nothing when the data is not there.
"""

from django.test import Client

from bench.timing import ms, p50, p95, timed

URLS = [
    ("halaman awal", "/ogc/"),
    ("daftar koleksi (dengan extent)", "/ogc/collections"),
    ("tutupan lahan, halaman 1 (100)", "/ogc/collections/tutupan-lahan/items"),
    ("tutupan lahan, offset 250.000", "/ogc/collections/tutupan-lahan/items?offset=250000"),
    ("tutupan lahan, 1.000 fitur", "/ogc/collections/tutupan-lahan/items?limit=1000"),
    ("tutupan lahan, bbox satu dusun", "/ogc/collections/tutupan-lahan/items?bbox=102.05,-1.62,102.15,-1.55"),
    ("tutupan lahan, bbox se-kabupaten", "/ogc/collections/tutupan-lahan/items?bbox=101.4,-1.95,102.6,-1.1"),
    (
        "tutupan lahan, kecamatan + datetime",
        "/ogc/collections/tutupan-lahan/items?kecamatan=15.08.14&datetime=2020-01-01/..",
    ),
    ("bangunan, halaman 1", "/ogc/collections/bangunan/items"),
    ("bangunan, satu dusun", "/ogc/collections/bangunan/items?dusun=15.08.14.2009"),
    ("batas dusun, 153 fitur", "/ogc/collections/dusun/items?limit=1000"),
]


def run() -> list[str]:
    from dusun.ruang.models import Building, LandCover

    polygons, buildings = LandCover.objects.count(), Building.objects.count()
    lines = [f"data: {polygons:,} poligon tutupan lahan, {buildings:,} bangunan"]
    if polygons < 100_000:
        return lines + ["data demo penuh belum ada (scripts/dev demo): tidak diukur"]
    client = Client(HTTP_HOST="127.0.0.1")

    def get(url: str, status: int = 200):
        def call():
            response = client.get(url)
            assert response.status_code == status, (url, response.status_code)

        return call

    worst = 0.0
    for label, url in URLS:
        times = timed(get(url), repeat=10, warmup=1)
        worst = max(worst, p95(times))
        lines.append(f"{label}: p50 {ms(p50(times))}, p95 {ms(p95(times))}")
    bad = timed(get("/ogc/collections/tutupan-lahan/items?bbox=1,2,3", status=400), repeat=10)
    lines.append(f"bbox salah (400): p50 {ms(p50(bad))}")
    lines.append(f"p95 terburuk {ms(worst)} (target ≤ 300 ms)")
    return lines

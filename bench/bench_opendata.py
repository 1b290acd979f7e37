"""Open data and thematic maps, on whatever the database holds (the full demo for meaningful numbers).

1. `/peta-tematik/` (all 153 dusun, every indicator computed for the selector, Jenks with 7 classes):
   p50/p95 of 20 warm requests; target p95 ≤ 300 ms (the public-page budget).
2. The kabupaten indicator table as CSV (153 dusun × every indicator): p50 of 5.
3. Land cover of one kecamatan (Bathin III Ulu) as GeoPackage through the ruang exporter: p50 of 3;
   kabupaten-wide land cover is refused (400) by design.
Read-only: nothing is written.
"""

from django.test import Client

from bench.timing import ms, p50, p95, timed


def run() -> list[str]:
    client = Client(HTTP_HOST="127.0.0.1")

    def get(url: str, status: int = 200):
        def call():
            response = client.get(url)
            assert response.status_code == status, (url, response.status_code)
            if response.streaming:
                b"".join(response.streaming_content)

        return call

    thematic = timed(get("/peta-tematik/?indikator=hutan-alam-persen&klasifikasi=jenks&kelas=7"), repeat=20, warmup=2)
    table = timed(get("/data/unduh/indikator/15.08.csv"), repeat=5)
    gpkg = timed(get("/data/unduh/lapisan-tutupan-lahan/15.08.14.gpkg"), repeat=3)
    refused = timed(get("/data/unduh/lapisan-tutupan-lahan/15.08.gpkg", status=400), repeat=3)
    return [
        f"peta tematik (153 dusun, Jenks 7 kelas): p50 {ms(p50(thematic))}, p95 {ms(p95(thematic))} (target ≤ 300 ms)",
        f"tabel indikator se-kabupaten (CSV): p50 {ms(p50(table))}",
        f"tutupan lahan satu kecamatan (GeoPackage): p50 {ms(p50(gpkg))}",
        f"tutupan lahan se-kabupaten: ditolak 400 dalam {ms(p50(refused))}",
    ]

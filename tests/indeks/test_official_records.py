"""The 44 official Bungo records: the computed series reproduces every published figure.

Three of the 44 files are not consistent with themselves: in 2024, Kemendesa's item table for Rantau
Pandan, Lubuk Kayu Aro and Pulau Jelmu shows "Skor Internet Kantor Desa" = 5 (keterangan and +NILAI
agree), while every total in the same file (IKS, IDM, penambahan) is the 2023 total carried over,
computed with that item at 1. No formula can reproduce both; Dusun Online computes from the item scores,
flags the file on import, and the test below pins exactly that, so any other mismatch fails.
"""

from dusun.indeks import engine
from dusun.indeks.models import Result, Series
from dusun.indeks.selectors import compare
from dusun.wilayah.models import Wilayah

from .conftest import raw_records

# (kode, year) → (item whose published score changed from the year before, its previous score)
CARRIED_OVER_TOTALS = {
    ("15.08.02.2003", 2024): ("IKS.30", 1),
    ("15.08.02.2005", 2024): ("IKS.30", 1),
    ("15.08.04.2003", 2024): ("IKS.30", 1),
}


def close6(a, b) -> bool:
    return round(float(a), 6) == round(float(b), 6)


def test_every_official_bungo_record_is_reproduced(idm, spec):
    records = raw_records()
    assert len(records) == 44
    reproduced = 0
    for kode, year, payload in records:
        summaries = payload["mapData"]["SUMMARIES"]
        rows = payload["mapData"]["ROW"]
        published = {"IKS": rows[35]["SKOR"], "IKE": rows[48]["SKOR"], "IKL": rows[52]["SKOR"]}
        dusun = Wilayah.objects.get(kode=kode)
        computed = Result.objects.get(dusun=dusun, year=year, series=Series.COMPUTED, is_current=True)
        official = Result.objects.get(dusun=dusun, year=year, series=Series.OFFICIAL, is_current=True)
        label = f"{kode} {year}"

        # The computed series was built from the published item scores, each marked as imported.
        items = {ri.item.code: ri for ri in computed.items.select_related("item")}
        assert len(items) == 50 and {ri.provenance for ri in items.values()} == {"diimpor"}, label
        assert computed.is_complete, label

        # Status, target status and skor minimal match exactly for every record.
        assert computed.status == summaries["STATUS"], label
        assert computed.target_status == summaries["TARGET_STATUS"], label
        assert f"{computed.minimum_score:.4f}" == summaries["SKOR_MINIMAL"], label
        # The stored official result keeps the published figures exactly as published.
        assert close6(official.value, summaries["SKOR_SAAT_INI"]) and close6(official.gap, summaries["PENAMBAHAN"])

        if (kode, year) in CARRIED_OVER_TOTALS:
            code, previous = CARRIED_OVER_TOTALS[(kode, year)]
            scores = {c: ri.score for c, ri in items.items()}
            assert scores[code] == 5, label
            assert official.warnings, label  # flagged on import
            # With the item at its previous score, the published totals are reproduced exactly.
            corrected = engine.compute(spec, {**scores, code: previous})
            for comp in ("IKS", "IKE", "IKL"):
                assert close6(corrected.component_values[comp], published[comp]), (label, comp)
            assert close6(corrected.value, summaries["SKOR_SAAT_INI"]), label
            assert close6(corrected.gap, summaries["PENAMBAHAN"]), label
            # …and they are the previous year's totals, unchanged.
            before = next(p for k, y, p in records if k == kode and y == year - 1)["mapData"]["SUMMARIES"]
            assert before["SKOR_SAAT_INI"] == summaries["SKOR_SAAT_INI"], label
            continue

        for comp in ("IKS", "IKE", "IKL"):
            assert close6(computed.components[comp]["value"], published[comp]), (label, comp)
        assert close6(computed.value, summaries["SKOR_SAAT_INI"]), label
        assert close6(computed.value, rows[53]["SKOR"]), label
        assert close6(computed.gap, summaries["PENAMBAHAN"]), label
        assert not official.warnings, label
        reproduced += 1
    assert reproduced == 41


def test_comparison_page_shows_zero_differences_after_import(client, idm):
    flagged = 0
    for kode, year, _payload in raw_records():
        comparison = compare(Wilayah.objects.get(kode=kode), year)
        html = client.get(f"/indeks/dusun/{kode}/{year}/banding/").content.decode()
        assert comparison.item_differences == 0, (kode, year)
        if (kode, year) in CARRIED_OVER_TOTALS:
            # Items agree; the totals differ because the published totals are not those of its own items.
            assert {s["label"] for s in comparison.summary if s["differs"]} == {"IKS", "IDM", "Penambahan"}
            assert "Berkas resmi tidak konsisten" in html
            flagged += 1
        else:
            assert comparison.differences == 0, (kode, year)
            assert 'data-differences="0"' in html and "Tidak ada selisih" in html
    assert flagged == 3


def test_bulk_sql_recompute_gives_the_engine_figures(idm):
    from dusun.indeks.services import recompute_year

    def snapshot():
        return {
            r.pk: (r.value, r.status, r.target_status, r.minimum_score, r.gap, r.components, r.is_complete)
            for r in Result.objects.filter(series=Series.COMPUTED)
        }

    before = snapshot()
    Result.objects.filter(series=Series.COMPUTED).update(
        is_complete=False, value=None, status="", gap=None, components={}
    )
    for year in (2021, 2022, 2023, 2024):
        assert recompute_year(idm, year) == 11
    assert snapshot() == before

"""Writes: idempotent loading, versions instead of overwrites, provenance rules, derivation, recomputation."""

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dusun.indeks import derivations, engine, services
from dusun.indeks.definition_file import DEFAULT_DEFINITIONS, read_definition
from dusun.indeks.models import IndexDefinition, Item, Provenance, Result, ResultItem, ScoreBand, Series
from dusun.indeks.selectors import current_result, scores_of
from dusun.wilayah.models import Wilayah

from .conftest import RAW

LUBUK_KAYU_ARO = "15.08.02.2005"


def test_load_idm_twice_changes_nothing(idm):
    counts = (Result.objects.count(), ResultItem.objects.count(), Item.objects.count(), ScoreBand.objects.count())
    call_command("load_idm", verbosity=0)
    assert (
        Result.objects.count(),
        ResultItem.objects.count(),
        Item.objects.count(),
        ScoreBand.objects.count(),
    ) == counts
    assert counts[0] == 88 and counts[2] == 50  # 44 official + 44 computed; 50 items


def test_definition_text_fix_updates_in_place_but_structure_change_is_refused(idm, tmp_path):
    data = json.loads(DEFAULT_DEFINITIONS[0].read_text("utf-8"))
    data["komponen"][0]["dimensi"][0]["variabel"][0]["item"][0]["masukan"] = "Waktu tempuh (menit), diperbaiki"
    fixed = tmp_path / "idm-2016.json"
    fixed.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    call_command("load_idm", "--definition", str(fixed), "--no-official", verbosity=0)
    assert Item.objects.get(definition=idm, code="IKS.01").question == "Waktu tempuh (menit), diperbaiki"

    data["status"][2]["batas_atas"] = "0.7050"  # a threshold change would silently re-grade old results
    fixed.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(CommandError, match="sudah dipakai oleh 88 hasil"):
        call_command("load_idm", "--definition", str(fixed), "--no-official", verbosity=0)
    assert str(IndexDefinition.objects.get(code="idm-2016").statuses.get(code="BERKEMBANG").upper_bound) == "0.7072"


def test_definition_file_problems_are_listed(tmp_path):
    data = json.loads(DEFAULT_DEFINITIONS[0].read_text("utf-8"))
    data["status"][3]["batas_atas"] = "0.5000"  # not ascending
    data["komponen"][1]["dimensi"][0]["variabel"][0]["item"][0]["pita"][0]["skor"] = 9
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), "utf-8")
    with pytest.raises(Exception) as info:
        read_definition(broken)
    message = str(info.value)
    assert "batas atas harus naik" in message and "pita skor '9' tidak sah" in message


def test_official_reimport_with_new_content_is_a_new_version(idm):
    dusun = Wilayah.objects.get(kode=LUBUK_KAYU_ARO)
    payload = json.loads((RAW / "1508022005" / "2023.json").read_text("utf-8"))
    payload["mapData"]["ROW"][0]["KETERANGAN"] = "Waktu tempuh dari ≤ 30 Menit (revisi)"
    imports = services.import_official_files([("revisi.json", json.dumps(payload).encode())])
    assert imports[0].created and imports[0].official.version == 2
    versions = Result.objects.filter(dusun=dusun, year=2023, series=Series.OFFICIAL).order_by("version")
    assert [(r.version, r.is_current) for r in versions] == [(1, False), (2, True)]
    assert versions[0].payload_digest != versions[1].payload_digest  # version 1 kept as it was
    # Same content again: nothing new.
    again = services.import_official_files([("revisi-lagi.json", json.dumps(payload, indent=4).encode())])
    assert not again[0].created and Result.objects.filter(dusun=dusun, year=2023, series="resmi").count() == 2


def test_entered_scores_survive_an_official_import_and_show_as_differences(idm, users):
    dusun = Wilayah.objects.get(kode=LUBUK_KAYU_ARO)
    result = services.save_entries(dusun, 2023, {"IKS.02": 5}, user=users["operator"], base_version=1)
    assert result.version == 2
    item = result.items.get(item__code="IKS.02")
    assert (item.score, item.provenance, item.entered_by) == (5, Provenance.ENTERED, users["operator"])
    assert item.note == "Jumlah dokter ≥ 1 orang"  # the band's official wording
    assert result.items.get(item__code="IKS.01").provenance == Provenance.IMPORTED

    payload = json.loads((RAW / "1508022005" / "2023.json").read_text("utf-8"))
    payload["mapData"]["ROW"][1]["KETERANGAN"] = "Jumlah Dokter Tidak ada."  # a new official version
    payload["mapData"]["ROW"][2]["SKOR"] = 0  # …that also changes Bidan (an imported item)
    services.import_official_files([("baru.json", json.dumps(payload).encode())])
    computed = current_result(dusun, 2023, Series.COMPUTED)
    scores = scores_of(computed)
    assert scores["IKS.02"] == 5  # the operator's entry is kept
    assert scores["IKS.03"] == 0  # the imported item follows the new official version
    from dusun.indeks.selectors import compare

    differing = [r.item.code for r in compare(dusun, 2023).rows if r.differs]
    assert differing == ["IKS.02"]


def test_save_entries_versions_and_clearing_an_item_makes_it_incomplete(idm, users, spec):
    dusun = Wilayah.objects.get(kode="15.08.14.2009")  # no official result
    full = {item.code: 3 for item in spec.items}
    first = services.save_entries(dusun, 2025, full, user=users["admin"])
    assert first.version == 1 and first.is_complete and first.status == "BERKEMBANG"
    same = services.save_entries(dusun, 2025, full, user=users["admin"], base_version=1)
    assert same.pk == first.pk  # nothing changed, no new version
    cleared = services.save_entries(dusun, 2025, {"IKL.01": None}, user=users["admin"], base_version=1)
    assert cleared.version == 2 and not cleared.is_complete
    assert cleared.value is None and cleared.status == "" and cleared.filled_count == 49
    assert cleared.components["IKL"]["sum"] is None and cleared.components["IKS"]["sum"] == 105
    first.refresh_from_db()
    assert first.is_complete and not first.is_current  # history kept


def test_stale_form_is_refused(idm, users):
    dusun = Wilayah.objects.get(kode=LUBUK_KAYU_ARO)
    services.save_entries(dusun, 2023, {"IKS.02": 5}, user=users["operator"], base_version=1)
    with pytest.raises(services.StaleVersionError, match="sudah diubah"):
        services.save_entries(dusun, 2023, {"IKS.04": 5}, user=users["admin"], base_version=1)
    assert current_result(dusun, 2023, Series.COMPUTED).version == 2


def _facility(dusun, kind, **extra):
    from django.contrib.gis.geos import Point

    from dusun.ruang.models import Facility
    from dusun.wilayah.selectors import label_point

    lon, lat = label_point(dusun)
    return Facility.objects.create(dusun=dusun, kind=kind, geom=Point(lon, lat, srid=4326), **extra)


def test_derived_scores_fill_missing_items_only_and_never_guess(idm, users):
    dusun = Wilayah.objects.get(kode="15.08.14.2009")
    year = timezone.localdate().year
    _facility(dusun, "paud")
    _facility(dusun, "poskamling", is_demo=True)  # demo data never counts
    for _ in range(2):
        _facility(dusun, "toko")  # 2 shops: not enough for the top band, so no score
    services.save_entries(dusun, year, {"IKS.17": 1}, user=users["admin"])
    _facility(dusun, "olahraga")  # would give IKS.17 = 5, but the item was entered by hand

    report = services.derive_inputs(dusun, year, user=users["admin"])
    assert set(report.applied) == {"IKS.11"}
    assert report.kept == {"IKS.17": "Diisi"}
    assert {"IKS.23", "IKS.02", "IKE.04"} <= set(report.unsettled)
    assert "2 toko/warung kelontong tercatat" in report.unsettled["IKE.04"].evidence
    item = report.result.items.get(item__code="IKS.11")
    assert (item.score, item.provenance) == (5, Provenance.DERIVED)
    assert "1 PAUD/TK tercatat" in item.note
    assert report.result.items.get(item__code="IKS.17").score == 1
    # Running it again changes nothing.
    again = services.derive_inputs(dusun, year, user=users["admin"])
    assert not again.applied and again.result.pk == report.result.pk


def test_derivation_only_counts_what_existed_in_the_index_year(idm, users):
    dusun = Wilayah.objects.get(kode="15.08.14.2009")
    last_year = timezone.localdate().year - 1
    _facility(dusun, "paud")  # entered this year, no survey date: not evidence for last year
    assert not services.derive_inputs(dusun, last_year, user=users["admin"]).applied
    _facility(dusun, "bidan", survey_date=dt.date(last_year, 6, 1))
    assert set(services.derive_inputs(dusun, last_year, user=users["admin"]).applied) == {"IKS.03"}


def test_lembaga_ekonomi_counts_bumdes_units_once(idm, users):
    dusun = Wilayah.objects.get(kode="15.08.14.2009")
    year = timezone.localdate().year
    _facility(dusun, "bumdes")
    _facility(dusun, "bumdes")
    report = services.derive_inputs(dusun, year, user=users["admin"])
    assert "IKE.09" not in report.applied  # one BUMDes with two units: not > 1
    _facility(dusun, "koperasi")
    report = services.derive_inputs(dusun, year, user=users["admin"])
    assert report.applied["IKE.09"].score == 5


def test_road_surface_rule_uses_the_longest_mapped_surface(idm, users):
    from django.contrib.gis.geos import LineString, MultiLineString

    from dusun.ruang.models import LineFeature

    dusun = Wilayah.objects.get(kode="15.08.14.2009")
    line = MultiLineString(LineString((102.0, -1.5), (102.01, -1.5)), srid=4326)
    LineFeature.objects.create(dusun=dusun, kind="jalan", surface="kerikil", geom=line, length_m=1200)
    LineFeature.objects.create(dusun=dusun, kind="jalan", surface="aspal", geom=line, length_m=700)
    LineFeature.objects.create(dusun=dusun, kind="jalan", surface="beton", geom=line, length_m=600)
    derivation = derivations.derive_all("idm-2016", dusun, timezone.localdate().year)["IKE.12"]
    assert derivation.score == 5  # aspal + beton (1.3 km) share a band and outrun kerikil (1.2 km)
    LineFeature.objects.create(dusun=dusun, kind="jalan", surface="tanah", geom=line, length_m=5000)
    derivation = derivations.derive_all("idm-2016", dusun, timezone.localdate().year)["IKE.12"]
    assert derivation.score is None and "tanah" in derivation.evidence


def test_sql_recompute_matches_the_engine_on_random_and_boundary_results(idm, spec):
    """Random item scores (some missing) across many villages: the bulk SQL path equals the engine."""
    rng = random.Random(20240501)
    villages = list(Wilayah.objects.villages().filter(jenis="desa").exclude(kode__startswith="15.08.02")[:60])
    items = {i.code: i for i in idm.items.all()}
    expected = {}
    # Boundary cases first: exact sums around each status bound (spec §4.3).
    boundary_sums = [(135, 33, 12), (138, 28, 13), (122, 26, 10), (154, 58, 9), (148, 40, 14), (0, 0, 0)]
    for index, dusun in enumerate(villages):
        if index < len(boundary_sums):
            scores = _scores_with_sums(spec, boundary_sums[index])
        else:
            scores = {code: rng.randint(0, 5) for code in items}
            if index % 7 == 0:
                for code in rng.sample(sorted(items), 3):
                    del scores[code]
        result = Result.objects.create(
            definition=idm, dusun=dusun, year=2030, series=Series.COMPUTED, version=1, components={}
        )
        ResultItem.objects.bulk_create(
            ResultItem(result=result, item=items[c], score=s, provenance=Provenance.ENTERED) for c, s in scores.items()
        )
        expected[result.pk] = engine.compute(spec, scores)
    assert services.recompute_year(idm, 2030) == len(villages)
    for result in Result.objects.filter(year=2030):
        computation = expected[result.pk]
        assert result.is_complete == computation.complete
        assert result.value == engine.to_decimal(computation.value)
        assert result.gap == engine.to_decimal(computation.gap)
        assert result.status == (computation.status.code if computation.status else "")
        assert result.target_status == (computation.target.code if computation.target else "")
        assert result.minimum_score == computation.minimum_score
        assert {k: v["sum"] for k, v in result.components.items()} == computation.sums


def _scores_with_sums(spec, sums):
    scores = {}
    for component, total in zip(spec.components, sums, strict=True):
        for code in component.item_codes:
            score = min(5, total)
            scores[code] = score
            total -= score
        assert total == 0
    return scores


def test_shipped_official_files_are_pinned_to_their_folder(idm):
    files, expected = services.shipped_official_files(Path(RAW))
    assert len(files) == 44 and expected["1508022001/2021.json"] == ("15.08.02.2001", 2021)

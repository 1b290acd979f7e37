"""The computation against every published test vector, the status boundaries and the bulk datasets.

Expected values are compared at the precision they were published with: 14 significant digits from
the Kemendesa API (checked to 6 decimals), 4 decimals where a source rounded them.
"""

import csv
from decimal import Decimal
from fractions import Fraction

import pytest

from dusun.indeks import engine

from .conftest import DATA


def decimals_of(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


def assert_matches(computed, expected: float, label: str) -> None:
    """Equal to 6 decimals, or to the published precision when the source gave fewer."""
    places = min(6, decimals_of(expected))
    assert round(float(computed), places) == round(expected, places), (label, float(computed), expected)


def scores_from_vector(spec, vector) -> dict[str, int]:
    scores = {}
    for component in spec.components:
        values = vector["scores"][component.code]
        assert len(values) == len(component.item_codes)
        scores.update(dict(zip(component.item_codes, values, strict=True)))
    return scores


def test_definition_has_50_items_in_three_components(spec):
    assert [(c.code, len(c.item_codes), c.max_total) for c in spec.components] == [
        ("IKS", 35, 175),
        ("IKE", 12, 60),
        ("IKL", 3, 15),
    ]
    assert len(spec.items) == 50
    assert [s.code for s in spec.statuses] == ["SANGAT TERTINGGAL", "TERTINGGAL", "BERKEMBANG", "MAJU", "MANDIRI"]


def test_every_test_vector(spec, vectors):
    """All six vectors of the spec (§10): four full per-item records and two component-level ones."""
    assert len(vectors) == 6
    for vector in vectors:
        expected = vector["expected"]
        if vector["level"] == "full":
            computation = engine.compute(spec, scores_from_vector(spec, vector))
            assert computation.sums == vector["component_sums"], vector["id"]
        else:
            # Component-level vectors give the sums only: compute through the same aggregation and status.
            sums = vector["component_sums"]
            value = engine.AGGREGATIONS[spec.aggregation](spec, sums)
            status = engine.classify(spec, value)
            target = engine.target_of(spec, status)
            computation = engine.Computation(
                sums=sums,
                component_values={c.code: Fraction(sums[c.code], c.max_total) for c in spec.components},
                missing=(),
                value=value,
                status=status,
                target=target,
                minimum_score=target.entry_score,
                gap=Fraction(target.entry_score) - value,
            )
        for code in ("IKS", "IKE", "IKL"):
            assert_matches(computation.component_values[code], expected[code], f"{vector['id']} {code}")
        assert_matches(computation.value, expected["IDM"], f"{vector['id']} IDM")
        assert computation.status.code == expected["STATUS"], vector["id"]
        if "TARGET_STATUS" in expected:
            assert computation.target.code == expected["TARGET_STATUS"], vector["id"]
            assert str(computation.minimum_score) == expected["SKOR_MINIMAL"], vector["id"]
        if "PENAMBAHAN" in expected:
            assert_matches(computation.gap, expected["PENAMBAHAN"], f"{vector['id']} PENAMBAHAN")


def test_cikedokan_penambahan_to_the_published_precision(spec, vectors):
    cikedokan = next(v for v in vectors if v["id"] == "cikedokan-2021")
    computation = engine.compute(spec, scores_from_vector(spec, cikedokan))
    assert computation.value == Fraction(4452, 6300)
    # Kemendesa computes float(SKOR_MINIMAL) − IDM in doubles; the exact gap agrees to 12 decimals.
    assert abs(float(computation.gap) - 0.0006333333333300439) < 1e-12


@pytest.mark.parametrize(
    ("sums", "status"),
    [
        ((135, 33, 12), "BERKEMBANG"),  # 0.707143, just below 0.7072
        ((138, 28, 13), "MAJU"),  # 0.707302, just above
        ((126, 32, 13), "BERKEMBANG"),  # 0.706667
        ((128, 28, 9), "BERKEMBANG"),  # 0.599365
        ((122, 26, 10), "BERKEMBANG"),  # 0.599048, just above 0.5989
        ((154, 58, 9), "MANDIRI"),  # 0.815556, just above 0.8155
        ((148, 40, 14), "MAJU"),  # 0.8152 (Bedi Kulon)
    ],
)
def test_status_at_the_boundaries(spec, sums, status):
    value = engine.mean_of_components(spec, dict(zip(("IKS", "IKE", "IKL"), sums, strict=True)))
    assert engine.classify(spec, value).code == status


def test_upper_bounds_are_inclusive_on_the_exact_value(spec):
    for s in spec.statuses[:-1]:
        assert engine.classify(spec, s.upper_bound).code == s.code
        assert engine.classify(spec, s.upper_bound + Fraction(1, 10**12)).order == s.order + 1


def test_target_minimum_and_gap_for_each_status(spec):
    expected = {
        "SANGAT TERTINGGAL": ("TERTINGGAL", "0.4908"),
        "TERTINGGAL": ("BERKEMBANG", "0.5990"),
        "BERKEMBANG": ("MAJU", "0.7073"),
        "MAJU": ("MANDIRI", "0.8156"),
        "MANDIRI": ("MANDIRI", "0.8156"),
    }
    for status in spec.statuses:
        target = engine.target_of(spec, status)
        assert (target.code, str(target.entry_score)) == expected[status.code]


def test_missing_item_makes_the_result_incomplete_not_zero(spec):
    scores = {item.code: 5 for item in spec.items}
    del scores["IKE.03"]
    computation = engine.compute(spec, scores)
    assert not computation.complete
    assert computation.missing == ("IKE.03",)
    assert computation.value is None and computation.status is None and computation.gap is None
    assert computation.sums["IKE"] is None and computation.sums["IKS"] == 175


def test_scores_outside_the_range_and_unknown_codes_are_refused(spec):
    full = {item.code: 3 for item in spec.items}
    for bad in (-1, 6, 2.5, True, "5"):
        with pytest.raises(engine.ScoreError, match="IKS.01"):
            engine.compute(spec, {**full, "IKS.01": bad})
    with pytest.raises(engine.ScoreError, match="IKS.99"):
        engine.compute(spec, {**full, "IKS.99": 3})


def test_gain_is_kemendesa_nilai_and_the_fewest_items_reach_the_target(spec):
    scores = {item.code: 3 for item in spec.items}
    assert engine.gain_if_maxed(spec, scores, "IKS.01") == Fraction(2, 525)
    assert engine.gain_if_maxed(spec, scores, "IKE.01") == Fraction(2, 180)
    assert engine.gain_if_maxed(spec, scores, "IKL.01") == Fraction(2, 45)
    current = engine.compute(spec, scores)  # 0.6 → BERKEMBANG
    assert current.status.code == "BERKEMBANG"
    path = engine.fewest_items_to_target(spec, scores)
    after = engine.simulate(spec, scores, {s.code: 5 for s in path})
    assert after.status.code == "MAJU"
    # One item fewer is not enough, whichever items are chosen (the gains are sorted, largest first).
    fewer = engine.simulate(spec, scores, {s.code: 5 for s in path[:-1]})
    assert fewer.status.code == "BERKEMBANG"
    assert [s.code for s in path[:3]] == ["IKL.01", "IKL.02", "IKL.03"]


def test_nilai_equals_the_published_plus_nilai_for_every_official_row(spec):
    """Every item row of the 44 Bungo files and Cikedokan: NILAI = (5 − skor)/(3 × max) to 8 decimals."""
    import json

    from .conftest import raw_records

    payloads = [payload for _k, _y, payload in raw_records()]
    payloads.append(json.loads((DATA / "cikedokan_3216082011_rumusan_idm2021.json").read_text("utf-8")))
    checked = 0
    for payload in payloads:
        rows = [r for r in payload["mapData"]["ROW"] if r.get("NO") is not None]
        scores = {item.code: row["SKOR"] for item, row in zip(spec.items, rows, strict=True)}
        for item, row in zip(spec.items, rows, strict=True):
            gain = engine.gain_if_maxed(spec, scores, item.code)
            assert Decimal(row["NILAI"]) == engine.to_decimal(gain, 8), (item.code, row)
            checked += 1
    assert checked == 45 * 50


def _sums_from_published(values: list[float], spec) -> dict[str, int]:
    """Published 4-decimal components back to their integer sums (each is k/max exactly)."""
    sums = {}
    for component, value in zip(spec.components, values, strict=True):
        total = round(value * component.max_total)
        assert abs(total / component.max_total - value) < 0.00006, (component.code, value)
        sums[component.code] = total
    return sums


def test_all_1304_serang_records_status_from_exact_mean(spec):
    checked = 0
    with (DATA / "serang_3604_idm_2021_2024.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for year in (2021, 2022, 2023, 2024):
                values = [float(row[f"{c} {year}"]) for c in ("IKS", "IKE", "IKL")]
                value = engine.mean_of_components(spec, _sums_from_published(values, spec))
                assert abs(float(value) - float(row[f"NILAI IDM {year}"])) <= 0.00005 + 1e-12
                assert engine.classify(spec, value).code == row[f"STATUS IDM {year}"].strip().upper()
                checked += 1
    assert checked == 1304


def test_all_189_sambas_records_lie_on_the_grid_and_classify(spec):
    checked = 0
    with (DATA / "sambas_6101_idm_2019.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            exact = Fraction(round(float(row["nilai_idm"]) * 6300), 6300)
            assert abs(float(exact) - float(row["nilai_idm"])) < 1e-9
            assert engine.classify(spec, exact).code == row["status_idm"].strip().upper()
            checked += 1
    assert checked == 189

"""Classification on known data: quantile, equal interval and Jenks natural breaks."""

import pytest

from dusun.portal import indicators as ind


def test_quantile_breaks_split_ten_values_into_five_pairs():
    values = [float(x) for x in range(1, 11)]
    assert ind.quantile_breaks(values, 5) == [1, 2, 4, 6, 8, 10]
    c = ind.classify({str(x): ind.Value(x) for x in values}, [str(x) for x in values], ind.QUANTILE, 5)
    assert [k.count for k in c.classes] == [2, 2, 2, 2, 2]


def test_equal_interval_breaks():
    values = [float(x) for x in range(0, 11)]
    assert ind.equal_breaks(values, 5) == [0, 2, 4, 6, 8, 10]
    c = ind.classify({str(x): ind.Value(x) for x in values}, [str(x) for x in values], ind.EQUAL, 5)
    # (0..2] holds 0, 1, 2; then 3–4, 5–6, 7–8, 9–10
    assert [k.count for k in c.classes] == [3, 2, 2, 2, 2]


def test_jenks_finds_the_three_obvious_groups():
    values = [1, 2, 3, 10, 11, 12, 20, 21, 22]
    assert ind.jenks_breaks(values, 3) == [1, 3, 12, 22]
    c = ind.classify({str(x): ind.Value(x) for x in values}, [str(x) for x in values], ind.JENKS, 3)
    assert [k.count for k in c.classes] == [3, 3, 3]


def test_jenks_is_optimal_against_brute_force():
    import itertools

    values = sorted([4, 5, 9, 10, 11, 23, 24, 25, 40, 41, 70])

    def cost(groups):
        return sum(sum((x - sum(g) / len(g)) ** 2 for x in g) for g in groups)

    best = min(cost([values[:a], values[a:b], values[b:]]) for a, b in itertools.combinations(range(1, len(values)), 2))
    breaks = ind.jenks_breaks(values, 3)
    groups = [[x for x in values if (x <= breaks[1])], [x for x in values if breaks[1] < x <= breaks[2]]]
    groups.append([x for x in values if x > breaks[2]])
    assert cost(groups) == pytest.approx(best)


def test_hidden_and_missing_values_are_their_own_grey_classes():
    values = {"a": ind.Value(1), "b": ind.Value(5), "c": ind.HIDDEN, "d": ind.Value(9)}
    c = ind.classify(values, ["a", "b", "c", "d", "e"], ind.QUANTILE, 3)
    assert (c.hidden, c.missing) == (1, 1)
    assert sum(k.count for k in c.classes) == 3
    assert c.colour_of("c", values["c"]) == ind.HIDDEN_COLOUR
    assert c.colour_of("e", None) == ind.NO_DATA_COLOUR


def test_identical_values_give_one_class_and_no_crash():
    values = {k: ind.Value(7) for k in "abc"}
    for method in ind.METHODS:
        c = ind.classify(values, list("abc"), method, 5)
        assert sum(k.count for k in c.classes) == 3


def test_display_says_disembunyikan_never_the_number():
    assert ind.display(ind.HIDDEN) == "disembunyikan"
    assert ind.display(None) == "tidak ada data"
    assert ind.display(ind.Value(1234.5), 1) == "1.234,5"
    assert ind.export_value(ind.HIDDEN) == "disembunyikan"

"""The suppression engine: small cells hidden, complements added, and an attacker that checks the result.

The attacker is tested first (it must find recoveries that naive suppression leaves open), because the
engine's guarantee is only as good as the attacker it is checked against.
"""

import random

from dusun.warga import suppression as s


def one_table(values: dict[str, int], total="T") -> s.Table:
    table = s.Table()
    for key, value in values.items():
        table.cell(key, value)
    table.cell(total, sum(values.values()))
    table.relate(total, list(values))
    return table


def hierarchy(cells: dict[tuple[str, str], int], dusun: list[str], cats: list[str]) -> s.Table:
    """cats × dusun with a total per dusun (rows) and a kecamatan cell per category (columns)."""
    table = s.Table()
    for (cat, d), value in cells.items():
        table.cell((cat, d), value)
    for d in dusun:
        table.cell(("T", d), sum(cells[(c, d)] for c in cats))
        table.relate(("T", d), [(c, d) for c in cats])
    for cat in cats:
        table.cell((cat, "K"), sum(cells[(cat, d)] for d in dusun))
        table.relate((cat, "K"), [(cat, d) for d in dusun])
    table.cell(("T", "K"), sum(cells.values()))
    table.relate(("T", "K"), [(c, "K") for c in cats])
    table.relate(("T", "K"), [("T", d) for d in dusun])
    return table


def flags_for(table, hidden: dict) -> list[int]:
    return [hidden.get(k, s.PUBLISHED) for k in table.keys]


def test_attacker_recovers_a_lone_small_cell_from_the_total():
    table = one_table({"islam": 240, "kristen": 3, "katolik": 12})
    naive = flags_for(table, {"kristen": s.PRIMARY})
    audit = s.Audit(table, naive)
    assert audit.exact() == [table.index["kristen"]]  # 255 − 240 − 12 = 3
    assert (audit.lo[1], audit.hi[1]) == (3, 3)


def test_attacker_recovers_through_the_hierarchy():
    # Hiding the small dusun cell and a second cell in its row is not enough when the kecamatan cell
    # is published: the column gives it away.
    cells = {("a", "d1"): 2, ("b", "d1"): 50, ("a", "d2"): 10, ("b", "d2"): 40}
    table = hierarchy(cells, ["d1", "d2"], ["a", "b"])
    naive = flags_for(table, {("a", "d1"): s.PRIMARY, ("b", "d1"): s.COMPLEMENTARY})
    assert s.Audit(table, naive).exact() == [table.index[("a", "d1")]]


def test_engine_protects_a_one_dimensional_table():
    table = one_table({"islam": 240, "kristen": 3, "katolik": 12})
    flags = s.suppress(table)
    assert flags[table.index["kristen"]] == s.PRIMARY
    assert flags.count(s.COMPLEMENTARY) >= 1
    audit = s.Audit(table, flags)
    assert audit.exact() == [] and audit.narrowed() == []
    assert flags[table.index["T"]] == s.PUBLISHED  # the total stays readable


def test_engine_protects_across_the_hierarchy_and_prefers_lower_levels():
    cells = {("a", "d1"): 2, ("b", "d1"): 50, ("a", "d2"): 10, ("b", "d2"): 40, ("a", "d3"): 7, ("b", "d3"): 70}
    table = hierarchy(cells, ["d1", "d2", "d3"], ["a", "b"])
    flags = s.suppress(table, cost=lambda key: key[1] == "K")
    assert s.Audit(table, flags).exact() == []
    hidden = {table.keys[i] for i, f in enumerate(flags) if f}
    assert ("a", "K") not in hidden and ("T", "K") not in hidden  # the kecamatan row stays public


def test_zero_beside_a_small_count_is_shown_as_small_so_parts_stay_uncertain():
    # Total 2 = 1 + 1 + 0: with zeros shown, an attacker knowing each "<5" part is ≥ 1 gets both exactly.
    table = one_table({"a": 1, "b": 1, "c": 0})
    flags = s.suppress(table)
    assert flags[table.index["c"]] == s.PRIMARY
    assert s.Audit(table, flags).exact() == []


def test_kept_cells_are_never_complements():
    table = one_table({"a": 3, "b": 30, "c": 40})
    flags = s.suppress(table, keep=["T"])
    assert flags[table.index["T"]] == s.PUBLISHED
    assert s.Audit(table, flags).exact() == []


def test_random_hierarchies_never_leave_a_small_count_recoverable():
    rng = random.Random(42)
    for _ in range(30):
        dusun = [f"d{i}" for i in range(rng.randint(2, 6))]
        cats = [f"c{i}" for i in range(rng.randint(2, 5))]
        cells = {(c, d): rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 9, 15, 40, 120]) for c in cats for d in dusun}
        table = hierarchy(cells, dusun, cats)
        flags = s.suppress(table, keep=[("T", d) for d in dusun] + [("T", "K")])
        audit = s.Audit(table, flags)
        assert audit.exact() == [], cells
        for i, flag in enumerate(flags):
            if flag == s.PRIMARY and table.values[i]:
                assert audit.hi[i] - audit.lo[i] >= 1  # at least two values stay possible for a real count


def test_inconsistent_relations_are_refused():
    table = s.Table()
    table.cell("a", 1)
    table.cell("T", 5)
    try:
        table.relate("T", ["a"])
    except ValueError:
        return
    raise AssertionError("a sum that does not add up must be refused")

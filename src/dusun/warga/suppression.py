"""Small-cell suppression for published counts, with complementary suppression checked by an attacker.

The rule, as published with every table:
1. A count from 1 to 4 is shown as "<5" (primary suppression).
2. A zero that sits in the same sum as such a count is shown as "<5" too. Otherwise a small total split
   into small parts is recoverable: a kecamatan with "<5" retirees, found in two dusun each split into
   "<5" men and "<5" women, forces every part to be exactly 1 once the attacker knows each part is ≥ 1.
   With zeros hidden alongside, "<5" means "0 to 4" there and the parts stay uncertain.
3. More cells are hidden (complementary suppression, shown as "•") until no small count can be
   recovered by subtraction through the sums that tie the tables together: the categories of a table
   add up to its total, men plus women make everyone, the dusun of a kecamatan add up to the kecamatan.

"Cannot be recovered" is checked, not assumed. `Audit` plays a data user who knows every published
number, every sum, and the rule itself: a "<5" cell is 0–4 if it shares a sum with another "<5" cell
(rule 2 may have hidden a zero there) and 1–4 otherwise; a complementary cell is ≥ 5 (smaller ones would
be "<5"). It propagates interval bounds through every sum until nothing changes — the audit by interval
propagation of statistical disclosure control. The engine adds complementary cells until no count of 1–4
is pinned to one value. A "<5" cell may still be narrowed (say to 0–1) where the sum around it is itself
small; `Audit.narrowed` lists those, and at least two values always remain possible.

Which cell to hide is a price (`cost`): detail before headline — a dusun cell before its kecamatan's, a
one-sex cell before a both-sexes one — and large cells before small ones (a complement of 5–8 gives an
attacker a tight lower bound). Cells in `keep` (each area's population and household count) are hidden
only as a last resort.

The engine is generic: cells are hashable keys with integer values, relations are `total = sum(parts)`.
`statistics.py` builds the cells and relations of the whole kabupaten hierarchy at once, because a
kabupaten cell is the sum of its kecamatan and a kecamatan cell the sum of its dusun: suppressing each
area on its own would leak through the margins.
"""

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

THRESHOLD = 5


def small_count(n: int) -> str:
    """A count published on its own (beneficiary households of a project): 1–4 written "<5", others as is."""
    return f"<{THRESHOLD}" if 0 < n < THRESHOLD else str(n)


PUBLISHED, PRIMARY, COMPLEMENTARY = 0, 1, 2
INF = 10**15
# In a sum p + c = S with p a "<5" cell (0–4) and c complementary (known ≥ 5), the bound p ≤ S − 5 only
# stays at 4 when c ≥ 9. Such cells are preferred as complements; smaller ones only when nothing else is.
PREFERRED_COMPLEMENT = 2 * THRESHOLD - 1


@dataclass
class Table:
    """Cells (key → count) and the sums that tie them (total key = sum of component keys)."""

    index: dict[Hashable, int] = field(default_factory=dict)
    keys: list[Hashable] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    relations: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)

    def cell(self, key: Hashable, value: int) -> int:
        if value < 0:
            raise ValueError("Counts cannot be negative.")
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.values)
            self.keys.append(key)
            self.values.append(value)
        elif self.values[i] != value:
            raise ValueError(f"Cell {key!r} given two values ({self.values[i]} and {value}).")
        return i

    def relate(self, total: Hashable, components: Iterable[Hashable]) -> None:
        t = self.index[total]
        comps = tuple(self.index[k] for k in components)
        if not comps:
            return
        if sum(self.values[c] for c in comps) != self.values[t]:
            raise ValueError(f"Relation for {total!r} does not add up.")
        self.relations.append((t, comps))


class Audit:
    """The attacker's view of one suppression pattern (flags) of a table."""

    def __init__(self, table: Table, flags: list[int], by_cell: list[list[int]] | None = None) -> None:
        self.table, self.flags = table, flags
        self.by_cell = by_cell if by_cell is not None else cell_relations(table)
        self.floor = self._floors()
        self.lo, self.hi = self._attack()

    def _floors(self) -> list[int]:
        """Rule 2 seen from outside: a "<5" cell may be 0 when another "<5" cell shares a sum with it."""
        table, flags = self.table, self.flags
        floors = [1] * len(flags)
        for i, flag in enumerate(flags):
            if flag != PRIMARY:
                continue
            for r in self.by_cell[i]:
                t, comps = table.relations[r]
                if any(flags[j] == PRIMARY and j != i for j in (t, *comps)):
                    floors[i] = 0
                    break
        return floors

    def rule_bounds(self, i: int) -> tuple[int, int]:
        flag = self.flags[i]
        if flag == PRIMARY:
            return self.floor[i], THRESHOLD - 1
        if flag == COMPLEMENTARY:
            return THRESHOLD, INF
        return self.table.values[i], self.table.values[i]

    def _attack(self) -> tuple[list[int], list[int]]:
        table, flags = self.table, self.flags
        lo, hi = [0] * len(flags), [0] * len(flags)
        for i in range(len(flags)):
            lo[i], hi[i] = self.rule_bounds(i)
        queue = deque(r for r, (t, comps) in enumerate(table.relations) if flags[t] or any(flags[c] for c in comps))
        queued = set(queue)
        steps, limit = 0, 200 * (len(table.relations) + 1)
        while queue and steps < limit:
            steps += 1
            r = queue.popleft()
            queued.discard(r)
            t, comps = table.relations[r]
            for cell, new_lo, new_hi in tighten(t, comps, lo, hi):
                if new_lo > new_hi:
                    raise ValueError(f"Inconsistent table at {table.keys[cell]!r}.")
                lo[cell], hi[cell] = new_lo, new_hi
                for r2 in self.by_cell[cell]:
                    if r2 not in queued:
                        queue.append(r2)
                        queued.add(r2)
        return lo, hi

    def exact(self) -> list[int]:
        """Small counts (1–4) the published numbers pin to one value: the disclosure that must not happen."""
        values = self.table.values
        return [i for i, f in enumerate(self.flags) if f == PRIMARY and values[i] and self.lo[i] == self.hi[i]]

    def pinned(self) -> list[int]:
        """Other hidden cells pinned to one value: a complementary cell (≥ 5) or a zero hidden by rule 2.
        Harmless themselves, but a chain of them is how a leak travels (dusun → kecamatan → another
        category of that dusun …), so they are protected where a sum can take another hidden cell."""
        values = self.table.values
        return [
            i
            for i, f in enumerate(self.flags)
            if f and self.lo[i] == self.hi[i] and (f == COMPLEMENTARY or values[i] == 0)
        ]

    def narrowed(self) -> list[int]:
        """Small counts narrowed below 1–4 (what "<5" says of a count), though not to one value."""
        return [
            i
            for i, f in enumerate(self.flags)
            if f == PRIMARY
            and self.table.values[i]
            and self.lo[i] < self.hi[i]
            and (self.lo[i] > 1 or self.hi[i] < THRESHOLD - 1)
        ]

    def local_narrowing(self, r: int) -> set[int]:
        """The cells relation r alone, from the rule's bounds, narrows."""
        t, comps = self.table.relations[r]
        lo, hi = {}, {}
        for i in (t, *comps):
            lo[i], hi[i] = self.rule_bounds(i)
        return {i for i, _lo, _hi in tighten(t, comps, lo, hi)}


def cell_relations(table: Table) -> list[list[int]]:
    by_cell: list[list[int]] = [[] for _ in table.values]
    for r, (t, comps) in enumerate(table.relations):
        by_cell[t].append(r)
        for c in comps:
            by_cell[c].append(r)
    return by_cell


def tighten(t: int, comps: tuple[int, ...], lo, hi) -> list[tuple[int, int, int]]:
    """New (cell, lo, hi) for the members of `total = sum(comps)` that the relation narrows."""
    sum_lo = sum(lo[c] for c in comps)
    unbounded = sum(1 for c in comps if hi[c] >= INF)
    finite_hi = sum(hi[c] for c in comps if hi[c] < INF)
    out = []
    total_lo, total_hi = max(lo[t], sum_lo), min(hi[t], INF if unbounded else finite_hi)
    if (total_lo, total_hi) != (lo[t], hi[t]):
        out.append((t, total_lo, total_hi))
    for c in comps:
        own_unbounded = hi[c] >= INF
        new_lo, new_hi = lo[c], hi[c]
        if unbounded - own_unbounded == 0:  # the other parts have a ceiling, so c has a floor
            new_lo = max(new_lo, total_lo - (finite_hi - (0 if own_unbounded else hi[c])))
        if total_hi < INF:  # the total has a ceiling, so c has one too
            new_hi = min(new_hi, total_hi - (sum_lo - lo[c]))
        if (new_lo, new_hi) != (lo[c], hi[c]):
            out.append((c, new_lo, new_hi))
    return out


def primary_flags(table: Table, by_cell: list[list[int]]) -> list[int]:
    """Rules 1 and 2: counts 1–4, and zeros sharing a sum with one of them."""
    values = table.values
    flags = [PRIMARY if 0 < v < THRESHOLD else PUBLISHED for v in values]
    small = [i for i, f in enumerate(flags) if f == PRIMARY]
    for i in small:
        for r in by_cell[i]:
            t, comps = table.relations[r]
            for j in (t, *comps):
                if values[j] == 0:
                    flags[j] = PRIMARY
    return flags


def _totals(table: Table) -> set[int]:
    return {t for t, _comps in table.relations}


def _complement_candidate(table: Table, flags: list[int], r: int, costs: list, keep: set[int]) -> int | None:
    """The published cell of relation r to hide next: never one of `keep` (an area's population and
    household count), the cheapest by `costs` (e.g. a dusun before its kecamatan), large enough to
    protect, else the smallest that is."""
    t, comps = table.relations[r]
    eligible = [i for i in (*comps, t) if flags[i] == PUBLISHED and table.values[i] >= THRESHOLD and i not in keep]
    if not eligible:
        return None
    return min(eligible, key=lambda i: _rank(table, i, costs))


def _rank(table: Table, i: int, costs: list) -> tuple:
    value = table.values[i]
    return (costs[i], value < PREFERRED_COMPLEMENT, value)


def suppress(table: Table, keep: Iterable[Hashable] = (), cost=None, max_rounds: int = 200) -> list[int]:
    """Flags for every cell (PUBLISHED, PRIMARY, COMPLEMENTARY) such that no small count is exact.

    `keep`: keys that are never hidden as complements (an area's population and household count: they
    are published facts anyway, and a table without its total is hard to read). `cost(key)`: an
    orderable price of hiding a cell as a complement (default: totals cost more than parts). A kept, published cell
    is a fixed number that carries no uncertainty from one sum to another, so the table falls apart
    into independent pieces (one per dimension, roughly) that are suppressed one by one — the attack
    is then rerun over a few thousand cells per round instead of the whole kabupaten.
    """
    keep_idx = {table.index[k] for k in keep if k in table.index}
    by_cell = cell_relations(table)
    flags = primary_flags(table, by_cell)
    fixed = {i for i in keep_idx if flags[i] == PUBLISHED}
    if cost is None:
        totals = _totals(table)
        costs = [i in totals for i in range(len(table.values))]
    else:
        costs = [cost(k) for k in table.keys]
    for relations in _components(table, fixed):
        sub, cells = _subtable(table, relations)
        keep_sub = {j for j, i in enumerate(cells) if i in keep_idx}
        sub_flags = _suppress_piece(sub, [flags[i] for i in cells], keep_sub, [costs[i] for i in cells], max_rounds)
        for j, i in enumerate(cells):
            flags[i] = sub_flags[j]
    return flags


def _components(table: Table, fixed: set[int]) -> list[list[int]]:
    """Groups of relations linked through cells that may be hidden (union-find over relations)."""
    parent = list(range(len(table.relations)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[int, int] = {}
    for r, (t, comps) in enumerate(table.relations):
        for i in (t, *comps):
            if i in fixed:
                continue
            if i in owner:
                a, b = find(owner[i]), find(r)
                if a != b:
                    parent[a] = b
            else:
                owner[i] = r
    groups: dict[int, list[int]] = {}
    for r in range(len(table.relations)):
        groups.setdefault(find(r), []).append(r)
    return list(groups.values())


def _subtable(table: Table, relations: list[int]) -> tuple[Table, list[int]]:
    sub = Table()
    cells: list[int] = []
    local: dict[int, int] = {}
    for r in relations:
        t, comps = table.relations[r]
        for i in (t, *comps):
            if i not in local:
                local[i] = len(cells)
                cells.append(i)
                sub.keys.append(table.keys[i])
                sub.values.append(table.values[i])
        sub.relations.append((local[t], tuple(local[c] for c in comps)))
    sub.index = {k: j for j, k in enumerate(sub.keys)}
    return sub, cells


def _options(table: Table, flags: list[int], audit: Audit, target: int, costs: list, keep: set[int]) -> list[int]:
    """Candidate complements from the sums that narrow `target` on their own."""
    options = []
    for r in audit.by_cell[target]:
        if target in audit.local_narrowing(r):
            candidate = _complement_candidate(table, flags, r, costs, keep)
            if candidate is not None:
                options.append(candidate)
    return options


def _suppress_piece(table: Table, flags: list[int], keep: set[int], costs: list, max_rounds: int) -> list[int]:
    if not any(flags):
        return flags
    by_cell = cell_relations(table)
    for _round in range(max_rounds):
        audit = Audit(table, flags, by_cell)
        exact = audit.exact()
        if not exact:
            return flags
        chosen: set[int] = set()
        pinned = set(audit.pinned())
        for target in exact:
            # The sums that pin this cell on their own get one more hidden cell (the cheapest, over all
            # of them): hiding one per leaking sum at once converges faster but hides far more.
            options = _options(table, flags, audit, target, costs, keep)
            if not options:
                # Pinned through a chain: free the pinned hidden cells (complements, zeros hidden by
                # rule 2) that share a sum with it, which is where the chain runs.
                for r in by_cell[target]:
                    t, comps = table.relations[r]
                    for other in (t, *comps):
                        if other in pinned:
                            options += _options(table, flags, audit, other, costs, keep)
            if not options:
                # Still nothing: widen the sum around it with the fewest hidden members.
                relations = sorted(
                    by_cell[target],
                    key=lambda r: sum(1 for i in (table.relations[r][0], *table.relations[r][1]) if flags[i]),
                )
                options = [
                    c for r in relations if (c := _complement_candidate(table, flags, r, costs, keep)) is not None
                ][:1]
            if options:
                chosen.add(min(options, key=lambda i: _rank(table, i, costs)))
        if not chosen:
            break
        for i in chosen:
            flags[i] = COMPLEMENTARY
    # Last resort: the exact cell is pinned by a web of hidden cells whose sums are all published. Walk
    # that web outwards and hide the cheapest published cell found on it — an area's kept total only if
    # nothing else is left — until no small count is exact. Each pass hides one more cell, so it ends.
    while exact := Audit(table, flags, by_cell).exact():
        candidate = _nearest_published(table, flags, by_cell, exact[0], costs, keep)
        if candidate is None:
            raise RuntimeError("Suppression cannot protect every small cell.")
        flags[candidate] = COMPLEMENTARY
    return flags


def _nearest_published(table, flags, by_cell, start: int, costs, keep: set[int]) -> int | None:
    seen_cells, seen_relations = {start}, set()
    frontier = [start]
    while frontier:
        found = []
        next_frontier = []
        for cell in frontier:
            for r in by_cell[cell]:
                if r in seen_relations:
                    continue
                seen_relations.add(r)
                t, comps = table.relations[r]
                for i in (t, *comps):
                    if flags[i] == PUBLISHED and table.values[i] >= THRESHOLD:
                        found.append(i)
                    elif flags[i] and i not in seen_cells:
                        seen_cells.add(i)
                        next_frontier.append(i)
        free = [i for i in found if i not in keep]
        if free:
            return min(free, key=lambda i: _rank(table, i, costs))
        if found and not next_frontier:
            return min(found, key=lambda i: _rank(table, i, costs))
        frontier = next_frontier
    return None

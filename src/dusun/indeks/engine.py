"""The computation, exact and free of the database: item scores in, index, status and targets out.

Everything is done in rational numbers (`fractions.Fraction`), so the status is decided on the exact,
unrounded index and boundaries such as 0.7072 are compared without any floating-point doubt. A
definition reaches this module as a `DefinitionSpec` (built from the database by the selectors); how the
components combine is looked up by name in `AGGREGATIONS`, so a new index (Indeks Desa 2024) adds an
aggregation function and a data file, not a new engine.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import cached_property

from django.utils.translation import gettext as _

DECIMAL_PLACES = 17  # what the Result columns keep; exactness lives in the integer sums


@dataclass(frozen=True)
class ItemSpec:
    code: str
    component: str
    number: int  # within its component, as Kemendesa's NO
    order: int
    label: str


@dataclass(frozen=True)
class ComponentSpec:
    code: str
    name: str
    item_codes: tuple[str, ...]
    max_total: int


@dataclass(frozen=True)
class StatusSpec:
    code: str
    name: str
    order: int
    upper_bound: Fraction | None  # inclusive; None for the top status
    entry_score: Decimal | None
    colour: str


@dataclass(frozen=True)
class DefinitionSpec:
    code: str
    aggregation: str
    min_score: int
    max_score: int
    components: tuple[ComponentSpec, ...]
    statuses: tuple[StatusSpec, ...]  # in ascending order
    items: tuple[ItemSpec, ...]  # in official order
    item_by_code: Mapping[str, ItemSpec] = field(default_factory=dict)

    @cached_property
    def status_by_code(self) -> dict[str, StatusSpec]:
        return {s.code: s for s in self.statuses}


@dataclass(frozen=True)
class Computation:
    sums: dict[str, int | None]  # per component; None while the component has a missing item
    component_values: dict[str, Fraction | None]
    missing: tuple[str, ...]  # item codes without a score, in official order
    value: Fraction | None = None
    status: StatusSpec | None = None
    target: StatusSpec | None = None
    minimum_score: Decimal | None = None
    gap: Fraction | None = None  # "penambahan": minimum score − value (negative at the top status)

    @property
    def complete(self) -> bool:
        return not self.missing


class ScoreError(ValueError):
    """An item code the definition does not know, or a score outside its range."""


# --- Aggregations ----------------------------------------------------------------------------------------


def mean_of_components(spec: DefinitionSpec, sums: Mapping[str, int]) -> Fraction:
    """IDM: each component is ΣItems / (items × max score), the index is the mean of the components."""
    values = [Fraction(sums[c.code], c.max_total) for c in spec.components]
    return sum(values, Fraction(0)) / len(values)


AGGREGATIONS: dict[str, Callable[[DefinitionSpec, Mapping[str, int]], Fraction]] = {
    "rerata-komponen": mean_of_components,
}


# --- The computation ----------------------------------------------------------------------------------------


def check_scores(spec: DefinitionSpec, scores: Mapping[str, object]) -> None:
    problems = []
    for code, score in scores.items():
        item = spec.item_by_code.get(code)
        if item is None:
            problems.append(_("kode indikator '%(code)s' tidak dikenal") % {"code": code})
        elif isinstance(score, bool) or not isinstance(score, int):
            problems.append(
                _("%(code)s (%(label)s): skor '%(score)s' bukan bilangan bulat")
                % {"code": code, "label": item.label, "score": score}
            )
        elif not spec.min_score <= score <= spec.max_score:
            problems.append(
                _("%(code)s (%(label)s): skor %(score)s di luar rentang %(low)s–%(high)s")
                % {"code": code, "label": item.label, "score": score, "low": spec.min_score, "high": spec.max_score}
            )
    if problems:
        raise ScoreError("; ".join(problems))


def classify(spec: DefinitionSpec, value: Fraction) -> StatusSpec:
    """The status whose inclusive upper bound first holds the exact value."""
    for status in spec.statuses:
        if status.upper_bound is None or value <= status.upper_bound:
            return status
    raise AssertionError("a definition's top status has no upper bound")  # guarded by the loader


def target_of(spec: DefinitionSpec, status: StatusSpec) -> StatusSpec:
    """The next status up; the top status is its own target (Kemendesa: MANDIRI → MANDIRI)."""
    higher = [s for s in spec.statuses if s.order > status.order]
    return min(higher, key=lambda s: s.order) if higher else status


def compute(spec: DefinitionSpec, scores: Mapping[str, int]) -> Computation:
    """Index, status, target, minimum score and gap from item scores; incomplete when any item is missing.

    A missing item is never read as 0: the affected components and the index stay None.
    """
    check_scores(spec, scores)
    sums: dict[str, int | None] = {}
    values: dict[str, Fraction | None] = {}
    missing: list[str] = []
    for component in spec.components:
        absent = [code for code in component.item_codes if code not in scores]
        missing += absent
        if absent:
            sums[component.code] = values[component.code] = None
        else:
            total = sum(scores[code] for code in component.item_codes)
            sums[component.code] = total
            values[component.code] = Fraction(total, component.max_total)
    missing.sort(key=lambda code: spec.item_by_code[code].order)
    if missing:
        return Computation(sums=sums, component_values=values, missing=tuple(missing))
    value = AGGREGATIONS[spec.aggregation](spec, sums)
    status = classify(spec, value)
    target = target_of(spec, status)
    minimum = target.entry_score
    gap = Fraction(minimum) - value if minimum is not None else None
    return Computation(
        sums=sums,
        component_values=values,
        missing=(),
        value=value,
        status=status,
        target=target,
        minimum_score=minimum,
        gap=gap,
    )


def to_decimal(value: Fraction | None, places: int = DECIMAL_PLACES) -> Decimal | None:
    if value is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
        )


# --- Explain and plan ----------------------------------------------------------------------------------------


def gain_if_maxed(spec: DefinitionSpec, scores: Mapping[str, int], code: str) -> Fraction:
    """Kemendesa's "+NILAI": how much the index rises if this item alone reaches the top score.

    Computed by re-aggregating, so it holds for any aggregation; for IDM it equals (5 − skor)/(3 × maks).
    """
    component = spec.item_by_code[code].component
    sums = {c.code: sum(scores[i] for i in c.item_codes) for c in spec.components}
    raised = dict(sums)
    raised[component] += spec.max_score - scores[code]
    aggregate = AGGREGATIONS[spec.aggregation]
    return aggregate(spec, raised) - aggregate(spec, sums)


@dataclass(frozen=True)
class Step:
    code: str
    score: int
    gain: Fraction


def improvement_steps(spec: DefinitionSpec, scores: Mapping[str, int]) -> list[Step]:
    """Every item below the top score, largest gain first (ties: official order)."""
    steps = [
        Step(code=item.code, score=scores[item.code], gain=gain_if_maxed(spec, scores, item.code))
        for item in spec.items
        if scores[item.code] < spec.max_score
    ]
    steps.sort(key=lambda s: (-s.gain, spec.item_by_code[s.code].order))
    return steps


def fewest_items_to_target(spec: DefinitionSpec, scores: Mapping[str, int]) -> list[Step] | None:
    """The smallest set of items which, raised to the top score, reach the target status.

    Each item adds its own gain independently, so taking the largest gains first gives the fewest items.
    Returns [] when the village is already at the top status, None when even all items at the top would
    not reach the target (impossible with IDM, kept for other definitions).
    """
    current = compute(spec, scores)
    if current.value is None or current.target is None or current.status == current.target:
        return []
    chosen: list[Step] = []
    trial = dict(scores)
    for step in improvement_steps(spec, scores):
        chosen.append(step)
        trial[step.code] = spec.max_score
        reached = compute(spec, trial)
        if reached.status is not None and reached.status.order >= current.target.order:
            return chosen
    return None


def simulate(spec: DefinitionSpec, scores: Mapping[str, int], changes: Mapping[str, int]) -> Computation:
    merged = dict(scores)
    merged.update(changes)
    return compute(spec, merged)


def ordered(spec: DefinitionSpec, codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=lambda code: spec.item_by_code[code].order)

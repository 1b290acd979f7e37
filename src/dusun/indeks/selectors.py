"""Reads for the index pages, the API and the export: definitions, results, summaries, explanations."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _

from dusun.wilayah.models import Jenis, Level, Wilayah

from . import engine
from .models import IndexDefinition, Item, Result, ResultItem, Series

_SPEC_CACHE: dict[tuple[int, str], engine.DefinitionSpec] = {}


# --- Definitions ---------------------------------------------------------------------------------------------


def definition_for_year(year: int) -> IndexDefinition | None:
    """The newest definition whose years cover `year` (IDM until another definition takes over)."""
    return (
        IndexDefinition.objects.filter(first_year__lte=year)
        .filter(Q(last_year__isnull=True) | Q(last_year__gte=year))
        .order_by("-first_year")
        .first()
    )


def enterable_years(last_year: int) -> list[int]:
    """The years up to `last_year` that a definition covers (newest first): the years a form can open."""
    years: set[int] = set()
    for first, last in IndexDefinition.objects.values_list("first_year", "last_year"):
        years.update(range(first, min(last or last_year, last_year) + 1))
    return sorted(years, reverse=True)


def no_definition_message(year: int) -> str:
    first = IndexDefinition.objects.order_by("first_year").values_list("first_year", flat=True).first()
    if first is None:
        return _("Tidak ada definisi indeks untuk tahun %(year)s: definisi IDM belum dimuat.") % {"year": year}
    return _("Tidak ada definisi indeks untuk tahun %(year)s; pilih tahun %(first)s atau sesudahnya.") % {
        "year": year,
        "first": first,
    }


def unknown_village_message(kode: str) -> str:
    return _("Kode %(kode)s bukan %(word)s yang dikenal; periksa kodenya, mis. 15.08.14.2009.") % {
        "kode": kode[:40],
        "word": settings.DUSUN_VILLAGE_WORD.lower(),
    }


def require_definition(year: int) -> IndexDefinition:
    definition = definition_for_year(year)
    if definition is None:
        raise Http404(no_definition_message(year))
    return definition


def spec_of(definition: IndexDefinition) -> engine.DefinitionSpec:
    """The definition as the engine needs it, cached per process until the definition file changes."""
    key = (definition.pk, definition.digest)
    spec = _SPEC_CACHE.get(key)
    if spec is None:
        components = list(definition.components.order_by("order"))
        items = list(definition.items.select_related("component").order_by("order"))
        item_specs = tuple(
            engine.ItemSpec(
                code=i.code, component=i.component.code, number=i.number, order=i.order, label=i.official_label
            )
            for i in items
        )
        spec = engine.DefinitionSpec(
            code=definition.code,
            aggregation=definition.aggregation,
            min_score=definition.min_score,
            max_score=definition.max_score,
            components=tuple(
                engine.ComponentSpec(
                    code=c.code,
                    name=c.name,
                    item_codes=tuple(i.code for i in items if i.component_id == c.pk),
                    max_total=c.max_total,
                )
                for c in components
            ),
            statuses=tuple(
                engine.StatusSpec(
                    code=s.code,
                    name=s.name,
                    order=s.order,
                    upper_bound=Fraction(s.upper_bound) if s.upper_bound is not None else None,
                    entry_score=s.entry_score,
                    colour=s.colour,
                )
                for s in definition.statuses.order_by("order")
            ),
            items=item_specs,
            item_by_code={i.code: i for i in item_specs},
        )
        _SPEC_CACHE[key] = spec
    return spec


def items_with_bands(definition: IndexDefinition) -> list[Item]:
    return list(
        definition.items.select_related("component", "variable__dimension").prefetch_related("bands").order_by("order")
    )


def band_lookup(items: list[Item]) -> dict[tuple[str, int], object]:
    return {(item.code, band.score): band for item in items for band in item.bands.all()}


# --- Results of one dusun -------------------------------------------------------------------------------------


def get_village(kode: str) -> Wilayah:
    try:
        return Wilayah.objects.select_related("parent__parent").get(kode=kode, level=Level.DESA)
    except Wilayah.DoesNotExist:
        raise Http404(unknown_village_message(kode)) from None


def current_result(dusun: Wilayah, year: int, series: str, definition=None) -> Result | None:
    qs = Result.objects.filter(dusun=dusun, year=year, series=series, is_current=True)
    if definition is not None:
        qs = qs.filter(definition=definition)
    return (
        qs.select_related("definition", "created_by")
        .prefetch_related(Prefetch("items", queryset=ResultItem.objects.select_related("item", "entered_by")))
        .first()
    )


def scores_of(result: Result | None) -> dict[str, int]:
    if result is None:
        return {}
    return {ri.item.code: ri.score for ri in result.items.all()}


def versions(dusun: Wilayah, year: int) -> list[Result]:
    return list(
        Result.objects.filter(dusun=dusun, year=year)
        .select_related("created_by")
        .order_by("series", "-version")
        .only(
            "series",
            "version",
            "is_current",
            "is_complete",
            "value",
            "status",
            "source",
            "created_at",
            "created_by__username",
            "filled_count",
        )
    )


def village_years(dusun: Wilayah) -> list[int]:
    return sorted(set(Result.objects.filter(dusun=dusun, is_current=True).values_list("year", flat=True)), reverse=True)


@dataclass
class HistoryPoint:
    year: int
    series: str
    value: float | None
    components: dict[str, float | None]
    status: str


def village_history(dusun: Wilayah) -> list[HistoryPoint]:
    rows = Result.objects.filter(dusun=dusun, is_current=True).order_by("year", "series")
    points = []
    for r in rows:
        points.append(
            HistoryPoint(
                year=r.year,
                series=r.series,
                value=float(r.value) if r.value is not None else None,
                components={code: c.get("value") for code, c in r.components.items()},
                status=r.status,
            )
        )
    return points


# --- Explanation and plan ------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    item: Item
    score: int
    gain: Fraction
    band: object | None
    provenance: str = ""

    @property
    def gain_float(self) -> float:
        return float(self.gain)

    @property
    def activity(self) -> str:
        text = getattr(self.band, "activity", "") or ""
        return "" if text.strip() in {"", "-"} else text


@dataclass
class Plan:
    steps: list[PlanRow] = field(default_factory=list)
    path: list[PlanRow] | None = None  # the fewest items to the target status
    path_result: engine.Computation | None = None


def plan_for(definition: IndexDefinition, result: Result | None, items: list[Item]) -> Plan:
    """The items whose improvement gains the most, and the fewest items that reach the next status."""
    if result is None or not result.is_complete:
        return Plan()
    spec = spec_of(definition)
    scores = scores_of(result)
    by_code = {i.code: i for i in items}
    bands = band_lookup(items)
    provenance = {ri.item.code: ri.get_provenance_display() for ri in result.items.all()}

    def row(step: engine.Step) -> PlanRow:
        return PlanRow(
            item=by_code[step.code],
            score=step.score,
            gain=step.gain,
            band=bands.get((step.code, step.score)),
            provenance=provenance.get(step.code, ""),
        )

    steps = engine.improvement_steps(spec, scores)
    path = engine.fewest_items_to_target(spec, scores)
    plan = Plan(steps=[row(s) for s in steps])
    if path:
        plan.path = [row(s) for s in path]
        plan.path_result = engine.simulate(spec, scores, {s.code: spec.max_score for s in path})
    elif path == []:
        plan.path = []
    return plan


# --- Comparison of the two series ---------------------------------------------------------------------------


@dataclass
class ItemDifference:
    item: Item
    computed: ResultItem | None
    official: ResultItem | None

    @property
    def differs(self) -> bool:
        a = self.computed.score if self.computed else None
        b = self.official.score if self.official else None
        return a != b

    @property
    def delta(self) -> int | None:
        if self.computed and self.official:
            return self.computed.score - self.official.score
        return None


@dataclass
class Comparison:
    computed: Result | None
    official: Result | None
    rows: list[ItemDifference]
    summary: list[dict]

    @property
    def item_differences(self) -> int:
        return sum(1 for r in self.rows if r.differs)

    @property
    def summary_differences(self) -> int:
        return sum(1 for s in self.summary if s["differs"])

    @property
    def differences(self) -> int:
        return self.item_differences + self.summary_differences


def _close(a, b) -> bool:
    """Equal to 6 decimals (the official values are PHP doubles printed with 14 digits)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 5e-7


def compare(dusun: Wilayah, year: int) -> Comparison:
    definition = definition_for_year(year)
    computed = current_result(dusun, year, Series.COMPUTED, definition)
    official = current_result(dusun, year, Series.OFFICIAL, definition)
    items = list(definition.items.order_by("order")) if definition else []
    c_items = {ri.item_id: ri for ri in computed.items.all()} if computed else {}
    o_items = {ri.item_id: ri for ri in official.items.all()} if official else {}
    rows = [ItemDifference(item=i, computed=c_items.get(i.pk), official=o_items.get(i.pk)) for i in items]
    summary = []

    def add(label: str, kind: str, a, b, differs: bool) -> None:
        summary.append({"label": label, "kind": kind, "computed": a, "official": b, "differs": differs})

    if definition is not None:
        for comp in definition.components.order_by("order"):
            a = (computed.components.get(comp.code) or {}).get("value") if computed else None
            b = (official.components.get(comp.code) or {}).get("value") if official else None
            add(comp.code, "index", a, b, not _close(a, b))
        a = computed.value if computed else None
        b = official.value if official else None
        add(definition.abbreviation, "index", a, b, not _close(a, b))
        for label, field_name in ((_("Status"), "status"), (_("Target status"), "target_status")):
            a = getattr(computed, field_name, "") if computed else None
            b = getattr(official, field_name, "") if official else None
            add(label, "status", a, b, (a or None) != (b or None))
        a = computed.minimum_score if computed else None
        b = official.minimum_score if official else None
        add(_("Skor minimal"), "index", a, b, a != b)
        a = computed.gap if computed else None
        b = official.gap if official else None
        add(_("Penambahan"), "index", a, b, not _close(a, b))
    return Comparison(computed=computed, official=official, rows=rows, summary=summary)


# --- Kabupaten and kecamatan views -----------------------------------------------------------------------------


@dataclass
class VillageRow:
    kode: str
    nama: str
    kecamatan_kode: str
    kecamatan_nama: str
    value: Decimal | None = None
    status: str = ""
    target_status: str = ""
    minimum_score: Decimal | None = None
    gap: Decimal | None = None
    components: dict = field(default_factory=dict)
    complete: bool = False
    has_result: bool = False
    previous_value: Decimal | None = None
    previous_status: str = ""
    rank: int | None = None

    @property
    def delta(self) -> Decimal | None:
        if self.value is None or self.previous_value is None:
            return None
        return self.value - self.previous_value


def villages_of(area: Wilayah) -> list[Wilayah]:
    """The desa (not kelurahan: IDM is for desa only) inside an area."""
    return list(
        Wilayah.objects.villages()
        .within(area)
        .filter(jenis=Jenis.DESA)
        .select_related("parent")
        .only("kode", "nama", "parent__kode", "parent__nama")
        .order_by("kode")
    )


def _results_by_year(area: Wilayah, series: str, years: list[int] | None = None):
    qs = Result.objects.filter(
        series=series, is_current=True, dusun__kode__startswith=area.kode + ".", dusun__jenis=Jenis.DESA
    )
    if years is not None:
        qs = qs.filter(year__in=years)
    return qs.values_list(
        "dusun__kode", "year", "value", "status", "target_status", "minimum_score", "gap", "components", "is_complete"
    )


def available_years(area: Wilayah, series: str) -> list[int]:
    return sorted(
        set(
            Result.objects.filter(series=series, is_current=True, dusun__kode__startswith=area.kode + ".").values_list(
                "year", flat=True
            )
        )
    )


def status_counts(area: Wilayah, series: str) -> dict[int, dict[str, int]]:
    """{year: {status code: n, "": incomplete}} over the desa of an area (the "1 → 28 maju" chart)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _kode, year, _v, status, *_rest, complete in _results_by_year(area, series):
        counts[year][status if complete else ""] += 1
    return {year: dict(c) for year, c in sorted(counts.items())}


def year_rows(area: Wilayah, series: str, year: int) -> list[VillageRow]:
    """Every desa of the area with its result of `year` and of the year before, ranked by index."""
    villages = villages_of(area)
    rows = {
        v.kode: VillageRow(kode=v.kode, nama=v.nama, kecamatan_kode=v.parent.kode, kecamatan_nama=v.parent.nama)
        for v in villages
    }
    for kode, y, value, status, target, minimum, gap, components, complete in _results_by_year(
        area, series, [year, year - 1]
    ):
        row = rows.get(kode)
        if row is None:
            continue
        if y == year:
            row.has_result = True
            row.complete = complete
            if complete:
                row.value, row.status, row.target_status = value, status, target
                row.minimum_score, row.gap = minimum, gap
            row.components = components
        elif complete:
            row.previous_value, row.previous_status = value, status
    ranked = sorted((r for r in rows.values() if r.value is not None), key=lambda r: (-r.value, r.kode))
    for position, row in enumerate(ranked, start=1):
        # Villages with the same exact index share a rank.
        row.rank = ranked[position - 2].rank if position > 1 and ranked[position - 2].value == row.value else position
    return list(rows.values())


def movers(rows: list[VillageRow], spec: engine.DefinitionSpec, limit: int = 10) -> dict[str, list[VillageRow]]:
    order = {s.code: s.order for s in spec.statuses}
    moved = [r for r in rows if r.delta is not None]
    up = sorted((r for r in moved if r.delta > 0), key=lambda r: (-r.delta, r.kode))[:limit]
    down = sorted((r for r in moved if r.delta < 0), key=lambda r: (r.delta, r.kode))[:limit]
    status_up = [r for r in moved if order.get(r.status, 0) > order.get(r.previous_status, 0)]
    status_down = [r for r in moved if order.get(r.status, 0) < order.get(r.previous_status, 0)]
    return {"up": up, "down": down, "status_up": status_up, "status_down": status_down}


def kecamatan_summaries(rows: list[VillageRow], spec: engine.DefinitionSpec) -> list[dict]:
    groups: dict[str, dict] = {}
    for row in rows:
        group = groups.setdefault(
            row.kecamatan_kode,
            {
                "kode": row.kecamatan_kode,
                "nama": row.kecamatan_nama,
                "villages": 0,
                "with_result": 0,
                "counts": {s.code: 0 for s in spec.statuses},
                "values": [],
            },
        )
        group["villages"] += 1
        if row.value is not None:
            group["with_result"] += 1
            group["counts"][row.status] = group["counts"].get(row.status, 0) + 1
            group["values"].append(row.value)
    summaries = []
    for group in sorted(groups.values(), key=lambda g: g["kode"]):
        values = group.pop("values")
        group["mean"] = sum(values) / len(values) if values else None
        group["min"] = min(values) if values else None
        group["max"] = max(values) if values else None
        group["count_list"] = [(s, group["counts"].get(s.code, 0)) for s in spec.statuses]
        summaries.append(group)
    return summaries


def status_colours(spec: engine.DefinitionSpec) -> dict[str, str]:
    return {s.code: s.colour for s in spec.statuses}

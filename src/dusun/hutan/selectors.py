"""Reads of the hutan module: change matrices, natural-forest loss, carbon accounts, alerts, the ledger.

Numbers are traceable: a matrix keeps its cells (hectares per from→to class pair), a carbon account keeps
one line per class (area × factor) and one per transition (area × factor difference), so a page can show
what every total is made of.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _

from dusun.ruang.models import LandCoverSnapshot, LegendClass, LegendMapping
from dusun.wilayah.models import Level, Wilayah

from . import change
from .models import (
    AlertThreshold,
    Allocation,
    Beneficiary,
    ChangeCell,
    ChangeRun,
    FactorTable,
    LedgerEdit,
    Payment,
    Scheme,
    Spending,
)


def co2e(tc: Decimal) -> Decimal:
    """Tonnes of carbon as tonnes of CO₂ (molar masses 44/12), multiplied before dividing."""
    return tc * 44 / 12


def current_threshold() -> AlertThreshold | None:
    """The newest version set by the kabupaten admin, or None (the settings apply)."""
    return AlertThreshold.objects.select_related("user").first()


def alert_thresholds() -> tuple[float, float]:
    """(percent of the first snapshot's natural forest, minimum hectares): a village whose gross natural
    forest loss reaches both is flagged. The kabupaten admin's newest `AlertThreshold`; without one the
    settings `DUSUN_HUTAN_ALERT_LOSS_PCT` and `DUSUN_HUTAN_ALERT_MIN_HA` (the defaults)."""
    row = current_threshold()
    if row is not None:
        return float(row.loss_pct), float(row.min_ha)
    return settings.DUSUN_HUTAN_ALERT_LOSS_PCT, settings.DUSUN_HUTAN_ALERT_MIN_HA


def is_alert(loss_ha: float, natural_forest_ha: float, thresholds: tuple[float, float] | None = None) -> bool:
    pct, minimum = thresholds or alert_thresholds()
    return loss_ha >= minimum and natural_forest_ha > 0 and 100 * loss_ha / natural_forest_ha >= pct


# ---------------------------------------------------------------------------------------------------------
# Snapshot pairs
# ---------------------------------------------------------------------------------------------------------


def snapshot_pair(area: Wilayah, dari: str | None, ke: str | None) -> tuple[LandCoverSnapshot, LandCoverSnapshot]:
    """The snapshots asked for by ?dari=<year>&ke=<year>, or the oldest and the newest with data here."""
    from dusun.ruang.selectors import resolve_snapshot, snapshots_in

    available = snapshots_in(area)
    if len({s.pk for s in available}) < 2:
        raise change.ChangeError(
            _("%(area)s belum punya dua potret tutupan lahan; perubahan butuh dua tahun untuk dibandingkan.")
            % {"area": area}
        )
    try:
        first = resolve_snapshot(area, dari) if dari else available[-1]
        last = resolve_snapshot(area, ke) if ke else available[0]
    except Exception as error:  # StatsError from ruang: its message is for the user
        raise change.ChangeError(getattr(error, "message", str(error))) from None
    if first.year >= last.year:
        raise change.ChangeError(
            _("Tahun awal (%(a)s) harus sebelum tahun akhir (%(b)s).") % {"a": first.year, "b": last.year}
        )
    return first, last


# ---------------------------------------------------------------------------------------------------------
# Matrix
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Matrix:
    area: Wilayah
    from_snapshot: LandCoverSnapshot
    to_snapshot: LandCoverSnapshot
    classes: list[LegendClass]
    cells: dict[tuple[int | None, int | None], float]

    @property
    def years(self) -> int:
        return self.to_snapshot.year - self.from_snapshot.year

    def row_total(self, class_id: int | None) -> float:
        return sum(v for (a, _b), v in self.cells.items() if a == class_id)

    def col_total(self, class_id: int | None) -> float:
        return sum(v for (_a, b), v in self.cells.items() if b == class_id)

    @property
    def unmapped_ha(self) -> float:
        return self.row_total(None) + self.col_total(None)

    @property
    def rows(self) -> list[tuple[LegendClass | None, list[float], float]]:
        """Table rows: (class or None for "tidak terpetakan", values per column + unmapped column, total)."""
        keys = [c.pk for c in self.classes] + [None]
        result = []
        for a, klass in zip(keys, [*self.classes, None], strict=True):
            values = [self.cells.get((a, b), 0.0) for b in keys]
            if a is None:
                values[-1] = None
            result.append((klass, values, self.row_total(a)))
        return result

    @property
    def col_totals(self) -> list[float]:
        return [self.col_total(c.pk) for c in self.classes] + [self.col_total(None)]

    def _nf(self, klass_id) -> bool:
        return klass_id is not None and self._flags.get(klass_id, False)

    @property
    def _flags(self) -> dict[int, bool]:
        return {c.pk: c.natural_forest for c in self.classes}

    @property
    def natural_forest_from(self) -> float:
        return sum(self.row_total(c.pk) for c in self.classes if c.natural_forest)

    @property
    def natural_forest_to(self) -> float:
        return sum(self.col_total(c.pk) for c in self.classes if c.natural_forest)

    @property
    def loss_ha(self) -> float:
        flags = self._flags
        return sum(v for (a, b), v in self.cells.items() if b is not None and flags.get(a) and not flags.get(b))

    @property
    def gain_ha(self) -> float:
        flags = self._flags
        return sum(v for (a, b), v in self.cells.items() if a is not None and flags.get(b) and not flags.get(a))

    @property
    def loss_ha_per_year(self) -> float:
        return self.loss_ha / self.years if self.years else 0.0

    @property
    def rate_pct_per_year(self) -> float | None:
        """Annual rate of natural-forest change, Puyravaud (2003): 100 / (t2 − t1) × ln(A2 / A1); negative
        is loss."""
        a1, a2 = self.natural_forest_from, self.natural_forest_to
        if not self.years or a1 <= 0 or a2 <= 0:
            return None
        return 100 / self.years * math.log(a2 / a1)

    @property
    def alert(self) -> bool:
        return is_alert(self.loss_ha, self.natural_forest_from)

    @property
    def changes(self) -> list[tuple[LegendClass, LegendClass, float]]:
        """From→to pairs of different classes, largest first."""
        by_id = {c.pk: c for c in self.classes}
        pairs = [(by_id[a], by_id[b], v) for (a, b), v in self.cells.items() if a and b and a != b and v >= 0.005]
        return sorted(pairs, key=lambda p: -p[2])


def _matrix(area, run, cells_qs) -> Matrix:
    cells = defaultdict(float)
    for row in cells_qs.values("from_class", "to_class").annotate(ha=Sum("area_ha")):
        cells[(row["from_class"], row["to_class"])] += row["ha"]
    ids = {k for pair in cells for k in pair if k is not None}
    classes = list(LegendClass.objects.filter(pk__in=ids).order_by("sort_order", "code"))
    return Matrix(area, run.from_snapshot, run.to_snapshot, classes, dict(cells))


def village_matrix(village: Wilayah, from_snapshot, to_snapshot) -> Matrix:
    """One village's matrix; computed now (≤ 1 s) and stored if the stored one is missing or stale."""
    from .services import current_run, ensure_village

    run = current_run(from_snapshot, to_snapshot)
    ensure_village(run, village)
    return _matrix(village, run, ChangeCell.objects.filter(village__run=run, village__dusun=village))


def area_matrix(area: Wilayah, from_snapshot, to_snapshot) -> tuple[Matrix | None, ChangeRun]:
    """A kecamatan's or the kabupaten's matrix (sum of its villages) once the background run is done;
    (None, run) while it is pending or running (the view queues it)."""
    from .services import current_run

    run = current_run(from_snapshot, to_snapshot)
    if run.status != ChangeRun.Status.DONE:
        return None, run
    qs = ChangeCell.objects.filter(village__run=run, village__dusun__kode__startswith=area.kode + ".")
    return _matrix(area, run, qs), run


@dataclass
class VillageRow:
    village: Wilayah
    natural_forest_from: float
    natural_forest_to: float
    loss_ha: float
    gain_ha: float
    alert: bool


def village_rows(area: Wilayah, run: ChangeRun) -> list[VillageRow]:
    """Natural-forest figures of every village of the area (kabupaten dashboard, alerts first)."""
    nf = Q(from_class__natural_forest=True)
    nf_to = Q(to_class__natural_forest=True)
    stats = (
        ChangeCell.objects.filter(village__run=run, village__dusun__kode__startswith=area.kode + ".")
        .values("village__dusun")
        .annotate(
            nf_from=Sum("area_ha", filter=nf),
            nf_to=Sum("area_ha", filter=nf_to),
            loss=Sum("area_ha", filter=nf & Q(to_class__isnull=False, to_class__natural_forest=False)),
            gain=Sum("area_ha", filter=nf_to & Q(from_class__isnull=False, from_class__natural_forest=False)),
        )
    )
    villages = Wilayah.objects.in_bulk([s["village__dusun"] for s in stats])
    thresholds = alert_thresholds()  # read once, not once per village
    rows = [
        VillageRow(
            villages[s["village__dusun"]],
            s["nf_from"] or 0.0,
            s["nf_to"] or 0.0,
            s["loss"] or 0.0,
            s["gain"] or 0.0,
            is_alert(s["loss"] or 0.0, s["nf_from"] or 0.0, thresholds),
        )
        for s in stats
    ]
    return sorted(rows, key=lambda r: (not r.alert, -r.loss_ha, r.village.kode))


# ---------------------------------------------------------------------------------------------------------
# Carbon
# ---------------------------------------------------------------------------------------------------------


class CarbonError(change.ChangeError):
    pass


@dataclass
class StockLine:
    klass: LegendClass
    ha: Decimal
    factor: Decimal
    tc: Decimal


@dataclass
class TransitionLine:
    from_class: LegendClass
    to_class: LegendClass
    ha: Decimal
    from_factor: Decimal
    to_factor: Decimal
    tc: Decimal  # positive: emission; negative: removal

    @property
    def co2e(self) -> Decimal:
        return co2e(self.tc)


@dataclass
class Carbon:
    table: FactorTable
    stock_from: list[StockLine]
    stock_to: list[StockLine]
    transitions: list[TransitionLine] = field(default_factory=list)

    @property
    def total_from(self) -> Decimal:
        return sum((line.tc for line in self.stock_from), Decimal(0))

    @property
    def total_to(self) -> Decimal:
        return sum((line.tc for line in self.stock_to), Decimal(0))

    @property
    def emissions_tc(self) -> Decimal:
        return sum((t.tc for t in self.transitions if t.tc > 0), Decimal(0))

    @property
    def removals_tc(self) -> Decimal:
        return -sum((t.tc for t in self.transitions if t.tc < 0), Decimal(0))

    @property
    def net_tc(self) -> Decimal:
        return self.emissions_tc - self.removals_tc

    @property
    def emissions_co2e(self) -> Decimal:
        return co2e(self.emissions_tc)

    @property
    def removals_co2e(self) -> Decimal:
        return co2e(self.removals_tc)

    @property
    def net_co2e(self) -> Decimal:
        return co2e(self.net_tc)


def default_table() -> FactorTable | None:
    return FactorTable.objects.filter(is_default=True).select_related("legend").first()


def factors_for(table: FactorTable, classes: list[LegendClass]) -> dict[int, Decimal]:
    """The factor of each class: its own row in the table, or (a class of another legend) the row of its one
    mapped class in the table's legend. Any class without a factor is refused by name: never a silent zero."""
    own = dict(table.factors.values_list("klass_id", "tc_ha"))
    mapped = defaultdict(set)
    for src, dst in LegendMapping.objects.filter(
        source_class__in=[c.pk for c in classes], target_class__legend_id=table.legend_id
    ).values_list("source_class_id", "target_class_id"):
        mapped[src].add(dst)
    result, missing = {}, []
    for c in classes:
        if c.legend_id == table.legend_id and c.pk in own:
            result[c.pk] = own[c.pk]
        elif c.legend_id != table.legend_id and len(mapped[c.pk]) == 1 and next(iter(mapped[c.pk])) in own:
            result[c.pk] = own[next(iter(mapped[c.pk]))]
        else:
            missing.append(f"{c.code} {c.name_id}")
    if missing:
        raise CarbonError(
            _(
                "Tabel faktor %(table)s tidak punya faktor karbon untuk kelas: %(missing)s. Tambahkan faktornya di "
                "halaman tabel faktor (admin kabupaten) atau padanan kelasnya, lalu muat ulang halaman ini."
            )
            % {"table": table, "missing": "; ".join(missing)}
        )
    return result


def _ha(value: float) -> Decimal:
    return Decimal(f"{value:.4f}")


def carbon(matrix: Matrix, table: FactorTable) -> Carbon:
    """Stock = Σ class area × factor per snapshot; emissions and removals = Σ over from→to cells of area ×
    (factor before − factor after); CO₂e = C × 44/12. Areas are rounded to 0.0001 ha first, so every line
    is reproducible by hand from the numbers shown."""
    factors = factors_for(table, matrix.classes)
    stock_from, stock_to, transitions = [], [], []
    for c in matrix.classes:
        for lines, ha in ((stock_from, matrix.row_total(c.pk)), (stock_to, matrix.col_total(c.pk))):
            if abs(ha) >= 0.00005:
                area = _ha(ha)
                lines.append(StockLine(c, area, factors[c.pk], area * factors[c.pk]))
    by_id = {c.pk: c for c in matrix.classes}
    for (a, b), ha in sorted(matrix.cells.items(), key=lambda kv: -kv[1]):
        if a is None or b is None or a == b or factors[a] == factors[b] or ha < 0.00005:
            continue
        area = _ha(ha)
        transitions.append(
            TransitionLine(by_id[a], by_id[b], area, factors[a], factors[b], area * (factors[a] - factors[b]))
        )
    return Carbon(table, stock_from, stock_to, transitions)


# ---------------------------------------------------------------------------------------------------------
# Ledger (public: counts and sums only, never names)
# ---------------------------------------------------------------------------------------------------------


@dataclass
class LedgerSummary:
    payments: list[Payment]
    allocations: list[Allocation]
    received_rp: int
    allocated_rp: int
    households_reported: int
    households_linked: int
    by_purpose: list[tuple[str, int]]
    spent_rp: int = 0

    @property
    def unallocated_rp(self) -> int:
        return self.received_rp - self.allocated_rp


def ledger(scheme: Scheme, dusun: Wilayah | None = None) -> LedgerSummary:
    payments = list(scheme.payments.order_by("year", "id"))
    allocations = Allocation.objects.filter(payment__scheme=scheme).select_related("payment", "dusun")
    if dusun is not None:
        allocations = allocations.filter(dusun=dusun)
    allocations = list(
        allocations.annotate(
            linked=Count("beneficiaries", distinct=True),
            # A subquery, not a second join: joined with the beneficiaries the sum would be multiplied.
            spent=Subquery(
                Spending.objects.filter(allocation=OuterRef("pk"))
                .values("allocation")
                .annotate(total=Sum("amount_rp"))
                .values("total")[:1]
            ),
        ).order_by("payment__year", "dusun__kode", "purpose", "id")
    )
    purposes = defaultdict(int)
    for a in allocations:
        purposes[a.get_purpose_display()] += a.amount_rp
    linked = Beneficiary.objects.filter(allocation__in=allocations).values("household").distinct().count()
    return LedgerSummary(
        payments=payments,
        allocations=allocations,
        received_rp=sum(p.amount_rp for p in payments),
        allocated_rp=sum(a.amount_rp for a in allocations),
        households_reported=sum(a.households or 0 for a in allocations),
        households_linked=linked,
        by_purpose=sorted(purposes.items(), key=lambda kv: -kv[1]),
        spent_rp=sum(a.spent or 0 for a in allocations),
    )


def schemes_of(village: Wilayah) -> list[Scheme]:
    return list(Scheme.objects.filter(villages=village))


def is_village(area: Wilayah) -> bool:
    return area.level == Level.DESA


# ---------------------------------------------------------------------------------------------------------
# Change polygons of one village (map layer) and loss inside managed areas
# ---------------------------------------------------------------------------------------------------------

SQL_CHANGE_FEATURES = """
WITH ch AS (
    SELECT a.klass_id AS ak, b.klass_id AS bk,
           CASE WHEN a.geom = b.geom THEN a.geom ELSE ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) END AS g
    FROM ruang_landcover a
    JOIN ruang_landcover b ON b.snapshot_id = %(to)s AND b.dusun_id = a.dusun_id AND b.geom && a.geom
                          AND ST_Intersects(a.geom, b.geom)
    WHERE a.snapshot_id = %(from)s AND a.dusun_id = %(dusun)s AND a.klass_id <> b.klass_id
)
SELECT ak, bk, ST_AsGeoJSON(g, 6), ST_Area(g::geography) / 10000,
       (SELECT json_object_agg(x.kind, x.ha) FROM (
            SELECT m.kind, sum(ST_Area(ST_Intersection(g, m.geom)::geography)) / 10000 AS ha
            FROM ruang_managedarea m WHERE m.geom && g AND ST_Intersects(m.geom, g) GROUP BY m.kind) x)
FROM ch WHERE NOT ST_IsEmpty(g) AND ST_Area(g::geography) >= 1
"""


@dataclass
class ChangeFeatures:
    geojson: dict
    loss_in_managed: list[tuple[str, float]]  # (kind label, hectares of natural-forest loss inside)


def change_features(village: Wilayah, from_snapshot, to_snapshot) -> ChangeFeatures:
    """The polygons that changed class (GeoJSON, with from/to class and a loss/gain flag) and the natural-
    forest loss inside each kind of managed area (hutan desa, hutan lindung, …)."""
    import json

    from django.db import connection

    from dusun.ruang.models import ManagedAreaKind

    _legend, from_map, to_map = change.class_translation(from_snapshot, to_snapshot)
    with connection.cursor() as cursor:
        cursor.execute(SQL_CHANGE_FEATURES, {"from": from_snapshot.pk, "to": to_snapshot.pk, "dusun": village.pk})
        rows = cursor.fetchall()
    ids = {from_map.get(r[0], r[0]) for r in rows} | {to_map.get(r[1], r[1]) for r in rows}
    classes = LegendClass.objects.in_bulk(ids)
    features, managed = [], defaultdict(float)
    for ak, bk, geometry, ha, inside in rows:
        a, b = classes[from_map.get(ak, ak)], classes[to_map.get(bk, bk)]
        if a.pk == b.pk:
            continue
        kind = (
            "loss"
            if a.natural_forest and not b.natural_forest
            else "gain"
            if b.natural_forest and not a.natural_forest
            else "other"
        )
        if kind == "loss":
            for k, v in (inside or {}).items():
                managed[k] += v
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(geometry),
                "properties": {
                    "dari": a.name_id,
                    "ke": b.name_id,
                    "dari_kode": a.code,
                    "ke_kode": b.code,
                    "jenis": kind,
                    "luas_ha": round(ha, 4),
                    "warna": b.colour,
                },
            }
        )
    labels = dict(ManagedAreaKind.choices)
    return ChangeFeatures(
        {"type": "FeatureCollection", "features": features},
        sorted(((str(labels.get(k, k)), v) for k, v in managed.items() if v >= 0.005), key=lambda kv: -kv[1]),
    )


def forest_reports(village: Wilayah):
    """PETI (illegal mining) and fire reports of the village, newest first, with their status."""
    from dusun.ruang.models import Hazard, HazardKind

    return Hazard.objects.filter(dusun=village, kind__in=[HazardKind.PETI, HazardKind.KEBAKARAN]).order_by(
        "-observed_on", "-id"
    )


# ---------------------------------------------------------------------------------------------------------
# Ledger entry screens (internal; names only through the warga selectors)
# ---------------------------------------------------------------------------------------------------------


def _spent_subquery():
    return Subquery(
        Spending.objects.filter(allocation=OuterRef("pk"))
        .values("allocation")
        .annotate(total=Sum("amount_rp"))
        .values("total")[:1]
    )


def payments_with_rest(scheme: Scheme):
    """The scheme's receipts with what is allocated from each (for the kabupaten's entry screen)."""
    return (
        scheme.payments.select_related("created_by")
        .annotate(allocated=Sum("allocations__amount_rp"))
        .order_by("-year", "-id")
    )


def village_allocations(village: Wilayah):
    """A village's allocations with what it recorded as used and how many households are linked."""
    return (
        Allocation.objects.filter(dusun=village)
        .select_related("payment__scheme", "dusun")
        .annotate(spent=_spent_subquery(), linked=Count("beneficiaries", distinct=True))
        .order_by("-payment__year", "purpose", "id")
    )


def village_spendings(village: Wilayah):
    return (
        Spending.objects.filter(allocation__dusun=village)
        .select_related("allocation__payment", "created_by")
        .order_by("-spent_on", "-id")
    )


def ledger_history(scheme: Scheme | None = None, village: Wilayah | None = None, limit: int = 50):
    rows = LedgerEdit.objects.select_related("dusun")
    if scheme is not None:
        rows = rows.filter(scheme=scheme)
    if village is not None:
        rows = rows.filter(dusun=village)
    return rows[:limit]


@dataclass
class LinkedHousehold:
    beneficiary: Beneficiary
    name: str
    subunit: str


def village_beneficiaries(user, village: Wilayah, households) -> list[LinkedHousehold]:
    """The households linked to the village's allocations, named from `households` (the warga selector's
    scope-checked queryset: this module never reads names itself)."""
    rows = list(
        Beneficiary.objects.filter(allocation__dusun=village)
        .select_related("allocation__payment", "created_by")
        .order_by("allocation__payment__year", "allocation_id", "id")
    )
    named = {h.pk: h for h in households.filter(pk__in=[b.household_id for b in rows])}
    return [
        LinkedHousehold(
            b,
            getattr(named.get(b.household_id), "head_name", None) or "?",
            getattr(getattr(named.get(b.household_id), "subunit", None), "nama", ""),
        )
        for b in rows
    ]


SQL_MANAGED_OUTLINES = """
SELECT m.id, m.kind, m.name, ST_AsGeoJSON(ST_Boundary(m.geom), 6), ST_Area(m.geom::geography) / 10000
FROM ruang_managedarea m, wilayah_wilayah w
WHERE w.id = %(dusun)s
  AND (m.dusun_id = w.id OR (w.geom IS NOT NULL AND m.geom && w.geom AND ST_Intersects(m.geom, w.geom)))
ORDER BY m.kind, m.name, m.id
"""


def managed_outlines(village: Wilayah) -> dict:
    """The managed areas (ruang layer "kawasan": hutan desa, hutan lindung, concessions, …) recorded in the
    village or reaching into it, as outlines (GeoJSON lines) for the change map: loss inside them is what
    the page highlights, so the map shows where they run."""
    import json

    from django.db import connection

    from dusun.ruang.models import ManagedAreaKind

    labels = dict(ManagedAreaKind.choices)
    with connection.cursor() as cursor:
        cursor.execute(SQL_MANAGED_OUTLINES, {"dusun": village.pk})
        rows = cursor.fetchall()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": pk,
                "geometry": json.loads(geometry),
                "properties": {
                    "jenis": kind,
                    "jenis_label": str(labels.get(kind, kind)),
                    "nama": name,
                    "luas_ha": round(ha, 2),
                },
            }
            for pk, kind, name, geometry, ha in rows
        ],
    }

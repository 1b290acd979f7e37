"""Reads of the census. The ONE place where personal data is fetched, and where the area scope
(`dusun.akun.scope`) is applied to it: views never query `Household`/`Resident` themselves.

Two gates, both from `dusun.akun.scope` (docs/decisions/0003-area-scope-and-roles.md):
- `scope.scope_q(user, "dusun__kode")` narrows every queryset to the user's areas, and
- `scope.can_view_personal(user, dusun)` must hold for the dusun of every record returned with NIK, KK
  number or name (operator of that dusun, kabupaten admin). Kecamatan staff get `masked_households`:
  the same rows with the KK number masked and no names. Anyone else gets a 404 for a record (so a
  record's existence is not confirmed either) and a 403 for an area they know exists.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from dusun.akun import scope
from dusun.wilayah.models import Level, Wilayah

from . import choices as c
from . import statistics as st
from .models import CensusImport, Household, PublicStatCell, Resident, ResidentEvent, StatCell, StatRefresh
from .nik import mask

PAGE_SIZE = 50


# --- Areas ----------------------------------------------------------------------------------------------


def get_area(kode: str, levels: tuple[int, ...]) -> Wilayah:
    area = Wilayah.objects.select_related("parent__parent").filter(kode=kode, level__in=levels).first()
    if area is None:
        raise Http404(_("Wilayah tidak ditemukan."))
    return area


def personal_area(user, kode: str) -> Wilayah:
    """A dusun whose personal records the user may read (403 otherwise)."""
    area = get_area(kode, (Level.DESA,))
    if not scope.can_view_personal(user, area):
        raise PermissionDenied(_("Anda tidak berwenang melihat data pribadi warga wilayah ini."))
    return area


def internal_area(user, kode: str) -> Wilayah:
    """A dusun whose internal (masked) census view the user may see: its operator, kecamatan, kabupaten."""
    area = get_area(kode, (Level.DESA,))
    if not scope.can_view(user, area):
        raise PermissionDenied(_("Anda tidak berwenang melihat data warga wilayah ini."))
    return area


def import_area(user, kode: str) -> Wilayah:
    """Where the user may import a census: a dusun (operator) or the kabupaten (admin), both needing the
    right to edit and to read personal data there."""
    area = get_area(kode, (Level.DESA, Level.KABUPATEN))
    if not (scope.can_edit(user, area) and scope.can_view_personal(user, area)):
        raise PermissionDenied(_("Anda tidak berwenang mengimpor data warga untuk wilayah ini."))
    return area


def personal_villages(user) -> QuerySet[Wilayah]:
    """The villages whose registers the user may read (for menus)."""
    villages = Wilayah.objects.villages().filter(scope.scope_q(user)).select_related("parent").order_by("kode")
    return [v for v in villages if scope.can_view_personal(user, v)]


def subunits_of(dusun: Wilayah) -> QuerySet[Wilayah]:
    return Wilayah.objects.filter(level=Level.SUBUNIT, kode__startswith=dusun.kode + ".").order_by("kode")


# --- Personal records ------------------------------------------------------------------------------------


def _scoped(model, user):
    return model.objects.filter(scope.scope_q(user, "dusun__kode"))


def _head_name():
    return Subquery(
        Resident.objects.filter(household=OuterRef("pk"), relationship=c.Relationship.KEPALA)
        .order_by("status")
        .values("name")[:1]
    )


def households(user, dusun: Wilayah, *, subunit: Wilayah | None = None, query: str = "") -> QuerySet[Household]:
    """A dusun's households with their head's name and active member count (personal: scope-checked)."""
    if not scope.can_view_personal(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang melihat data pribadi warga wilayah ini."))
    rows = _scoped(Household, user).filter(dusun=dusun)
    if subunit is not None:
        rows = rows.filter(subunit=subunit)
    query = query.strip()
    if query:
        digits = query.replace(" ", "")
        if digits.isdigit() and len(digits) == 16:
            rows = rows.filter(Q(kk_number=digits) | Q(members__nik=digits)).distinct()
        else:
            rows = rows.filter(members__name__icontains=query).distinct()
    return (
        rows.select_related("subunit")
        .annotate(
            head_name=_head_name(),
            active_members=Count("members", filter=Q(members__status=c.ResidentStatus.AKTIF), distinct=True),
        )
        .order_by("kk_number")
    )


@dataclass
class MaskedHousehold:
    uuid: str
    kk_masked: str
    subunit: str
    active_members: int
    attributes: dict = field(default_factory=dict)


def masked_households(user, dusun: Wilayah, page: int = 1):
    """For verification without personal data (kecamatan staff): masked KK, no names, no addresses."""
    if not scope.can_view(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang melihat data warga wilayah ini."))
    rows = (
        _scoped(Household, user)
        .filter(dusun=dusun)
        .annotate(active_members=Count("members", filter=Q(members__status=c.ResidentStatus.AKTIF)))
        .order_by("kk_number")
        .values(
            "kk_number",
            "subunit__nama",
            "active_members",
            "floor",
            "wall",
            "roof",
            "drinking_water",
            "toilet",
            "lighting",
        )
    )
    paginator = Paginator(rows, PAGE_SIZE)
    page_obj = paginator.get_page(page)
    shown = ("floor", "wall", "roof", "drinking_water", "toilet", "lighting")
    labels = {k: {code: str(label) for code, label in Household._meta.get_field(k).flatchoices} for k in shown}
    page_obj.object_list = [
        MaskedHousehold(
            uuid="",
            kk_masked=mask(row["kk_number"]),
            subunit=row["subunit__nama"] or "",
            active_members=row["active_members"],
            attributes={k: labels[k].get(row[k], row[k]) for k in shown},  # labels, never the stored codes
        )
        for row in page_obj.object_list
    ]
    return page_obj


def paginate(rows: QuerySet, page) -> object:
    return Paginator(rows, PAGE_SIZE).get_page(page)


def household_for(user, uuid) -> Household:
    """One household by its opaque id, only if the user may read its personal data (404 otherwise)."""
    household = _scoped(Household, user).select_related("dusun__parent", "subunit").filter(uuid=uuid).first()
    if household is None or not scope.can_view_personal(user, household.dusun):
        raise Http404(_("Data tidak ditemukan."))
    return household


def members_of(household: Household) -> QuerySet[Resident]:
    """Members of a household already fetched through `household_for` (so already scope-checked)."""
    order = [choice for choice, _label in c.Relationship.choices]
    members = list(household.members.all())
    return sorted(
        members, key=lambda r: (r.status != c.ResidentStatus.AKTIF, order.index(r.relationship), r.birth_date)
    )


def resident_for(user, uuid) -> Resident:
    resident = _scoped(Resident, user).select_related("household__subunit", "dusun__parent").filter(uuid=uuid).first()
    if resident is None or not scope.can_view_personal(user, resident.dusun):
        raise Http404(_("Data tidak ditemukan."))
    return resident


def events_of(resident: Resident) -> QuerySet[ResidentEvent]:
    return resident.events.select_related("created_by").order_by("-date", "-created_at")


def household_events(household: Household) -> QuerySet[ResidentEvent]:
    return household.events.select_related("resident").order_by("-date", "-created_at")


def household_commodities(household: Household):
    return household.commodities.select_related("commodity").order_by("-year", "commodity__sort_order")


def residents_for_export(user, dusun: Wilayah) -> QuerySet[Resident]:
    """Every resident of a dusun with their household, for the personal-data export (scope-checked)."""
    if not scope.can_view_personal(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang mengekspor data pribadi warga wilayah ini."))
    return (
        _scoped(Resident, user)
        .filter(dusun=dusun)
        .select_related("household__subunit")
        .order_by("household__kk_number", "relationship", "birth_date")
    )


def import_for(user, uuid) -> CensusImport:
    """An import job, only for a user who may import into its area (it holds a report about residents)."""
    job = CensusImport.objects.select_related("wilayah").filter(uuid=uuid).first()
    if job is None or not (scope.can_edit(user, job.wilayah) and scope.can_view_personal(user, job.wilayah)):
        raise Http404(_("Data tidak ditemukan."))
    return job


def imports_for(user, area: Wilayah) -> QuerySet[CensusImport]:
    if not scope.can_view_personal(user, area):
        return CensusImport.objects.none()
    return CensusImport.objects.filter(scope.scope_q(user, "wilayah__kode"), wilayah=area)[:10]


def register_counts(user, dusun: Wilayah) -> dict:
    """Non-personal counts of a dusun's register (for the dusun's census home page)."""
    if not scope.can_view(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang melihat data warga wilayah ini."))
    residents = _scoped(Resident, user).filter(dusun=dusun)
    by_status = dict(residents.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "households": _scoped(Household, user).filter(dusun=dusun).count(),
        "active": by_status.get(c.ResidentStatus.AKTIF, 0),
        "moved": by_status.get(c.ResidentStatus.PINDAH, 0),
        "died": by_status.get(c.ResidentStatus.MENINGGAL, 0),
        "demo": _scoped(Household, user).filter(dusun=dusun, is_demo=True).exists(),
    }


def recent_events(user, dusun: Wilayah, limit: int = 20) -> list[ResidentEvent]:
    if not scope.can_view_personal(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang melihat data pribadi warga wilayah ini."))
    return list(
        _scoped(ResidentEvent, user)
        .filter(dusun=dusun)
        .select_related("resident")
        .order_by("-date", "-created_at")[:limit]
    )


# --- Statistics ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int | None
    flag: int = PublicStatCell.Flag.PUBLISHED

    @property
    def hidden(self) -> bool:
        return self.flag != PublicStatCell.Flag.PUBLISHED

    @property
    def display(self) -> str:
        if self.flag == PublicStatCell.Flag.PRIMARY:
            return "<5"
        if self.flag == PublicStatCell.Flag.COMPLEMENTARY:
            return "•"
        return f"{self.value:,}".replace(",", ".") if self.value is not None else "—"

    def json(self):
        if self.flag == PublicStatCell.Flag.PRIMARY:
            return "<5"
        if self.flag == PublicStatCell.Flag.COMPLEMENTARY:
            return None
        return self.value


def pct(part: Cell, whole: Cell) -> float | None:
    """A share, only from published numbers (so it reveals nothing the counts do not)."""
    if part.hidden or whole.hidden or not whole.value or part.value is None:
        return None
    return round(100 * part.value / whole.value, 1)


@dataclass
class StatRow:
    code: str
    label: str
    cell: Cell
    pct: float | None = None
    area_ha: float | None = None
    production_kg: float | None = None


@dataclass
class StatTable:
    code: str
    title: str
    unit: str
    note: str
    multi: bool
    total: Cell
    rows: list[StatRow]


@dataclass
class Statistics:
    area: Wilayah
    exact: bool  # True: internal exact counts; False: public, suppressed
    sex: str
    age_group: int | None
    subunit: Wilayah | None
    as_of: object
    population: dict[str, Cell]
    households: Cell
    pyramid: list[dict]
    tables: list[StatTable]
    demo: bool = False  # the area's census holds synthetic demo households (said on every page showing it)

    def table(self, code: str) -> StatTable | None:
        return next((t for t in self.tables if t.code == code), None)


def _refresh_info():
    return StatRefresh.objects.order_by("-refreshed_at").first()


def _assemble(area, exact, sex, age_group, subunit, lookup, measures) -> Statistics:
    """Build the page/API structure from `lookup(dim, cat, sex, band) -> Cell`."""
    bands = range(c.AGE_BAND_COUNT)
    if age_group is not None:
        first, last, _label = c.AGE_GROUPS[age_group]
        bands = range(first, last + 1)
    pyramid = [
        {
            "band": b,
            "label": c.age_band_label(b),
            "L": lookup("penduduk", "", "L", b),
            "P": lookup("penduduk", "", "P", b),
        }
        for b in bands
    ]
    population = {s or "semua": lookup("penduduk", "", s, -1) for s in ("L", "P", "")}
    households = lookup("keluarga", "", "", -1)
    tables = []
    for dim in st.dimensions():
        resident = dim.unit == "jiwa"
        total = population[sex or "semua"] if resident else households
        rows = []
        for code, label in dim.categories():
            cell = lookup(dim.code, code, sex if resident else "", -1)
            row = StatRow(code, label, cell, pct(cell, total))
            if dim.code == "komoditas" and not cell.hidden:
                row.area_ha, row.production_kg = measures.get(code, (None, None))
            rows.append(row)
        tables.append(StatTable(dim.code, str(dim.title), dim.unit, str(dim.note), dim.multi, total, rows))
    info = _refresh_info()
    return Statistics(
        area=area,
        exact=exact,
        sex=sex,
        age_group=age_group,
        subunit=subunit,
        as_of=info.as_of if info else None,
        population=population,
        households=households,
        pyramid=pyramid,
        tables=tables,
    )


def census_is_demo(area: Wilayah) -> bool:
    """Whether the census of an area (a village, or any village within it) holds synthetic demo data.
    Not personal: only a flag, for the note on the pages that show the numbers."""
    within = Q(dusun=area) if area.level == Level.DESA else Q(dusun__kode__startswith=area.kode + ".")
    return Household.objects.filter(within, is_demo=True).exists()


def public_statistics(area: Wilayah, sex: str = "") -> Statistics:
    """What anyone may see: the suppressed cells of a dusun, kecamatan or kabupaten (sex filter only)."""
    rows = (
        PublicStatCell.objects.filter(wilayah=area)
        .filter(Q(sex=sex) | Q(dimension="penduduk") | Q(sex=""))
        .values_list("dimension", "category", "sex", "age_band", "value", "flag", "area_ha", "production_kg")
    )
    cells, measures = {}, {}
    for dim, cat, s, band, value, flag, area_ha, production in rows:
        cells[(dim, cat, s, band)] = Cell(value, flag)
        if dim == "komoditas" and area_ha is not None:
            measures[cat] = (float(area_ha), float(production))

    def lookup(dim, cat, s, band):
        return cells.get((dim, cat, s, band), Cell(0))

    stats = _assemble(area, False, sex, None, None, lookup, measures)
    stats.demo = census_is_demo(area)
    return stats


def can_see_exact(user, area: Wilayah) -> bool:
    """Exact (unsuppressed) counts: for whoever may read the area's personal records anyway."""
    return scope.can_view_personal(user, area)


def exact_statistics(user, area: Wilayah, sex: str = "", age_group: int | None = None, subunit=None) -> Statistics:
    """Exact counts with the internal filters (sub-unit, sex, age group), for the area's own roles."""
    if not can_see_exact(user, area):
        raise PermissionDenied(_("Angka persis hanya untuk operator desa dan admin kabupaten."))
    if subunit is not None:
        if subunit.level != Level.SUBUNIT or not subunit.kode.startswith(area.kode + "."):
            raise Http404(_("Sub-wilayah tidak ditemukan."))
        rows = st.live_counts("h.subunit_id = %(subunit)s", {"subunit": subunit.pk})
    else:
        rows = StatCell.objects.filter(wilayah=area).values_list(
            "dimension", "category", "sex", "age_band", "count", "area_ha", "production_kg"
        )
    sums: dict[tuple, int] = {}
    measures: dict[str, tuple] = {}
    for dim, cat, s, band, n, area_ha, production in rows:
        if dim == "penduduk":
            if age_group is not None and c.age_group_of_band(band) != age_group:
                continue
            for sex_key in (s, ""):
                sums[("penduduk", "", sex_key, band)] = sums.get(("penduduk", "", sex_key, band), 0) + n
                sums[("penduduk", "", sex_key, -1)] = sums.get(("penduduk", "", sex_key, -1), 0) + n
            continue
        if dim == "keluarga":
            sums[("keluarga", "", "", -1)] = sums.get(("keluarga", "", "", -1), 0) + n
            continue
        if s:  # resident table: band is the age group
            if age_group is not None and band != age_group:
                continue
            if sex and s != sex:
                continue
            key = (dim, cat, sex, -1)
        else:
            key = (dim, cat, "", -1)
            if dim == "komoditas":
                measures[cat] = (float(area_ha or 0), float(production or 0))
        sums[key] = sums.get(key, 0) + n

    def lookup(dim, cat, s, band):
        return Cell(sums.get((dim, cat, s, band), 0))

    stats = _assemble(area, True, sex, age_group, subunit, lookup, measures)
    stats.demo = census_is_demo(area)
    return stats


def idm_census_facts(dusun: Wilayah) -> dict:
    """Non-personal facts the IDM items read from the census (for the indeks module): population, BPJS
    participants, households, electrified households, and the most common toilet, drinking-water and
    bathing-water categories. Exact aggregates of one dusun; they never leave as personal data."""
    rows = StatCell.objects.filter(wilayah=dusun).values_list("dimension", "category", "count")
    agg: dict[tuple, int] = {}
    for dim, cat, n in rows:
        agg[(dim, cat)] = agg.get((dim, cat), 0) + n

    def majority(dim: str) -> str | None:
        options = {cat: n for (d, cat), n in agg.items() if d == dim and cat != st.BLANK}
        return max(options, key=options.get) if options else None

    return {
        "population": agg.get(("penduduk", "semua"), 0),
        "households": agg.get(("keluarga", "semua"), 0),
        "bpjs": sum(agg.get(("jaminan_kesehatan", cat), 0) for cat in c.BPJS_CATEGORIES),
        "electrified_households": sum(agg.get(("penerangan", cat), 0) for cat in c.ELECTRIFIED),
        "toilet_majority": majority("jamban"),
        "drinking_water_majority": majority("air_minum"),
        "bathing_water_majority": majority("air_mandi"),
    }

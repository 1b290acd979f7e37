"""Census statistics: which tables exist, how the exact counts are aggregated, and how the published
(suppressed) version is built.

`refresh()` rebuilds two derived tables from the register in one transaction:
- `StatCell`: exact counts per area at every level (sub-unit, dusun, kecamatan, kabupaten), dimension,
  category, sex and five-year age band — grouped set-based in PostgreSQL (GROUPING SETS), so the
  kabupaten page reads a few thousand pre-summed rows instead of scanning 373,000 residents.
- `PublicStatCell`: what anyone may see. Counts for dusun, kecamatan and kabupaten, with small cells and
  their complements suppressed over the whole hierarchy at once (see `suppression.py`).
The reference date for ages is the refresh date, shown on every statistics page.
"""

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level, Wilayah

from . import choices as c
from . import suppression
from .models import StatCell, StatRefresh

BLANK = "tidak_diisi"
BLANK_LABEL = _("Tidak diisi")


class YesNo(TextChoices):
    YA = "ya", _("Ya")
    TIDAK = "tidak", _("Tidak")


class HousingQuality(TextChoices):
    """A house counts as "layak" (adequate) on its materials: no earth floor, no bamboo wall, no thatch
    roof — the material criteria of the RTLH (rumah tidak layak huni) programme. Unknown if any is blank."""

    LAYAK = "layak", _("Layak (lantai, dinding, atap)")
    TIDAK_LAYAK = "tidak_layak", _("Tidak layak")


@dataclass(frozen=True)
class Dimension:
    code: str
    title: str
    unit: str  # "jiwa" (residents) or "kk" (households)
    choices: type[TextChoices] | None
    column: str  # SQL over the base row (resident r with household h, or household h)
    multi: bool = False  # several categories per person/household: no sum to the total
    note: str = ""

    def categories(self) -> list[tuple[str, str]]:
        if self.choices is None:
            return []
        items = [(str(code), str(label)) for code, label in self.choices.choices]
        return items if self.multi else items + [(BLANK, str(BLANK_LABEL))]


def _coded(column: str) -> str:
    return f"COALESCE(NULLIF({column}, ''), '{BLANK}')"


def _yes_no(column: str) -> str:
    return f"CASE {column} WHEN true THEN 'ya' WHEN false THEN 'tidak' ELSE '{BLANK}' END"


RESIDENT_DIMENSIONS = [
    Dimension("agama", _("Agama"), "jiwa", c.Religion, _coded("religion")),
    Dimension("pendidikan", _("Pendidikan terakhir"), "jiwa", c.Education, _coded("education")),
    Dimension("sekolah", _("Sedang sekolah"), "jiwa", c.Enrolment, _coded("enrolment")),
    Dimension("pekerjaan", _("Pekerjaan"), "jiwa", c.Occupation, _coded("occupation")),
    Dimension("status_kawin", _("Status perkawinan"), "jiwa", c.MaritalStatus, _coded("marital_status")),
    Dimension("disabilitas", _("Disabilitas"), "jiwa", c.Disability, _coded("disability")),
    Dimension(
        "jaminan_kesehatan",
        _("Jaminan kesehatan"),
        "jiwa",
        c.HealthInsurance,
        _coded("health_insurance"),
        note=_("IDM (IKS 5) memakai bagian penduduk peserta BPJS."),
    ),
    Dimension("bpjs_tk", _("BPJS Ketenagakerjaan"), "jiwa", YesNo, _yes_no("bpjs_employment")),
    Dimension("kelompok", _("Keanggotaan kelompok"), "jiwa", c.GroupMembership, "groups", multi=True),
]

HOUSEHOLD_DIMENSIONS = [
    Dimension(
        "kelayakan_rumah",
        _("Kelayakan rumah"),
        "kk",
        HousingQuality,
        "CASE WHEN floor = '' OR wall = '' OR roof = '' THEN 'tidak_diisi' "
        "WHEN floor <> 'tanah' AND wall <> 'bambu' AND roof <> 'rumbia' THEN 'layak' ELSE 'tidak_layak' END",
    ),
    Dimension("status_rumah", _("Status rumah"), "kk", c.HouseTenure, _coded("tenure")),
    Dimension("lantai", _("Lantai rumah"), "kk", c.Floor, _coded("floor")),
    Dimension("dinding", _("Dinding rumah"), "kk", c.Wall, _coded("wall")),
    Dimension("atap", _("Atap rumah"), "kk", c.Roof, _coded("roof")),
    Dimension("air_minum", _("Sumber air minum"), "kk", c.WaterSource, _coded("drinking_water")),
    Dimension("air_mandi", _("Sumber air mandi/cuci"), "kk", c.WaterSource, _coded("bathing_water")),
    Dimension("jamban", _("Jamban"), "kk", c.Toilet, _coded("toilet")),
    Dimension("sampah", _("Pembuangan sampah"), "kk", c.Waste, _coded("waste")),
    Dimension("penerangan", _("Penerangan"), "kk", c.Lighting, _coded("lighting")),
    Dimension("bahan_bakar", _("Bahan bakar memasak"), "kk", c.CookingFuel, _coded("cooking_fuel")),
    Dimension("sinyal", _("Sinyal telepon"), "kk", c.Signal, _coded("phone_signal")),
    Dimension("internet", _("Akses internet"), "kk", YesNo, _yes_no("internet")),
    Dimension("penghasilan_utama", _("Penghasilan utama"), "kk", c.IncomeSource, _coded("main_income")),
    Dimension("penghasilan_bulanan", _("Penghasilan per bulan"), "kk", c.IncomeBracket, _coded("income_bracket")),
    Dimension("bantuan", _("Bantuan sosial diterima"), "kk", c.Assistance, "assistance", multi=True),
    Dimension("aset", _("Aset rumah tangga"), "kk", c.Asset, "assets", multi=True),
]


def _commodity_dimension() -> Dimension:
    from dusun.ekonomi.models import Commodity

    class CommodityChoices(TextChoices):  # built from the reference table at call time
        pass

    rows = list(Commodity.objects.order_by("sort_order", "code").values_list("code", "name"))
    choices = TextChoices("CommodityChoices", [(code.upper(), (code, name)) for code, name in rows]) if rows else None
    return Dimension(
        "komoditas",
        _("Produksi komoditas (rumah tangga penghasil)"),
        "kk",
        choices,
        "",
        multi=True,
        note=_("Luas dan produksi dijumlahkan dari data rumah tangga tahun terakhir."),
    )


def dimensions() -> list[Dimension]:
    return RESIDENT_DIMENSIONS + HOUSEHOLD_DIMENSIONS + [_commodity_dimension()]


def dimension_map() -> dict[str, Dimension]:
    return {d.code: d for d in dimensions()}


# --- Exact aggregation (SQL) ---------------------------------------------------------------------------
# Set-based in two steps: (1) group the register once per dimension at the dusun grain (dusun ×
# category × sex × age class) into a temporary table — grouping each dimension straight from a narrow
# base table is several times faster than unpivoting 373,000 residents × 10 dimensions into one stream;
# (2) roll that small table up to kecamatan and kabupaten. Sub-unit (kampung/RT) figures are not stored:
# they are computed live from the register when an operator filters by sub-unit (a few hundred rows).

_AGE_GROUP_CASES = " ".join(f"WHEN b.band <= {last} THEN {i}" for i, (_f, last, _l) in enumerate(c.AGE_GROUPS))
_BASE_RESIDENTS = f"""
    CREATE TEMP TABLE stat_base_r ON COMMIT DROP AS
    SELECT r.sex, b.band, g.age_group, r.dusun_id AS l4,
           r.religion, r.education, r.enrolment, r.occupation, r.marital_status, r.disability, r.health_insurance,
           r.bpjs_employment, r.groups
    FROM warga_resident r JOIN warga_household h ON h.id = r.household_id
    CROSS JOIN LATERAL (SELECT GREATEST(0, LEAST({c.AGE_BAND_COUNT - 1},
        (date_part('year', age(%(as_of)s::date, r.birth_date)) / 5)::int))::smallint AS band) b
    CROSS JOIN LATERAL (SELECT (CASE {_AGE_GROUP_CASES} END)::smallint AS age_group) g
    WHERE r.status = 'aktif' AND {{where}}
"""  # noqa: S608 (identifiers from fixed lists in this module)
_BASE_HOUSEHOLDS = """
    CREATE TEMP TABLE stat_base_h ON COMMIT DROP AS
    SELECT h.*, h.dusun_id AS l4
    FROM warga_household h
    -- a household counts while at least one member still lives there
    WHERE EXISTS (SELECT 1 FROM warga_resident r WHERE r.household_id = h.id AND r.status = 'aktif') AND {where}
"""
_FINE = """
    CREATE TEMP TABLE stat_fine (l4 bigint, dim text, cat text, sex text, band smallint, n integer,
                                 area_ha numeric, production_kg numeric) ON COMMIT DROP
"""
_COMMODITIES = """
    INSERT INTO stat_fine
    SELECT h.dusun_id, 'komoditas', co.code, '', -1, count(DISTINCT hc.household_id),
           COALESCE(sum(hc.area_ha), 0), COALESCE(sum(hc.production_kg), 0)
    FROM ekonomi_householdcommodity hc
    JOIN ekonomi_commodity co ON co.id = hc.commodity_id
    JOIN warga_household h ON h.id = hc.household_id
    WHERE hc.year = (SELECT max(year) FROM ekonomi_householdcommodity) AND {where}
    GROUP BY h.dusun_id, co.code
"""
_ROLL_UP = """
    WITH d AS MATERIALIZED (
        SELECT l4 AS area, dim, cat, sex, band, sum(n) AS n, sum(area_ha) AS area_ha,
               sum(production_kg) AS production_kg
        FROM stat_fine GROUP BY l4, dim, cat, sex, band
    ), k AS MATERIALIZED (
        SELECT w.parent_id AS area, dim, cat, sex, band, sum(n) AS n, sum(area_ha) AS area_ha,
               sum(production_kg) AS production_kg
        FROM d JOIN wilayah_wilayah w ON w.id = d.area GROUP BY w.parent_id, dim, cat, sex, band
    )
    INSERT INTO warga_statcell (wilayah_id, dimension, category, sex, age_band, count, area_ha, production_kg)
    SELECT * FROM d
    UNION ALL SELECT * FROM k
    UNION ALL
    SELECT w.parent_id, dim, cat, sex, band, sum(n), sum(area_ha), sum(production_kg)
    FROM k JOIN wilayah_wilayah w ON w.id = k.area GROUP BY w.parent_id, dim, cat, sex, band
"""


def _fine_statements() -> list[str]:
    statements = []
    for dim in RESIDENT_DIMENSIONS:
        if dim.multi:
            statements.append(
                f"INSERT INTO stat_fine SELECT l4, '{dim.code}', g, sex, age_group, count(*) "  # noqa: S608 (identifiers from fixed lists in this module)
                f"FROM stat_base_r CROSS JOIN LATERAL unnest({dim.column}) g GROUP BY l4, g, sex, age_group"
            )
        else:
            statements.append(
                f"INSERT INTO stat_fine SELECT l4, '{dim.code}', {dim.column}, sex, age_group, count(*) "  # noqa: S608 (identifiers from fixed lists in this module)
                f"FROM stat_base_r GROUP BY l4, {dim.column}, sex, age_group"
            )
    statements.append(
        "INSERT INTO stat_fine SELECT l4, 'penduduk', 'semua', sex, band, count(*) "
        "FROM stat_base_r GROUP BY l4, sex, band"
    )
    statements.append(
        "INSERT INTO stat_fine SELECT l4, 'keluarga', 'semua', '', -1, count(*) FROM stat_base_h GROUP BY l4"
    )
    for dim in HOUSEHOLD_DIMENSIONS:
        if dim.multi:
            statements.append(
                f"INSERT INTO stat_fine SELECT l4, '{dim.code}', g, '', -1, count(*) "  # noqa: S608 (identifiers from fixed lists in this module)
                f"FROM stat_base_h CROSS JOIN LATERAL unnest({dim.column}) g GROUP BY l4, g"
            )
        else:
            statements.append(
                f"INSERT INTO stat_fine SELECT l4, '{dim.code}', {dim.column}, '', -1, count(*) "  # noqa: S608 (identifiers from fixed lists in this module)
                f"FROM stat_base_h GROUP BY l4, {dim.column}"
            )
    return statements


def _aggregate(cursor, as_of, where: str = "true", params: dict | None = None) -> None:
    """Fill the temporary `stat_fine` table (dusun grain) for the households `where` selects (SQL over
    the household alias h; inside a transaction: the temporary tables go at commit)."""
    params = {"as_of": as_of, **(params or {})}
    # Enough sort/hash memory for the grouping to stay in RAM (the default 4 MB spills to disk).
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute(_BASE_RESIDENTS.format(where=where), params)
    cursor.execute(_BASE_HOUSEHOLDS.format(where=where), params)
    cursor.execute(_FINE)
    for statement in _fine_statements():
        cursor.execute(statement)
    cursor.execute(_COMMODITIES.format(where=where), params)


def _refresh_exact(as_of) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM warga_statcell")
        _aggregate(cursor, as_of)
        cursor.execute(_ROLL_UP)
        cursor.execute("DROP TABLE stat_base_r, stat_base_h, stat_fine")


def live_counts(household_filter: str, params: dict) -> list[tuple]:
    """Exact (dimension, category, sex, age class, count, area, production) rows computed now from the
    register, for the households a filter selects (one sub-unit of one dusun). Callers check scope."""
    with transaction.atomic(), connection.cursor() as cursor:
        _aggregate(cursor, timezone.localdate(), household_filter, params)
        cursor.execute(
            "SELECT dim, cat, sex, band, sum(n), sum(area_ha), sum(production_kg) FROM stat_fine "
            "GROUP BY dim, cat, sex, band"
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE stat_base_r, stat_base_h, stat_fine")
    return rows


# --- Published cells: build the hierarchy-wide table and suppress ----------------------------------------

SEXES = ("L", "P")


def _areas(kabupaten: Wilayah) -> tuple[list[int], dict[int, list[int]], dict[int, list[int]]]:
    """(all public area ids, kecamatan id → dusun ids, kabupaten id → kecamatan ids)."""
    villages = list(Wilayah.objects.villages().within(kabupaten).values_list("pk", "parent_id"))
    kec_children: dict[int, list[int]] = {}
    for pk, parent in villages:
        kec_children.setdefault(parent, []).append(pk)
    kab_children = {kabupaten.pk: sorted(kec_children)}
    ids = [kabupaten.pk, *kab_children[kabupaten.pk], *(pk for pk, _p in villages)]
    return ids, kec_children, kab_children


def build_public_table(kabupaten: Wilayah) -> tuple[suppression.Table, dict]:
    """Every public cell of the kabupaten and every sum that ties them, from the dusun-level counts.

    Keys are (dimension, category, area id, sex, age band); category "" is a total, sex "" both sexes,
    band -1 all ages. The population of an area (`penduduk`, "", area, sex, -1) is at once the total
    of the pyramid and of every resident table, so one suppression decision holds for all of them.
    """
    ids, kec_children, kab_children = _areas(kabupaten)
    village_ids = [pk for kids in kec_children.values() for pk in kids]
    # Bottom-up: kecamatan (sums of dusun) before the kabupaten (sum of kecamatan).
    parents = sorted(kec_children.items()) + list(kab_children.items())

    counts: dict[tuple, int] = {}
    measures: dict[tuple, tuple] = {}
    rows = (
        StatCell.objects.filter(wilayah_id__in=village_ids)
        .values_list("wilayah_id", "dimension", "category", "sex", "age_band", "count", "area_ha", "production_kg")
        .iterator(chunk_size=20000)
    )
    for area, dim, cat, sex, band, n, area_ha, production in rows:
        if dim == "penduduk":
            key = ("penduduk", "", area, sex, band)
            all_ages = ("penduduk", "", area, sex, -1)
            counts[all_ages] = counts.get(all_ages, 0) + n
        elif dim == "keluarga":
            key = ("keluarga", "", area, "", -1)
        else:
            key = (dim, cat, area, sex, -1)
        counts[key] = counts.get(key, 0) + n
        if dim == "komoditas":
            measures[key] = (area_ha or 0, production or 0)

    table = suppression.Table()

    def family(make, sexed: bool) -> None:
        """One cell per area (and sex) of one (dimension, category, band), tied by sex and hierarchy."""
        sexes = ("L", "P", "") if sexed else ("",)
        for area in village_ids:
            if sexed:
                for sex in SEXES:
                    table.cell(make(area, sex), counts.get(make(area, sex), 0))
                _sum_cell(table, make(area, ""), [make(area, s) for s in SEXES])
            else:
                table.cell(make(area, ""), counts.get(make(area, ""), 0))
        for parent, kids in parents:
            for sex in sexes:
                _sum_cell(table, make(parent, sex), [make(k, sex) for k in kids])
            if sexed:
                table.relate(make(parent, ""), [make(parent, s) for s in SEXES])

    # Residents: the pyramid, one family per band, and the population (band -1) = sum of the bands.
    for band in [-1, *range(c.AGE_BAND_COUNT)]:
        family(lambda a, s, b=band: ("penduduk", "", a, s, b), sexed=True)
    for area in ids:
        for sex in ("L", "P", ""):
            table.relate(
                ("penduduk", "", area, sex, -1), [("penduduk", "", area, sex, b) for b in range(c.AGE_BAND_COUNT)]
            )
    # Households: the total.
    family(lambda a, s: ("keluarga", "", a, "", -1), sexed=False)

    for dim in dimensions():
        cats = [code for code, _label in dim.categories()]
        sexed = dim.unit == "jiwa"
        for cat in cats:
            family(lambda a, s, d=dim.code, k=cat: (d, k, a, s, -1), sexed=sexed)
        if dim.multi:
            continue  # categories overlap: they do not add up to the total
        for area in ids:
            if sexed:
                for sex in ("L", "P", ""):
                    table.relate(("penduduk", "", area, sex, -1), [(dim.code, cat, area, sex, -1) for cat in cats])
            else:
                table.relate(("keluarga", "", area, "", -1), [(dim.code, cat, area, "", -1) for cat in cats])

    # Commodity area and production, summed up the hierarchy like the counts.
    for parent, kids in parents:
        for key in [k for k in measures if k[2] in kids]:
            parent_key = (key[0], key[1], parent, key[3], key[4])
            area_ha, production = measures.get(parent_key, (0, 0))
            measures[parent_key] = (area_ha + measures[key][0], production + measures[key][1])
    return table, measures


def _sum_cell(table: suppression.Table, key, components) -> None:
    table.cell(key, sum(table.values[table.index[k]] for k in components))
    table.relate(key, components)


def keep_cells(table: suppression.Table) -> list[tuple]:
    """Never hidden as complements: each area's population (by sex) and household count."""
    return [k for k in table.keys if k[0] in ("penduduk", "keluarga") and k[1] == "" and k[4] == -1]


def complement_cost(kabupaten: Wilayah):
    """Hide detail before headline: a dusun cell before a kecamatan cell before the kabupaten's, a
    one-sex cell before a both-sexes cell, a pyramid band before a table category."""
    levels = dict(Wilayah.objects.within(kabupaten).values_list("pk", "level"))

    def cost(key: tuple) -> tuple:
        _dim, _cat, area, sex, _band = key
        return (-levels.get(area, 0), sex == "")

    return cost


def _refresh_public(kabupaten: Wilayah) -> tuple[int, int]:
    table, measures = build_public_table(kabupaten)
    flags = suppression.suppress(table, keep=keep_cells(table), cost=complement_cost(kabupaten))
    rows = []
    for key, value, flag in zip(table.keys, table.values, flags, strict=True):
        dim, cat, area, sex, band = key
        area_ha = production = None
        if flag == suppression.PUBLISHED and key in measures:
            area_ha, production = measures[key]
        rows.append(
            (area, dim, cat, sex, band, value if flag == suppression.PUBLISHED else None, flag, area_ha, production)
        )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM warga_publicstatcell")
        with cursor.copy(
            "COPY warga_publicstatcell (wilayah_id, dimension, category, sex, age_band, value, flag, area_ha, "
            "production_kg) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
    return flags.count(suppression.PRIMARY), flags.count(suppression.COMPLEMENTARY)


def refresh(kabupaten: Wilayah | None = None) -> StatRefresh:
    """Rebuild the exact and the published statistics of the kabupaten (all areas, one transaction)."""
    from django.conf import settings

    started = time.perf_counter()
    kabupaten = kabupaten or Wilayah.objects.get(kode=settings.DUSUN_KABUPATEN_KODE)
    as_of = timezone.localdate()
    with transaction.atomic():
        # One refresh at a time: a second one waits instead of interleaving deletes and inserts.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('warga_statistics_refresh'))")
        _refresh_exact(as_of)
        primary, complementary = _refresh_public(kabupaten)
        StatRefresh.objects.all().delete()
        return StatRefresh.objects.create(
            as_of=as_of,
            duration_ms=int((time.perf_counter() - started) * 1000),
            suppressed_primary=primary,
            suppressed_complementary=complementary,
        )


def kabupaten_of(area: Wilayah) -> Wilayah:
    kode = ".".join(area.kode.split(".")[:2])
    return area if area.level == Level.KABUPATEN else Wilayah.objects.get(kode=kode)

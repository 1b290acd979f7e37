"""Public indicators per dusun and kecamatan, for thematic maps, comparison and the open-data table.

Like a DHIS2 indicator, each entry says what it is (code, name, unit), where it comes from (the module and
its table), at which levels it exists, how it is computed, how a kecamatan value is made from its dusun,
and which year it describes. Values are computed for all villages at once: one query per indicator (the
land-cover, IDM and census queries are shared by the indicators that read them), never one per village.

Population and household counts come only from the census's *published* cells (`warga_publicstatcell`,
already suppressed across the whole hierarchy): a hidden cell stays hidden here ("disembunyikan"), and an
indicator derived from it (density) is hidden too. Nothing here reads a personal record.

Classification (quantile, equal interval, Jenks natural breaks) lives at the end of this module.
"""

# SQL here is composed only from identifiers the code owns; values are bound.
# ruff: noqa: S608

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Sum
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dusun.wilayah.models import Jenis, Level, Wilayah

DUSUN, KECAMATAN = "dusun", "kecamatan"
LEVELS = (DUSUN, KECAMATAN)

# How a kecamatan value is made from its dusun (said in the data dictionary).
SUM, RATIO, MEAN, OWN = "jumlah", "rasio", "rerata", "sendiri"
AGGREGATION_TEXT = {
    SUM: gettext_lazy("jumlah nilai dusun yang punya data"),
    RATIO: gettext_lazy("dihitung ulang dari jumlah pembilang dan penyebut dusun (bukan rata-rata persen)"),
    MEAN: gettext_lazy("rata-rata sederhana dusun yang punya nilai"),
    OWN: gettext_lazy("angka kecamatan sendiri (sel publik kecamatan, sudah melalui penyembunyian)"),
}


@dataclass(frozen=True)
class Value:
    """One published number. `hidden`: suppressed for privacy (shown as "disembunyikan", never the number)."""

    number: float | None
    hidden: bool = False
    label: str | None = None  # a category (IDM status) instead of a number

    @property
    def missing(self) -> bool:
        return self.number is None and not self.hidden and self.label is None


HIDDEN = Value(None, hidden=True)


@dataclass
class Indicator:
    code: str
    name: str
    unit: str
    source: str  # module (and table) the numbers come from
    computation: str  # how a dusun value is computed
    aggregation: str | None  # how a kecamatan value is made (None: dusun only)
    year: str  # which year/snapshot the values describe
    decimals: int = 0
    # dusun values: {kode: Value}; plus, for RATIO, (numerator, denominator) per kode
    compute: Callable[[Context], dict[str, Value]] | None = field(default=None, repr=False)
    parts: Callable[[Context], dict[str, tuple[float, float]]] | None = field(default=None, repr=False)
    kecamatan: Callable[[Context], dict[str, Value]] | None = field(default=None, repr=False)
    scale: float = 1.0  # RATIO: numerator / denominator × scale
    categorical: bool = False  # a category per dusun (compared and downloaded, not mapped)

    @property
    def levels(self) -> tuple[str, ...]:
        return LEVELS if self.aggregation else (DUSUN,)

    @property
    def mappable(self) -> bool:
        return not self.categorical

    @property
    def module(self) -> str:
        """The app the numbers come from (the first word of `source`)."""
        return self.source.split()[0]

    def is_demo(self, ctx: Context) -> bool:
        return self.module in ctx.demo_modules

    @property
    def aggregation_text(self) -> str:
        return str(AGGREGATION_TEXT[self.aggregation]) if self.aggregation else _("tidak diagregasi ke kecamatan")

    def values(self, ctx: Context, level: str = DUSUN) -> dict[str, Value]:
        """{kode: Value} of every dusun (or kecamatan) with data; absent kode = no data."""
        if level == DUSUN:
            if self.parts is not None:
                out = {}
                for kode, (num, den) in self.parts(ctx).items():
                    if isinstance(num, Value) or isinstance(den, Value):
                        out[kode] = HIDDEN  # a part is suppressed: so is the ratio
                    else:
                        out[kode] = Value(_round(num / den * self.scale, self.decimals) if den else None)
                return out
            return self.compute(ctx)
        if level != KECAMATAN or not self.aggregation:
            return {}
        if self.aggregation == OWN:
            return self.kecamatan(ctx)
        parent = ctx.parent_of
        if self.aggregation == RATIO:
            sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
            hidden: set[str] = set()
            for kode, (num, den) in self.parts(ctx).items():
                if isinstance(num, Value) or isinstance(den, Value):
                    hidden.add(parent[kode])
                    continue
                sums[parent[kode]][0] += num
                sums[parent[kode]][1] += den
            out = {k: Value(_round(n / d * self.scale, self.decimals) if d else None) for k, (n, d) in sums.items()}
            return out | {k: HIDDEN for k in hidden}
        groups: dict[str, list[float]] = defaultdict(list)
        for kode, value in self.compute(ctx).items():
            if value.number is not None:
                groups[parent[kode]].append(value.number)
        if self.aggregation == SUM:
            return {k: Value(_round(sum(v), self.decimals)) for k, v in groups.items()}
        return {k: Value(_round(sum(v) / len(v), self.decimals)) for k, v in groups.items()}


def _round(x: float | None, decimals: int) -> float | None:
    if x is None:
        return None
    return round(float(x), decimals) if decimals else float(round(float(x)))


class Context:
    """Shared reads of one computation (one request): the villages and the queries several indicators use."""

    def __init__(self, kabupaten: Wilayah | None = None) -> None:
        self.kabupaten = kabupaten or Wilayah.objects.get(kode=settings.DUSUN_KABUPATEN_KODE, level=Level.KABUPATEN)
        self.prefix = self.kabupaten.kode + "."

    @cached_property
    def villages(self) -> list[Wilayah]:
        return list(
            Wilayah.objects.villages()
            .filter(kode__startswith=self.prefix)
            .select_related("parent")
            .only("kode", "nama", "jenis", "luas_ha", "parent__kode", "parent__nama")
            .order_by("kode")
        )

    @cached_property
    def kecamatan(self) -> list[Wilayah]:
        return list(
            Wilayah.objects.kecamatan()
            .filter(kode__startswith=self.prefix)
            .only("kode", "nama", "luas_ha")
            .order_by("kode")
        )

    @cached_property
    def parent_of(self) -> dict[str, str]:
        return {v.kode: v.parent.kode for v in self.villages}

    # --- census (published, suppressed cells only) ---

    @cached_property
    def census(self) -> dict[tuple[str, str], Value]:
        """{(dimension, kode): Value} of the published population and household totals of every area."""
        from dusun.warga.models import PublicStatCell

        rows = PublicStatCell.objects.filter(
            wilayah__kode__startswith=self.prefix,
            dimension__in=("penduduk", "keluarga"),
            category="",
            sex="",
            age_band=-1,
        ).values_list("dimension", "wilayah__kode", "value", "flag")
        return {
            (dim, kode): (Value(float(value)) if flag == PublicStatCell.Flag.PUBLISHED else HIDDEN)
            for dim, kode, value, flag in rows
        }

    @cached_property
    def census_as_of(self) -> str:
        from dusun.warga.models import StatRefresh

        info = StatRefresh.objects.order_by("-refreshed_at").first()
        return info.as_of.isoformat() if info else "—"

    def census_values(self, dim: str, level: str) -> dict[str, Value]:
        kodes = {v.kode for v in self.villages} if level == DUSUN else {k.kode for k in self.kecamatan}
        return {kode: value for (d, kode), value in self.census.items() if d == dim and kode in kodes}

    # --- land cover (latest snapshot) ---

    @cached_property
    def snapshot(self):
        from dusun.ruang.models import LandCoverSnapshot

        # Reading ≈ 128,000 polygons per snapshot is the costly part of every page here: it is kept per process
        # by the ruang stats cache, keyed by the land-cover layer's version (moved by a trigger on every write).
        pk = _ruang_cached("opendata-snapshot", (self.prefix,), lambda: _latest_snapshot_pk(self.prefix))
        return LandCoverSnapshot.objects.select_related("legend").filter(pk=pk).first() if pk else None

    @cached_property
    def landcover(self) -> dict[str, dict[int, float]]:
        """{village kode: {class id: ha}} of the latest snapshot (one grouped query over its polygons)."""
        if self.snapshot is None:
            return {}
        return _ruang_cached("opendata-landcover", (self.prefix, self.snapshot.pk), self._landcover)

    def _landcover(self) -> dict[str, dict[int, float]]:
        out: dict[str, dict[int, float]] = defaultdict(dict)
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT w.kode, l.klass_id, sum(coalesce(l.area_ha::float8, ST_Area(l.geom::geography) / 10000))
                   FROM ruang_landcover l JOIN wilayah_wilayah w ON w.id = l.dusun_id
                   WHERE l.snapshot_id = %s AND w.kode LIKE %s GROUP BY w.kode, l.klass_id""",
                [self.snapshot.pk, self.prefix + "%"],
            )
            for kode, klass, ha in cursor.fetchall():
                out[kode][klass] = ha
        return dict(out)

    @cached_property
    def classes(self) -> dict:
        from dusun.ruang.models import LegendClass

        if self.snapshot is None:
            return {}
        return {c.pk: c for c in LegendClass.objects.filter(legend=self.snapshot.legend_id).order_by("sort_order")}

    @cached_property
    def carbon_factors(self) -> dict[int, Decimal] | None:
        """tC/ha per class from the default carbon factor table (hutan); None when a class lacks a factor."""
        from dusun.hutan import selectors as hutan

        table = hutan.default_table()
        if table is None or not self.classes:
            return None
        try:
            return hutan.factors_for(table, list(self.classes.values()))
        except hutan.CarbonError:
            return None

    @cached_property
    def snapshot_label(self) -> str:
        s = self.snapshot
        return f"{s.name} ({s.year})" if s else _("belum ada potret tutupan lahan")

    # --- IDM ---

    @cached_property
    def idm(self) -> dict[int, dict[str, tuple[float, str, str]]]:
        """{year: {kode: (value, status, series)}}: official (resmi) where present, else computed."""
        from dusun.indeks.models import Result, Series

        rows = Result.objects.filter(
            is_current=True, is_complete=True, dusun__kode__startswith=self.prefix, dusun__jenis=Jenis.DESA
        ).values_list("year", "dusun__kode", "series", "value", "status")
        out: dict[int, dict[str, tuple]] = defaultdict(dict)
        for year, kode, series, value, status in rows:
            if value is None:
                continue
            if kode in out[year] and series != Series.OFFICIAL:
                continue  # the official result wins over the computed one
            out[year][kode] = (float(value), status, series)
        return dict(sorted(out.items()))

    @cached_property
    def demo_modules(self) -> set[str]:
        """The modules whose data here is (partly) synthetic demo data: said beside the numbers, as every page
        showing demo data does."""
        from dusun.ekonomi.models import DusunCommodity, Enterprise
        from dusun.rencana.models import Proposal
        from dusun.ruang.models import Facility, LineFeature
        from dusun.warga.models import Household

        within = {"dusun__kode__startswith": self.prefix, "is_demo": True}
        out = set()
        if Household.objects.filter(**within).exists():
            out.add("warga")
        if self.snapshot is not None and self.snapshot.is_demo:
            out |= {"ruang", "hutan"}
        if Facility.objects.filter(**within).exists() or LineFeature.objects.filter(**within).exists():
            out.add("ruang")
        if Enterprise.objects.filter(**within).exists() or DusunCommodity.objects.filter(**within).exists():
            out.add("ekonomi")
        if Proposal.objects.filter(**within).exists():
            out.add("rencana")
        return out

    @cached_property
    def change_run(self):
        from dusun.hutan.models import ChangeRun

        return (
            ChangeRun.objects.filter(status=ChangeRun.Status.DONE)
            .select_related("from_snapshot", "to_snapshot")
            .order_by("-to_snapshot__year", "-from_snapshot__year", "-pk")
            .first()
        )


def _latest_snapshot_pk(prefix: str) -> int:
    """The newest snapshot with polygons in the kabupaten (0: none)."""
    from django.db.models import Exists, OuterRef

    from dusun.ruang.models import LandCover, LandCoverSnapshot

    used = LandCover.objects.filter(snapshot=OuterRef("pk"), dusun__kode__startswith=prefix)
    pk = LandCoverSnapshot.objects.filter(Exists(used)).order_by("-year", "-pk").values_list("pk", flat=True).first()
    return pk or 0


def _ruang_cached(name: str, parts: tuple, compute):
    from dusun.ruang.selectors import cached_by_layer_version

    return cached_by_layer_version(name, parts, ["tutupan-lahan"], compute)


# ---------------------------------------------------------------------------------------------------------
# The computations
# ---------------------------------------------------------------------------------------------------------


def _count_by_village(ctx: Context, model, **filters) -> dict[str, Value]:
    rows = (
        model.objects.filter(dusun__kode__startswith=ctx.prefix, **filters)
        .values_list("dusun__kode")
        .annotate(n=Count("pk"))
    )
    counts = dict(rows)
    # A village with no row has 0 of them (the layer is kabupaten-wide), not "no data".
    return {v.kode: Value(float(counts.get(v.kode, 0))) for v in ctx.villages}


def _area(ctx: Context) -> dict[str, Value]:
    return {v.kode: Value(float(v.luas_ha)) for v in ctx.villages if v.luas_ha is not None}


def _area_kecamatan(ctx: Context) -> dict[str, Value]:
    return {k.kode: Value(float(k.luas_ha)) for k in ctx.kecamatan if k.luas_ha is not None}


def _density_parts(ctx: Context) -> dict[str, tuple]:
    pop = ctx.census_values("penduduk", DUSUN)
    out = {}
    for v in ctx.villages:
        p = pop.get(v.kode)
        if p is None or v.luas_ha is None:
            continue
        out[v.kode] = (p if p.hidden else p.number, float(v.luas_ha) / 100)  # per km²
    return out


def _density_kecamatan(ctx: Context) -> dict[str, Value]:
    """The kecamatan's own published population over its own area (a hidden population stays hidden)."""
    pop = ctx.census_values("penduduk", KECAMATAN)
    out = {}
    for k in ctx.kecamatan:
        p = pop.get(k.kode)
        if p is None or not k.luas_ha:
            continue
        out[k.kode] = HIDDEN if p.hidden else Value(round(p.number / (float(k.luas_ha) / 100), 1))
    return out


def _idm_status(year: int):
    def compute(ctx: Context) -> dict[str, Value]:
        from dusun.indeks.models import StatusBand

        names = dict(StatusBand.objects.values_list("code", "name"))
        return {
            kode: Value(None, label=names.get(s, s)) for kode, (_v, s, _series) in ctx.idm.get(year, {}).items() if s
        }

    return compute


def _landcover_parts(ctx: Context, numerator: Callable[[object], bool]) -> dict[str, tuple[float, float]]:
    out = {}
    for kode, by_class in ctx.landcover.items():
        total = sum(by_class.values())
        part = sum(ha for klass, ha in by_class.items() if klass in ctx.classes and numerator(ctx.classes[klass]))
        out[kode] = (part, total)
    return out


def _landcover_ha(ctx: Context, numerator: Callable[[object], bool]) -> dict[str, Value]:
    return {kode: Value(round(num, 2)) for kode, (num, _den) in _landcover_parts(ctx, numerator).items()}


def _carbon_total(ctx: Context) -> dict[str, Value]:
    factors = ctx.carbon_factors
    if factors is None:
        return {}
    return {
        kode: Value(round(sum(ha * float(factors[k]) for k, ha in by_class.items() if k in factors)))
        for kode, by_class in ctx.landcover.items()
    }


def _carbon_parts(ctx: Context) -> dict[str, tuple[float, float]]:
    totals = _carbon_total(ctx)
    return {kode: (totals[kode].number, sum(by.values())) for kode, by in ctx.landcover.items() if kode in totals}


def _forest_change(ctx: Context, kind: str) -> dict[str, Value]:
    from django.db.models import Q

    from dusun.hutan.models import ChangeCell

    run = ctx.change_run
    if run is None:
        return {}
    nf, nf_to = Q(from_class__natural_forest=True), Q(to_class__natural_forest=True)
    filters = {
        "loss": nf & Q(to_class__isnull=False, to_class__natural_forest=False),
        "gain": nf_to & Q(from_class__isnull=False, from_class__natural_forest=False),
    }
    rows = (
        ChangeCell.objects.filter(village__run=run, village__dusun__kode__startswith=ctx.prefix)
        .values_list("village__dusun__kode")
        .annotate(ha=Sum("area_ha", filter=filters[kind]))
    )
    return {kode: Value(round(ha or 0.0, 2)) for kode, ha in rows}


def _road_km(ctx: Context) -> dict[str, Value]:
    from dusun.ruang.models import LineKind

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT w.kode, sum(coalesce(f.length_m::float8, ST_Length(f.geom::geography))) / 1000
               FROM ruang_linefeature f JOIN wilayah_wilayah w ON w.id = f.dusun_id
               WHERE f.kind = %s AND w.kode LIKE %s GROUP BY w.kode""",
            [LineKind.JALAN.value, ctx.prefix + "%"],
        )
        km = dict(cursor.fetchall())
    return {v.kode: Value(round(km.get(v.kode, 0.0), 2)) for v in ctx.villages}


def _idm_value(year: int):
    def compute(ctx: Context) -> dict[str, Value]:
        return {kode: Value(round(v, 4)) for kode, (v, _s, _series) in ctx.idm.get(year, {}).items()}

    return compute


def _commodities(ctx: Context) -> dict[str, Value]:
    from dusun.ekonomi.models import DusunCommodity

    latest = (
        DusunCommodity.objects.filter(dusun__kode__startswith=ctx.prefix)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if latest is None:
        return {}
    rows = (
        DusunCommodity.objects.filter(dusun__kode__startswith=ctx.prefix, year=latest)
        .values_list("dusun__kode")
        .annotate(n=Count("commodity", distinct=True))
    )
    return {kode: Value(float(n)) for kode, n in rows}


# ---------------------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------------------


def registry(ctx: Context | None = None) -> dict[str, Indicator]:
    """Every public indicator, in display order. IDM gets one indicator per year with results."""
    from dusun.ekonomi.models import Enterprise
    from dusun.rencana.models import Project, Proposal, Status
    from dusun.ruang.models import Facility

    ctx = ctx or Context()
    snap = ctx.snapshot_label
    run = ctx.change_run
    change_year = (
        f"{run.from_snapshot.year}–{run.to_snapshot.year}" if run else _("belum ada perhitungan perubahan tutupan")
    )
    census_year = _("sensus per %(date)s") % {"date": ctx.census_as_of}
    items = [
        Indicator(
            "penduduk",
            _("Jumlah penduduk"),
            _("jiwa"),
            "warga (warga_publicstatcell)",
            _("Warga berstatus aktif menurut sensus dusun; sel kecil (< 5) dan sel pelengkapnya disembunyikan."),
            OWN,
            census_year,
            compute=lambda c: c.census_values("penduduk", DUSUN),
            kecamatan=lambda c: c.census_values("penduduk", KECAMATAN),
        ),
        Indicator(
            "keluarga",
            _("Jumlah keluarga (KK)"),
            _("KK"),
            "warga (warga_publicstatcell)",
            _("Kartu keluarga dengan sedikitnya satu anggota aktif; sel kecil disembunyikan."),
            OWN,
            census_year,
            compute=lambda c: c.census_values("keluarga", DUSUN),
            kecamatan=lambda c: c.census_values("keluarga", KECAMATAN),
        ),
        Indicator(
            "kepadatan",
            _("Kepadatan penduduk"),
            _("jiwa/km²"),
            "warga + wilayah",
            _("Penduduk terpublikasi dibagi luas geodesik batas dusun; tersembunyi bila penduduknya tersembunyi."),
            OWN,
            census_year,
            decimals=1,
            parts=_density_parts,
            kecamatan=_density_kecamatan,
        ),
        Indicator(
            "luas",
            _("Luas wilayah"),
            "ha",
            "wilayah (wilayah_wilayah.luas_ha)",
            _("Luas geodesik (elipsoid WGS 84) batas wilayah yang disederhanakan; bukan batas resmi."),
            OWN,
            _("batas wilayah terkini"),
            decimals=2,
            compute=_area,
            kecamatan=_area_kecamatan,
        ),
    ]
    for year in ctx.idm:
        items.append(
            Indicator(
                f"idm-{year}",
                _("Indeks Desa Membangun (IDM) %(year)s") % {"year": year},
                _("indeks 0–1"),
                "indeks (indeks_result)",
                _(
                    "Nilai IDM versi terkini yang lengkap: hasil resmi Kemendesa bila ada, selain itu hasil hitung "
                    "Dusun Online. Hanya desa (bukan kelurahan)."
                ),
                MEAN,
                str(year),
                decimals=4,
                compute=_idm_value(year),
            )
        )
        items.append(
            Indicator(
                f"idm-status-{year}",
                _("Status IDM %(year)s") % {"year": year},
                _("kategori"),
                "indeks (indeks_result)",
                _("Status desa menurut nilai IDM yang sama (sangat tertinggal … mandiri)."),
                None,
                str(year),
                compute=_idm_status(year),
                categorical=True,
            )
        )
    items += [
        Indicator(
            "hutan-alam-persen",
            _("Porsi hutan alam"),
            "%",
            "ruang (ruang_landcover) + legenda",
            _("Luas kelas hutan alam (KLHK/IPSDH) dibagi luas terpetakan potret tutupan lahan terbaru × 100."),
            RATIO,
            snap,
            decimals=1,
            scale=100,
            parts=lambda c: _landcover_parts(c, lambda k: k.natural_forest),
        ),
        Indicator(
            "hutan-persen",
            _("Porsi hutan (semua kelas hutan)"),
            "%",
            "ruang (ruang_landcover) + legenda",
            _("Luas kelas berkategori hutan dibagi luas terpetakan × 100."),
            RATIO,
            snap,
            decimals=1,
            scale=100,
            parts=lambda c: _landcover_parts(c, lambda k: k.forest_category == "hutan"),
        ),
        Indicator(
            "hutan-alam-ha",
            _("Luas hutan alam"),
            "ha",
            "ruang (ruang_landcover)",
            _("Jumlah luas geodesik poligon kelas hutan alam, potret terbaru."),
            SUM,
            snap,
            decimals=2,
            compute=lambda c: _landcover_ha(c, lambda k: k.natural_forest),
        ),
        Indicator(
            "karbon-ton",
            _("Stok karbon"),
            "tC",
            "ruang + hutan (tabel faktor karbon bawaan)",
            _("Σ luas kelas × faktor karbon (tC/ha) tabel faktor bawaan, potret terbaru (karbon di atas tanah)."),
            SUM,
            snap,
            compute=_carbon_total,
        ),
        Indicator(
            "karbon-per-ha",
            _("Kerapatan stok karbon"),
            "tC/ha",
            "ruang + hutan",
            _("Stok karbon dibagi luas terpetakan."),
            RATIO,
            snap,
            decimals=1,
            parts=_carbon_parts,
        ),
        Indicator(
            "hutan-alam-hilang",
            _("Kehilangan hutan alam"),
            "ha",
            "hutan (hutan_changecell)",
            _("Luas yang berubah dari kelas hutan alam ke kelas bukan hutan alam antara dua potret."),
            SUM,
            change_year,
            decimals=2,
            compute=lambda c: _forest_change(c, "loss"),
        ),
        Indicator(
            "hutan-alam-bertambah",
            _("Penambahan hutan alam"),
            "ha",
            "hutan (hutan_changecell)",
            _("Luas yang berubah dari kelas bukan hutan alam ke kelas hutan alam antara dua potret."),
            SUM,
            change_year,
            decimals=2,
            compute=lambda c: _forest_change(c, "gain"),
        ),
    ]
    for klass in ctx.classes.values():
        if not any(klass.pk in by for by in ctx.landcover.values()):
            continue
        items.append(
            Indicator(
                f"tutupan-{klass.code}",
                _("Tutupan lahan: %(name)s") % {"name": klass.name_id},
                "%",
                "ruang (ruang_landcover)",
                _("Luas kelas %(code)s dibagi luas terpetakan × 100.") % {"code": klass.code},
                RATIO,
                snap,
                decimals=1,
                scale=100,
                parts=lambda c, pk=klass.pk: _landcover_parts(c, lambda k: k.pk == pk),
            )
        )
    items += [
        Indicator(
            "fasilitas",
            _("Jumlah fasilitas umum"),
            _("unit"),
            "ruang (ruang_facility)",
            _("Titik fasilitas (sekolah, kesehatan, ibadah, …) di lapisan fasilitas."),
            SUM,
            _("data terkini"),
            compute=lambda c: _count_by_village(c, Facility),
        ),
        Indicator(
            "jalan-km",
            _("Panjang jalan"),
            "km",
            "ruang (ruang_linefeature, jenis jalan)",
            _("Panjang geodesik garis berjenis jalan."),
            SUM,
            _("data terkini"),
            decimals=2,
            compute=_road_km,
        ),
        Indicator(
            "usaha",
            _("Jumlah usaha aktif"),
            _("unit"),
            "ekonomi (ekonomi_enterprise)",
            _("BUMDes, koperasi, UMKM dan kelompok usaha yang tercatat aktif."),
            SUM,
            _("data terkini"),
            compute=lambda c: _count_by_village(c, Enterprise, active=True),
        ),
        Indicator(
            "komoditas",
            _("Jumlah komoditas unggulan"),
            _("jenis"),
            "ekonomi (ekonomi_dusuncommodity)",
            _("Komoditas yang dilaporkan dusun pada tahun terakhir yang ada datanya."),
            SUM,
            _("tahun data terakhir"),
            compute=_commodities,
        ),
        Indicator(
            "usulan-diterima",
            _("Usulan kegiatan diterima kabupaten"),
            _("usulan"),
            "rencana (rencana_proposal)",
            _("Usulan versi terkini berstatus diterima kabupaten, semua tahun."),
            SUM,
            _("semua tahun"),
            compute=lambda c: _count_by_village(c, Proposal, is_current=True, status=Status.ACCEPTED),
        ),
        Indicator(
            "kegiatan",
            _("Kegiatan pembangunan berjalan/selesai"),
            _("kegiatan"),
            "rencana (rencana_project)",
            _("Kegiatan dari usulan yang diterima, semua tahun."),
            SUM,
            _("semua tahun"),
            compute=lambda c: _project_counts(c, Project),
        ),
    ]
    return {i.code: i for i in items}


def _project_counts(ctx: Context, project_model) -> dict:
    counts = dict(
        project_model.objects.filter(proposal__dusun__kode__startswith=ctx.prefix)
        .values_list("proposal__dusun__kode")
        .annotate(n=Count("pk"))
    )
    return {v.kode: Value(float(counts.get(v.kode, 0))) for v in ctx.villages}


DEFAULT_INDICATOR = "penduduk"


# ---------------------------------------------------------------------------------------------------------
# Tables of values (comparison, open data)
# ---------------------------------------------------------------------------------------------------------


def display(value: Value | None, decimals: int = 0) -> str:
    """Bahasa number formatting; "disembunyikan" for a suppressed value; "—" for no data."""
    if value is None or value.missing:
        return _("tidak ada data")
    if value.hidden:
        return _("disembunyikan")
    if value.label is not None:
        return value.label
    text = f"{value.number:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def export_value(value: Value | None):
    """In downloads: the number, "disembunyikan" for a suppressed cell, empty for no data."""
    if value is None or value.missing:
        return None
    if value.hidden:
        return "disembunyikan"
    if value.label is not None:
        return value.label
    return value.number


# ---------------------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------------------

QUANTILE, EQUAL, JENKS = "kuantil", "interval-sama", "jenks"
METHODS = {
    QUANTILE: gettext_lazy("Kuantil (jumlah wilayah sama per kelas)"),
    EQUAL: gettext_lazy("Interval sama"),
    JENKS: gettext_lazy("Jeda alami (Jenks)"),
}
MIN_CLASSES, MAX_CLASSES = 3, 7
# ColorBrewer YlGnBu, sequential and colour-blind safe (colorbrewer2.org), for 3–7 classes.
PALETTE = {
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
NO_DATA_COLOUR = "#e0e0e0"
HIDDEN_COLOUR = "#9e9e9e"


def quantile_breaks(values: list[float], k: int) -> list[float]:
    """k+1 breaks [min, …, max]: upper bounds at the i/k quantiles (nearest rank), duplicates removed."""
    xs = sorted(values)
    n = len(xs)
    breaks = [xs[0]]
    for i in range(1, k):
        b = xs[max(0, math.ceil(i * n / k) - 1)]
        if b > breaks[-1]:
            breaks.append(b)
    if xs[-1] > breaks[-1] or len(breaks) == 1:
        breaks.append(xs[-1])
    return breaks


def equal_breaks(values: list[float], k: int) -> list[float]:
    lo, hi = min(values), max(values)
    if hi == lo:
        return [lo, hi]
    step = (hi - lo) / k
    return [lo + i * step for i in range(k)] + [hi]


def jenks_breaks(values: list[float], k: int) -> list[float]:
    """Fisher–Jenks natural breaks (minimum within-class squared deviation), O(k·n²) dynamic programming —
    exact, and quick for the ≤ 153 values of a kabupaten."""
    xs = sorted(values)
    n = len(xs)
    k = min(k, len(set(xs)))
    if k <= 1:
        return [xs[0], xs[-1]]
    prefix, prefix2 = [0.0], [0.0]
    for x in xs:
        prefix.append(prefix[-1] + x)
        prefix2.append(prefix2[-1] + x * x)

    def ssd(i: int, j: int) -> float:  # squared deviation of xs[i:j]
        s, s2, m = prefix[j] - prefix[i], prefix2[j] - prefix2[i], j - i
        return s2 - s * s / m

    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(k + 1)]
    split = [[0] * (n + 1) for _ in range(k + 1)]
    cost[0][0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            best, arg = inf, c - 1
            for i in range(c - 1, j):
                if cost[c - 1][i] == inf:
                    continue
                v = cost[c - 1][i] + ssd(i, j)
                if v < best:
                    best, arg = v, i
            cost[c][j], split[c][j] = best, arg
    bounds, j = [], n
    for c in range(k, 0, -1):
        i = split[c][j]
        bounds.append(xs[j - 1])
        j = i
    return [xs[0]] + sorted(bounds)


BREAKS = {QUANTILE: quantile_breaks, EQUAL: equal_breaks, JENKS: jenks_breaks}


def class_of(x: float, breaks: list[float]) -> int:
    """Index of the class of x: class i holds (breaks[i], breaks[i+1]]; the first also holds the minimum."""
    for i in range(1, len(breaks) - 1):
        if x <= breaks[i]:
            return i - 1
    return len(breaks) - 2


@dataclass
class LegendClass:
    lower: float
    upper: float
    colour: str
    count: int = 0


@dataclass
class Classification:
    method: str
    classes: list[LegendClass]
    assigned: dict[str, int]  # kode → class index (numbers only)
    hidden: int = 0
    missing: int = 0

    def colour_of(self, kode: str, value: Value | None) -> str:
        if value is None or value.missing:
            return NO_DATA_COLOUR
        if value.hidden:
            return HIDDEN_COLOUR
        return self.classes[self.assigned[kode]].colour


def classify(values: dict[str, Value], kodes: list[str], method: str, k: int) -> Classification:
    """Classes of the numbers among `values` (areas in `kodes` without a value count as "tidak ada data")."""
    numbers = {kode: v.number for kode, v in values.items() if v.number is not None}
    hidden = sum(1 for kode in kodes if kode in values and values[kode].hidden)
    missing = sum(1 for kode in kodes if kode not in values or values[kode].missing)
    if not numbers:
        return Classification(method, [], {}, hidden, missing)
    breaks = BREAKS[method](list(numbers.values()), k)
    if len(breaks) == 1:
        breaks = [breaks[0], breaks[0]]
    palette = PALETTE[max(MIN_CLASSES, min(MAX_CLASSES, len(breaks) - 1))]
    n_classes = len(breaks) - 1
    # Fewer distinct breaks than asked (many equal values): spread the colours over the palette's range.
    colours = [palette[round(i * (len(palette) - 1) / max(1, n_classes - 1))] for i in range(n_classes)]
    if n_classes == 1:
        colours = [palette[len(palette) // 2]]
    classes = [LegendClass(breaks[i], breaks[i + 1], colours[i]) for i in range(n_classes)]
    assigned = {}
    for kode, x in numbers.items():
        i = class_of(x, breaks)
        assigned[kode] = i
        classes[i].count += 1
    return Classification(method, classes, assigned, hidden, missing)

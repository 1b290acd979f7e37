"""Reads for the public village profile (page and PDF): one place that gathers what the other modules
publish about a village. Only public data: the profile the operator typed, sub-unit names, suppressed
census aggregates (warga's small-cell suppression), IDM results, land-cover areas, forest and carbon
figures, accepted projects with suppressed beneficiary counts. Never a resident's name, NIK or KK number.
"""

import hashlib
import math
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.utils.translation import get_language

from dusun.wilayah.models import Level, ProfilDusun, Wilayah

# The census tables the printed profile shows (the page links to the full statistics instead).
KEY_TABLES = ("pendidikan", "pekerjaan", "air_minum", "jamban", "penerangan")
LANDCOVER_TOP = 6  # classes listed by name; the rest are summed as "lainnya"


def profil_of(village: Wilayah) -> ProfilDusun | None:
    return ProfilDusun.objects.filter(wilayah=village).first()


def subunits_of(village: Wilayah) -> list[Wilayah]:
    """The village's sub-units (kampung, RW, RT) from the hierarchy: names and codes only. `display` is the
    name with its kind in front unless the name already says it ("RT 01", not "RT RT 01")."""
    units = list(Wilayah.objects.filter(level=Level.SUBUNIT, kode__startswith=village.kode + ".").order_by("kode"))
    for unit in units:
        label = str(unit.label)
        unit.display = unit.nama if unit.nama.lower().startswith(label.lower()) else f"{label} {unit.nama}"
    return units


@dataclass
class IdmYear:
    year: int
    value: float | None
    status: str
    official: bool


def idm_by_year(village: Wilayah) -> list[IdmYear]:
    """One IDM figure per year, newest first: the official Kemendesa result where there is one, otherwise the
    one Dusun Online computed from the entered items (said so on the page)."""
    from dusun.indeks.models import Series
    from dusun.indeks.selectors import village_history

    years: dict[int, IdmYear] = {}
    for point in village_history(village):
        official = point.series == Series.OFFICIAL
        if point.year not in years or (official and not years[point.year].official):
            years[point.year] = IdmYear(point.year, point.value, point.status, official)
    return [years[y] for y in sorted(years, reverse=True)]


@dataclass
class LandCoverSummary:
    year: int
    snapshot_name: str
    demo: bool
    total_ha: float
    natural_forest_ha: float
    rows: list[tuple[str, str, float, float]]  # (name, colour, ha, share)


def landcover_summary(village: Wilayah) -> LandCoverSummary | None:
    """Hectares by class of the newest land-cover snapshot (ruang's cached aggregate), largest first."""
    from dusun.ruang.selectors import landcover_stats, snapshots_in

    snapshots = snapshots_in(village)
    if not snapshots:
        return None
    stats = landcover_stats(village, snapshots[0])
    rows = [(c.name, c.colour, c.ha, c.share) for c in stats.classes[:LANDCOVER_TOP]]
    rest = stats.classes[LANDCOVER_TOP:]
    if rest:
        rows.append(("…lainnya", "#cccccc", sum(c.ha for c in rest), sum(c.share for c in rest)))
    return LandCoverSummary(
        year=stats.snapshot.year,
        snapshot_name=stats.snapshot.name,
        demo=stats.snapshot.is_demo,
        total_ha=stats.total_ha,
        natural_forest_ha=stats.natural_forest_ha,
        rows=rows,
    )


@dataclass
class ForestSummary:
    from_year: int
    to_year: int
    natural_forest_from: float
    natural_forest_to: float
    loss_ha: float
    gain_ha: float
    alert: bool
    stock_from_tc: float | None = None
    stock_to_tc: float | None = None
    net_emission_co2e: float | None = None
    note: str = ""


def forest_summary(village: Wilayah) -> ForestSummary | None:
    """Natural forest and carbon between the oldest and newest snapshots, from hutan's stored matrix of the
    village (hutan computes and stores it once, ≤ 1 s, when missing or stale: the same call its own page
    makes). None when the village has fewer than two snapshots."""
    from dusun.hutan import selectors as hutan
    from dusun.hutan.change import ChangeError

    try:
        first, last = hutan.snapshot_pair(village, None, None)
        matrix = hutan.village_matrix(village, first, last)
    except ChangeError:
        return None
    summary = ForestSummary(
        from_year=first.year,
        to_year=last.year,
        natural_forest_from=matrix.natural_forest_from,
        natural_forest_to=matrix.natural_forest_to,
        loss_ha=matrix.loss_ha,
        gain_ha=matrix.gain_ha,
        alert=matrix.alert,
    )
    table = hutan.default_table()
    if table is not None:
        try:
            carbon = hutan.carbon(matrix, table)
        except hutan.CarbonError as error:
            summary.note = error.message
        else:
            summary.stock_from_tc = float(carbon.total_from)
            summary.stock_to_tc = float(carbon.total_to)
            summary.net_emission_co2e = float(carbon.net_co2e)
    return summary


def public_projects(village: Wilayah) -> list:
    """Accepted projects as rencana's transparency page shows them to the public (anonymous viewer)."""
    from dusun.rencana.selectors import public_projects as rencana_public

    return rencana_public(village, AnonymousUser())


@dataclass
class KeyStatistics:
    population: object  # warga Cell (display gives "<5" or "•" when suppressed)
    men: object
    women: object
    households: object
    as_of: object
    demo: bool
    tables: list = field(default_factory=list)


def key_statistics(village: Wilayah) -> KeyStatistics:
    """Suppressed census aggregates (warga.selectors.public_statistics): totals and a few key tables, rows with
    nothing to show left out."""
    from dusun.warga.selectors import public_statistics

    stats = public_statistics(village)
    tables = []
    for code in KEY_TABLES:
        table = stats.table(code)
        if table is None:
            continue
        rows = [r for r in table.rows if r.cell.hidden or r.cell.value]
        if rows:
            tables.append((table, rows))
    return KeyStatistics(
        population=stats.population["semua"],
        men=stats.population["L"],
        women=stats.population["P"],
        households=stats.households,
        as_of=stats.as_of,
        demo=stats.demo,
        tables=tables,
    )


# ---------------------------------------------------------------------------------------------------------
# Boundary outline as SVG (the PDF cannot run MapLibre)
# ---------------------------------------------------------------------------------------------------------

SVG_SIZE = 360  # px of the longer side
SIMPLIFY_DEG = 0.0002  # ≈ 20 m: far below one pixel at this size for any Bungo village


def outline_svg_path(village: Wilayah, size: int = SVG_SIZE) -> tuple[str, int, int] | None:
    """An SVG path of the village boundary, drawn server-side: (d, width, height), or None without geometry.

    Longitude is scaled by cos(latitude) so the shape is not stretched (an equirectangular view centred on the
    village: plenty for an outline of a few kilometres; no area is measured from it)."""
    if village.geom is None:
        return None
    geom = village.geom.simplify(SIMPLIFY_DEG, preserve_topology=True)
    xmin, ymin, xmax, ymax = geom.extent
    kx = math.cos(math.radians((ymin + ymax) / 2))
    w_deg, h_deg = (xmax - xmin) * kx, ymax - ymin
    if w_deg <= 0 or h_deg <= 0:
        return None
    scale = size / max(w_deg, h_deg)
    width, height = max(1, round(w_deg * scale)), max(1, round(h_deg * scale))
    parts = []
    # Simplifying may turn a one-part MultiPolygon into a Polygon (or keep several parts): walk both alike.
    polygons = [geom] if geom.geom_type == "Polygon" else list(geom)
    for polygon in polygons:
        for ring in polygon:
            points = [f"{(x - xmin) * kx * scale:.1f},{(ymax - y) * scale:.1f}" for x, y in ring.coords]
            parts.append("M" + " L".join(points) + " Z")
    return " ".join(parts), width, height


# ---------------------------------------------------------------------------------------------------------
# Freshness: one token for everything the profile shows (PDF cache key and ETag)
# ---------------------------------------------------------------------------------------------------------


def profile_version(village: Wilayah) -> str:
    """A token that changes whenever anything the printed profile shows may have changed: the profile row,
    the boundary, the census statistics refresh, IDM results, projects and their updates, the spatial layers
    (ruang's trigger-kept versions) and the carbon factors. A handful of indexed one-row queries."""
    from dusun.hutan.models import FactorTable
    from dusun.indeks.models import Result
    from dusun.rencana.models import Project, ProjectUpdate
    from dusun.ruang.selectors import data_version
    from dusun.warga.models import StatRefresh

    parts = [
        village.kode,
        village.updated_at.isoformat(),
        get_language() or "",
        str(ProfilDusun.objects.filter(wilayah=village).values_list("diperbarui", flat=True).first()),
        str(StatRefresh.objects.aggregate(m=Max("refreshed_at"))["m"]),
        str(Result.objects.filter(dusun=village).aggregate(m=Max("created_at"), n=Max("id"))),
        str(Project.objects.filter(proposal__dusun=village).aggregate(m=Max("updated_at"))["m"]),
        str(ProjectUpdate.objects.filter(project__proposal__dusun=village).aggregate(m=Max("id"))["m"]),
        str(FactorTable.objects.aggregate(m=Max("updated_at"), v=Max("version"))),
        data_version(["tutupan-lahan"]),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]

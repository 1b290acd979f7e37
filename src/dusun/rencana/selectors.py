"""Reads of the planning module."""

import json

from django.db.models import Count, Sum

from dusun.ekonomi.models import SpendingField
from dusun.warga.models import Household, Resident
from dusun.wilayah.models import Level, Wilayah

from .classification import NO_OPD, opd_map, sub_bidang_of_opd
from .models import BudgetCeiling, Issue, Meeting, Project, Proposal, Status

AGREED_OR_LATER = [Status.AGREED, Status.FORWARDED, Status.ACCEPTED, Status.REJECTED]


def in_area(qs, area: Wilayah):
    if area.level == Level.DESA:
        return qs.filter(dusun=area)
    return qs.filter(dusun__kode__startswith=area.kode + ".")


def issues(dusun):
    return Issue.objects.filter(dusun=dusun).prefetch_related("subunits").select_related("road")


def proposals(area, year=None, statuses=None):
    qs = in_area(Proposal.objects.filter(is_current=True), area).select_related("dusun__parent", "meeting")
    if year is not None:
        qs = qs.filter(year=year)
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("year", "dusun__kode", "rank", "pk")


def ranked(dusun, year):
    rows = list(proposals(dusun, year).prefetch_related("issues"))
    return sorted(
        rows, key=lambda p: (p.status in (Status.REJECTED, Status.CARRIED_OVER), p.effective_rank or 9999, p.pk)
    )


def years(area) -> list[int]:
    return sorted(set(in_area(Proposal.objects.filter(is_current=True), area).values_list("year", flat=True)))


def meetings(dusun):
    return Meeting.objects.filter(dusun=dusun)


def totals(qs) -> dict:
    """By bidang and by kecamatan: count and cost."""
    names = dict(SpendingField.choices)
    by_bidang = list(qs.values("bidang").annotate(n=Count("pk"), cost=Sum("cost")).order_by("bidang"))
    for row in by_bidang:
        row["name"] = f"{row['bidang']}. {names.get(row['bidang'], '')}"
    by_kecamatan = list(
        qs.values("dusun__parent__kode", "dusun__parent__nama")
        .annotate(n=Count("pk"), cost=Sum("cost"))
        .order_by("dusun__parent__nama")
    )
    return {"bidang": by_bidang, "kecamatan": by_kecamatan, "cost": qs.aggregate(s=Sum("cost"))["s"] or 0}


def filtered(qs, *, opd: str = "", bidang: str = "", kecamatan: str = ""):
    """The area page's filters: OPD (through the sub-bidang mapping), bidang, kecamatan (kode)."""
    if opd:
        qs = qs.filter(sub_bidang__in=sub_bidang_of_opd(opd))
    if bidang:
        qs = qs.filter(bidang=bidang)
    if kecamatan:
        qs = qs.filter(dusun__parent__kode=kecamatan)
    return qs


def totals_by_opd(qs) -> list[dict]:
    """Per OPD: proposals, of which accepted, beneficiary households, cost and accepted cost, largest cost
    first. Grouped by sub-bidang in the database, then folded into OPD through the mapping."""
    mapping = opd_map()
    out: dict[str, dict] = {}
    rows = qs.values("sub_bidang", "status").annotate(
        n=Count("pk"), cost=Sum("cost"), households=Sum("beneficiary_households")
    )
    for row in rows:
        code, name = mapping.get(row["sub_bidang"], NO_OPD)
        entry = out.setdefault(
            code, {"code": code, "name": name, "n": 0, "accepted": 0, "households": 0, "cost": 0, "accepted_cost": 0}
        )
        entry["n"] += row["n"]
        entry["households"] += row["households"] or 0
        entry["cost"] += row["cost"] or 0
        if row["status"] == Status.ACCEPTED:
            entry["accepted"] += row["n"]
            entry["accepted_cost"] += row["cost"] or 0
    return sorted(out.values(), key=lambda e: (-e["cost"], e["name"]))


def kabupaten_ranking(area, year: int, weights: dict[str, int], **filters) -> list[Proposal]:
    """Proposals forwarded to the kabupaten (and those already accepted) of all villages of the area,
    scored together with the kabupaten's weights — the same transparent score as the village list, but
    compared across villages — and ranked. Scores are computed over the whole forwarded set, so a filter
    (OPD, bidang, kecamatan) shows each proposal with its kabupaten-wide rank and does not change it."""
    from . import priority

    pool = list(proposals(area, year, [Status.FORWARDED, Status.ACCEPTED]))
    cache: dict = {}
    scored = priority.score_all([priority.inputs_for(p, cache) for p in pool], weights)
    for p, (score, reasons) in zip(pool, scored, strict=True):
        p.kab_score, p.kab_reasons = score, reasons
    pool.sort(key=lambda p: (-p.kab_score, p.dusun.kode, p.pk))
    for n, p in enumerate(pool, start=1):
        p.kab_rank = n
    keep = set(
        filtered(proposals(area, year, [Status.FORWARDED, Status.ACCEPTED]), **filters).values_list("pk", flat=True)
    )
    mapping = opd_map()
    out = [p for p in pool if p.pk in keep]
    for p in out:
        p.opd = mapping.get(p.sub_bidang, NO_OPD)
    return out


def ceiling(kabupaten, year):
    row = BudgetCeiling.objects.filter(kabupaten=kabupaten, year=year).first()
    return row.amount if row else None


def features(rows, kind: str) -> str:
    """GeoJSON for the map: no personal data (titles, status, cost, counts only)."""
    out = []
    for r in rows:
        shape = r.proposal if kind == "project" else r
        status = r.kind if kind == "issue" else r.state if kind == "project" else r.status
        out.append(
            {
                "type": "Feature",
                "geometry": json.loads(shape.geom.geojson),
                "properties": {"kind": kind, "title": shape.title, "status": status},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": out})


def projects(area):
    return (
        Project.objects.filter(proposal__in=in_area(Proposal.objects.all(), area))
        .select_related("proposal__dusun__parent")
        .prefetch_related("updates")
    )


def public_projects(area, user) -> list[Project]:
    """Projects of an area as the transparency page shows them: delay flag, latest photo, beneficiary
    households with small counts suppressed ("<5"), and whether this user may manage each one."""
    from dusun.warga.suppression import small_count

    from .services import can_edit_plan, is_delayed

    items = list(projects(area))
    for item in items:
        item.delayed = is_delayed(item)
        item.households_public = small_count(item.proposal.beneficiary_households)
        item.last_photo = next((u for u in reversed(list(item.updates.all())) if u.photo), None)
        item.may_manage = user.is_authenticated and can_edit_plan(user, item.proposal.dusun)
    return items


def profile(dusun) -> dict:
    """Village profile for the documents: area, census counts, latest IDM (aggregates only)."""
    from .evidence import latest_result

    result = latest_result(dusun)
    return {
        "luas_ha": dusun.luas_ha,
        "households": Household.objects.filter(dusun=dusun).count(),
        "persons": Resident.objects.filter(dusun=dusun, status="aktif").count(),
        "idm_year": result.year if result else None,
        "idm_value": result.value if result else None,
        "idm_status": result.status if result else "",
    }

"""Reads of the planning module."""

import json

from django.db.models import Count, Sum

from dusun.ekonomi.models import SpendingField
from dusun.warga.models import Household, Resident
from dusun.wilayah.models import Level, Wilayah

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
    from dusun.warga.suppression import THRESHOLD

    from .services import can_edit_plan, is_delayed

    items = list(projects(area))
    for item in items:
        item.delayed = is_delayed(item)
        n = item.proposal.beneficiary_households
        item.households_public = f"<{THRESHOLD}" if 0 < n < THRESHOLD else str(n)
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

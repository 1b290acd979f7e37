"""Demo planning data (synthetic, flagged `is_demo`, removed in one step): for villages with a demo census,
two problems with data evidence, a musyawarah, and three proposals at different steps of the workflow —
one agreed, one forwarded, one accepted with a project half built. Rows are written directly (there is no
signed-in user); history rows name the actor "demo". Beneficiaries and priorities are computed exactly as
for real proposals."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dusun.warga.models import Household
from dusun.wilayah.models import Level, Wilayah

from . import evidence, services, spatial
from .classification import bidang_of
from .models import Issue, Meeting, Project, Proposal, ProposalEvent, Status

PLAN = [
    # title, sub-bidang, funding, cost, urgency, final status
    ("Sumur bor dan tandon air bersih", "2.4", "dana_desa", Decimal("185000000"), 5, Status.AGREED),
    ("Rabat beton jalan usaha tani", "2.3", "apbd_kabupaten", Decimal("640000000"), 4, Status.ACCEPTED),
    ("Pelatihan pengolahan karet dan sawit", "4.2", "insentif_karbon", Decimal("75000000"), 3, Status.FORWARDED),
]
ORDER = [Status.DRAFT, Status.AGREED, Status.FORWARDED, Status.ACCEPTED]
ACTION = {Status.AGREED: "agree", Status.FORWARDED: "forward", Status.ACCEPTED: "accept"}


def _event(proposal, action, before, after):
    ProposalEvent.objects.create(
        proposal=proposal, action=action, from_status=before, to_status=after, username="demo", reason="(demo)"
    )


@transaction.atomic
def generate(limit: int = 20, year: int | None = None) -> int:
    """Plan data for up to `limit` villages that have demo households with a location; returns villages done."""
    year = year or timezone.localdate().year + 1
    done = 0
    villages = (
        Wilayah.objects.filter(level=Level.DESA, pk__in=Household.objects.filter(is_demo=True).values("dusun"))
        .exclude(pk__in=Issue.objects.filter(is_demo=True).values("dusun"))
        .order_by("kode")
    )
    for dusun in villages[:limit]:
        homes = list(Household.objects.filter(dusun=dusun, is_demo=True, location__isnull=False).order_by("pk")[:2])
        if len(homes) < 2:
            continue
        a, b = homes[0].location, homes[1].location
        if not Wilayah.objects.filter(pk=dusun.pk, geom__covers=a.union(b).convex_hull).exists():
            continue
        road = evidence.bad_roads(dusun).first()
        line = road.geom if road and Wilayah.objects.filter(pk=dusun.pk, geom__covers=road.geom).exists() else None
        water = Issue.objects.create(
            dusun=dusun, kind="masalah", category="air_sanitasi", title="Air bersih sulit di musim kemarau",
            geom=a, census_condition="air_tidak_layak", is_demo=True,
            evidence=evidence.compute(dusun, a, 250, "air_tidak_layak", [], None),
        )  # fmt: skip
        access = Issue.objects.create(
            dusun=dusun, kind="masalah", category="infrastruktur", title="Jalan ke kebun rusak saat hujan",
            geom=line or b, road=road if line else None, is_demo=True,
            evidence=evidence.compute(dusun, line or b, 100, "", [], road if line else None),
        )  # fmt: skip
        meeting = Meeting.objects.create(
            dusun=dusun, year=year, date=dt.date(year - 1, 10, 15), place="Balai desa", is_demo=True,
            minutes="Musyawarah dusun (demo) membahas masalah air bersih, jalan kebun dan usaha karet.",
            attendees_male=28, attendees_female=19,
        )  # fmt: skip
        for (title, sub, funding, cost, urgency, final), geom, issue in zip(
            PLAN, [a, line or b, b], [water, access, access], strict=True
        ):
            buffer_m = spatial.default_buffer(geom)
            households, persons = spatial.beneficiaries(dusun, geom, buffer_m)
            proposal = Proposal.objects.create(
                dusun=dusun, year=year, title=title, bidang=bidang_of(sub), sub_bidang=sub, geom=geom,
                buffer_m=buffer_m, volume=Decimal(1), unit="paket", cost=cost, funding=funding, urgency=urgency,
                beneficiary_households=households, beneficiary_persons=persons, is_demo=True,
            )  # fmt: skip
            proposal.issues.set([issue])
            _event(proposal, "buat", "", Status.DRAFT)
            for before, after in zip(ORDER, ORDER[1 : ORDER.index(final) + 1], strict=False):
                _event(proposal, ACTION[after], before, after)
            Proposal.objects.filter(pk=proposal.pk).update(status=final, meeting=meeting)
            if final == Status.ACCEPTED:
                project = Project.objects.create(
                    proposal=proposal, budget=cost, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31),
                    progress_pct=45, realised=cost * Decimal("0.4"),
                )  # fmt: skip
                project.updates.create(date=timezone.localdate(), progress_pct=45, realised=project.realised,
                                       note="Pondasi dan pemadatan selesai (demo).")  # fmt: skip
        services.recompute_priorities(dusun, year)
        done += 1
    return done


@transaction.atomic
def remove() -> dict[str, int]:
    proposals = Proposal.objects.filter(is_demo=True)
    counts = {"kegiatan": Project.objects.filter(proposal__in=proposals).delete()[0]}
    # Newer versions point at older ones (PROTECT): delete from the newest.
    counts["usulan"] = 0
    for proposal in proposals.order_by("-version", "-pk"):
        proposal.delete()
        counts["usulan"] += 1
    counts["musyawarah"] = Meeting.objects.filter(is_demo=True).delete()[0]
    counts["masalah"] = Issue.objects.filter(is_demo=True).delete()[0]
    return counts

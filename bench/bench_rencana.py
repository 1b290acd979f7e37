"""Development planning: beneficiary counts and the RKPDes documents.

1. Beneficiaries of a 2 km road proposal (100 m reach) in a village with 5,000 census households (Bungo's
   largest villages have about 2,000): the geodesic `ST_DWithin` count of households and residents;
   target ≤ 100 ms. Reference: `count(*)` of the same village's households, in the same run.
2. The RKPDes of a village with 40 agreed proposals as PDF (WeasyPrint); target ≤ 3 s. Reference: the
   same document as DOCX.
3. The kabupaten's Usulan musrenbang page (totals by OPD, cross-village ranking with reasons, buttons) with
   300 forwarded proposals from 60 villages, as Bappeda; target ≤ 2 s. Reference: the same page for a year
   without proposals (the page's fixed cost: outline, filters), in the same run.

Everything is created inside one transaction that is rolled back: the development database is left as it
was. Needs the Bungo reference data (`manage.py load_wilayah`).
"""

import datetime as dt
from decimal import Decimal

from django.contrib.gis.geos import LineString, Point
from django.db import transaction

from bench.timing import ms, p50, timed

HOUSEHOLDS = 5000
VILLAGE = "15.08.14.2009"


class Rollback(Exception):
    pass


def run() -> list[str]:
    lines: list[str] = []
    try:
        with transaction.atomic():
            lines += _run()
            raise Rollback
    except Rollback:
        pass
    return lines


def _run() -> list[str]:
    import random

    from dusun.akun.models import Role, User
    from dusun.akun.services import assign_role
    from dusun.rencana import documents, services, spatial
    from dusun.warga.models import Household, Resident
    from dusun.wilayah.models import Wilayah

    dusun = Wilayah.objects.get(kode=VILLAGE)
    c = dusun.geom.point_on_surface
    rng = random.Random(42)
    households = Household.objects.bulk_create(
        Household(
            dusun=dusun,
            kk_number=f"99{n:014d}",
            location=Point(c.x + rng.uniform(-0.02, 0.02), c.y + rng.uniform(-0.02, 0.02), srid=4326),
        )
        for n in range(HOUSEHOLDS)
    )
    Resident.objects.bulk_create(
        Resident(
            household=h,
            dusun=dusun,
            nik=f"98{n:010d}{m:04d}",
            name="x",
            sex="L",
            birth_date=dt.date(1990, 1, 1),
            relationship="kepala",
        )  # fmt: skip
        for n, h in enumerate(households)
        for m in range(3)
    )
    line = LineString((c.x - 0.009, c.y), (c.x + 0.009, c.y), srid=4326)
    count = timed(lambda: spatial.beneficiaries(dusun, line, 100), repeat=7)
    reference = timed(lambda: Household.objects.filter(dusun=dusun).count(), repeat=7)
    found = spatial.beneficiaries(dusun, line, 100)

    user = User.objects.create_user("bench_rencana_op")
    assign_role(user, Role.OPERATOR, dusun)
    meeting = services.save_meeting(user, dusun, year=2031, date=dt.date(2030, 11, 1), place="Balai",
                                    minutes="Bench.", attendees_male=10, attendees_female=10)  # fmt: skip
    for i in range(40):
        p = services.save_proposal(
            user,
            dusun,
            {"year": 2031, "title": f"Kegiatan {i}", "description": "", "sub_bidang": "2.3",
             "location": Point(c.x + i * 0.0002, c.y, srid=4326).geojson, "buffer_m": 200, "volume": Decimal(1),
             "unit": "paket", "cost": Decimal(10_000_000 + i), "funding": "dana_desa", "urgency": 3,
             "issues": [], "idm_items": []},
        )  # fmt: skip
        services.agree(user, p, meeting)
    doc = documents.rkpdes(dusun, 2031)
    pdf = timed(lambda: documents.to_pdf(doc), repeat=3)
    docx = timed(lambda: documents.to_docx(doc), repeat=3)
    page, empty, shown, n_villages = _kabupaten_page(user)
    return [
        f"beneficiaries of a 2 km line among {HOUSEHOLDS} households ({found[0]} KK, {found[1]} jiwa): "
        f"p50 {ms(p50(count))} (target ≤ 100 ms); reference count(*) {ms(p50(reference))}; "
        f"ratio {p50(count) / p50(reference):.1f}×",
        f"RKPDes PDF, 40 proposals: p50 {ms(p50(pdf))} (target ≤ 3000 ms); reference DOCX {ms(p50(docx))}; "
        f"ratio {p50(pdf) / p50(docx):.1f}×",
        f"kabupaten page, {shown} forwarded proposals from {n_villages} villages ranked and totalled by OPD: "
        f"p50 {ms(p50(page))} (target ≤ 2000 ms); reference same page, empty year {ms(p50(empty))}; "
        f"ratio {p50(page) / p50(empty):.1f}×",
    ]


def _kabupaten_page(operator):
    """Forwarded proposals written directly (the workflow's cost is not what is measured here)."""
    from django.test import Client

    from dusun.akun.models import Role, User
    from dusun.akun.services import assign_role
    from dusun.rencana.classification import sub_bidang
    from dusun.rencana.models import Proposal, Status
    from dusun.wilayah.models import Level, Wilayah

    codes = [c for c in sub_bidang() if not c.startswith("1.")]
    villages = list(Wilayah.objects.filter(level=Level.DESA, kode__startswith="15.08.").order_by("kode")[:60])
    rows = []
    for i in range(300):
        village = villages[i % len(villages)]
        rows.append(
            Proposal(
                dusun=village,
                year=2032,
                title=f"Usulan {i}",
                bidang=codes[i % len(codes)][0],
                sub_bidang=codes[i % len(codes)],
                geom=village.geom.point_on_surface,
                buffer_m=250,
                volume=Decimal(1),
                unit="paket",
                cost=Decimal(50_000_000 + i * 1000),
                funding="apbd_kabupaten",
                urgency=1 + i % 5,
                beneficiary_households=i % 40,
                beneficiary_persons=(i % 40) * 4,
                status=Status.FORWARDED,
                created_by=operator,
            )  # fmt: skip
        )
    Proposal.objects.bulk_create(rows)
    bappeda = User.objects.create_user("bench_rencana_bappeda")
    assign_role(bappeda, Role.KABUPATEN, Wilayah.objects.get(kode="15.08"))
    client = Client(HTTP_HOST="localhost")
    client.force_login(bappeda)
    url = "/rencana/wilayah/15.08/?tahun=2032"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    shown = response.content.decode().count('data-rank="')
    page = timed(lambda: client.get(url), repeat=3)
    empty = timed(lambda: client.get("/rencana/wilayah/15.08/?tahun=2033"), repeat=3)
    return page, empty, shown, len(villages)

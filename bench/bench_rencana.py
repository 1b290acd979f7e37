"""Development planning: beneficiary counts and the RKPDes documents.

1. Beneficiaries of a 2 km road proposal (100 m reach) in a village with 5,000 census households (Bungo's
   largest villages have about 2,000): the geodesic `ST_DWithin` count of households and residents;
   target ≤ 100 ms. Reference: `count(*)` of the same village's households, in the same run.
2. The RKPDes of a village with 40 agreed proposals as PDF (WeasyPrint); target ≤ 3 s. Reference: the
   same document as DOCX.

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
    return [
        f"beneficiaries of a 2 km line among {HOUSEHOLDS} households ({found[0]} KK, {found[1]} jiwa): "
        f"p50 {ms(p50(count))} (target ≤ 100 ms); reference count(*) {ms(p50(reference))}; "
        f"ratio {p50(count) / p50(reference):.1f}×",
        f"RKPDes PDF, 40 proposals: p50 {ms(p50(pdf))} (target ≤ 3000 ms); reference DOCX {ms(p50(docx))}; "
        f"ratio {p50(pdf) / p50(docx):.1f}×",
    ]

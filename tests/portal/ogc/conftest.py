"""A small world for the OGC API tests: 25 facilities in two dusun of Bathin III Ulu (more than one page
when the page size is lowered), land cover in two snapshots, hazards with event dates. Every feature
carries what must never be published (who entered it, the demo flag, an internal note), so the privacy
tests can look for it."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from dusun.ruang.models import Facility, Hazard, LandCover, LandCoverSnapshot, Legend
from dusun.wilayah.models import Wilayah

TELANG, BERINGIN, KECAMATAN = "15.08.14.2009", "15.08.14.2008", "15.08.14"
SECRET_NOTE = "CATATAN-INTERNAL-RAHASIA-UJI"
SECRET_USER = "operator_rahasia_uji"


def square(village: Wilayah, size: float, shift: float = 0.0) -> MultiPolygon:
    c = village.geom.point_on_surface
    x, y = c.x + shift, c.y
    return MultiPolygon(Polygon(((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))), srid=4326)


@pytest.fixture
def ogc_world(reference_data):
    user = get_user_model().objects.create_user(username=SECRET_USER, password="x-Uji-12345")
    telang = Wilayah.objects.get(kode=TELANG)
    beringin = Wilayah.objects.get(kode=BERINGIN)
    private = {"created_by": user, "is_demo": True, "note": SECRET_NOTE}
    dates = [dt.date(2019, 6, 1), dt.date(2021, 3, 15), None]
    p = telang.geom.point_on_surface
    for i in range(23):
        Facility.objects.create(
            dusun=telang,
            kind="sd" if i % 2 else "posyandu",
            name=f"Fasilitas Uji {i}",
            survey_date=dates[i % 3],
            geom=Point(p.x + i * 1e-4, p.y, srid=4326),
            **private,
        )
    q = beringin.geom.point_on_surface
    for i in range(2):
        Facility.objects.create(dusun=beringin, kind="masjid", geom=Point(q.x, q.y + i * 1e-4, srid=4326), **private)

    legend = Legend.objects.get(code="icraf-bungo")
    klass = legend.classes.order_by("code").first()
    snapshots = {}
    for year in (2010, 2020):
        snapshots[year] = LandCoverSnapshot.objects.create(year=year, legend=legend, name=f"Uji {year}")
        for i in range(3):
            LandCover.objects.create(
                dusun=telang,
                snapshot=snapshots[year],
                klass=klass,
                geom=square(telang, 0.001, shift=i * 0.002),
                area_ha=12.5,
                **private,
            )
    Hazard.objects.create(
        dusun=telang, kind="banjir", observed_on=dt.date(2020, 12, 1), geom=Point(p.x, p.y, srid=4326), **private
    )
    Hazard.objects.create(
        dusun=beringin, kind="peti", observed_on=dt.date(2023, 5, 2), geom=square(beringin, 0.001), **private
    )
    return {"telang": telang, "beringin": beringin, "user": user, "klass": klass, "snapshots": snapshots}

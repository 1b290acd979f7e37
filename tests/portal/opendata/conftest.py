"""A small, hand-countable world for the open-data tests: a census in two dusun of Bathin III Ulu (one big
enough to publish, one so small it is suppressed), two facilities, one enterprise, a road and a land-cover
snapshot in Sungai Telang, and the official IDM results. The seeded residents' names, NIKs and KK numbers
are what the privacy tests search every download for."""

import datetime as dt

import pytest
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Polygon
from django.core.management import call_command

from dusun.ekonomi.models import Enterprise
from dusun.ruang.models import Facility, LandCover, LandCoverSnapshot, Legend, LineFeature
from dusun.warga import statistics
from dusun.warga.models import Household, Resident
from dusun.wilayah.models import Wilayah

TELANG, BERINGIN, KECAMATAN = "15.08.14.2009", "15.08.14.2008", "15.08.14"
SECRET_NAME = "Rahmawati Sukaresmi Ujicoba"
SECRET_NIK = "1508145501900001"
SECRET_KK = "1508140101900001"


def _residents(village: Wilayah, households: int, per_household: int, seq0: int, named: bool = False) -> None:
    for h in range(households):
        kk = SECRET_KK if named and h == 0 else f"15081401019{seq0 + h:05d}"
        household = Household.objects.create(dusun=village, kk_number=kk, address="Jalan Rahasia Uji 1")
        for r in range(per_household):
            first = named and h == 0 and r == 0
            Resident.objects.create(
                household=household,
                dusun=village,
                nik=SECRET_NIK if first else f"1508140101{seq0 + h:04d}{r:02d}",
                name=SECRET_NAME if first else f"Warga Uji {seq0 + h}-{r}",
                sex="P" if r % 2 else "L",
                birth_date=dt.date(1980 + r, 1, 1),
                relationship="kepala" if r == 0 else "anak",
            )


def _square(village: Wilayah, size: float) -> MultiPolygon:
    centre = village.geom.point_on_surface
    x, y = centre.x, centre.y
    return MultiPolygon(Polygon(((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))), srid=4326)


@pytest.fixture
def world(db, reference_data):
    telang = Wilayah.objects.get(kode=TELANG)
    beringin = Wilayah.objects.get(kode=BERINGIN)
    _residents(telang, households=6, per_household=2, seq0=100, named=True)  # 12 residents, 6 households
    _residents(beringin, households=1, per_household=3, seq0=200)  # 3 residents: suppressed
    statistics.refresh()

    Facility.objects.create(dusun=telang, kind="sd", name="SD Uji", geom=telang.geom.point_on_surface)
    Facility.objects.create(dusun=telang, kind="pustu", name="Pustu Uji", geom=telang.geom.point_on_surface)
    Enterprise.objects.create(dusun=telang, name="Usaha Keluarga Rahmawati", kind="umkm", sector="jasa")
    Enterprise.objects.create(dusun=telang, name="Usaha Tutup", kind="umkm", sector="jasa", active=False)
    p = telang.geom.point_on_surface
    LineFeature.objects.create(
        dusun=telang,
        kind="jalan",
        geom=MultiLineString(LineString((p.x, p.y), (p.x + 0.01, p.y)), srid=4326),
        length_m=1500,
    )
    legend = Legend.objects.get(code="icraf-bungo")
    forest = legend.classes.filter(natural_forest=True).order_by("code").first()
    other = legend.classes.filter(natural_forest=False, forest_category="non-hutan").order_by("code").first()
    snapshot = LandCoverSnapshot.objects.create(year=2020, legend=legend, name="Uji 2020")
    LandCover.objects.create(dusun=telang, snapshot=snapshot, klass=forest, geom=_square(telang, 0.001), area_ha=30)
    LandCover.objects.create(dusun=telang, snapshot=snapshot, klass=other, geom=_square(telang, 0.002), area_ha=70)
    call_command("load_idm", verbosity=0)
    return {"telang": telang, "beringin": beringin, "forest": forest, "other": other, "snapshot": snapshot}

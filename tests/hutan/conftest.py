"""Hand-made land cover for the hutan tests: squares of known classes in Sungai Telang, two snapshots."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from dusun.hutan import services
from dusun.ruang.models import LandCover, LandCoverSnapshot, Legend, LegendClass
from dusun.wilayah.models import Wilayah

X0, Y0, D = 101.75, -1.72, 0.01  # about 1.1 km squares


def square(x: float, y: float, w: float = D, h: float = D) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((x, y, x + w, y + h)), srid=4326)


def add_polygon(snapshot, village, klass, geom) -> LandCover:
    with connection.cursor() as cursor:
        cursor.execute("SELECT round((ST_Area(%s::geography) / 10000)::numeric, 4)", [geom.ewkt])
        area = cursor.fetchone()[0]
    return LandCover.objects.create(snapshot=snapshot, dusun=village, klass=klass, geom=geom, area_ha=area)


@dataclass
class Hand:
    village: Wilayah
    first: LandCoverSnapshot
    second: LandCoverSnapshot
    forest: LegendClass
    rubber: LegendClass
    palm: LegendClass
    p1: LandCover  # forest → oil palm (same outline)
    p2: LandCover  # rubber; only its western half is mapped in the second snapshot
    q2: LandCover


@pytest.fixture
def hand(reference_data) -> Hand:
    legend = Legend.objects.get(code="icraf-bungo")
    classes = {k.name_en: k for k in LegendClass.objects.filter(legend=legend)}
    forest, rubber, palm = classes["Primary Forest"], classes["Rubber Monoculture"], classes["Oil Palm"]
    village = Wilayah.objects.get(kode="15.08.14.2009")
    first = LandCoverSnapshot.objects.create(year=2010, legend=legend, name="Uji 2010")
    second = LandCoverSnapshot.objects.create(year=2020, legend=legend, name="Uji 2020")
    p1 = add_polygon(first, village, forest, square(X0, Y0))
    p2 = add_polygon(first, village, rubber, square(X0 + D, Y0))
    add_polygon(second, village, palm, square(X0, Y0))
    q2 = add_polygon(second, village, rubber, square(X0 + D, Y0, w=D / 2))
    return Hand(village, first, second, forest, rubber, palm, p1, p2, q2)


@pytest.fixture
def factor_table(reference_data):
    return services.seed_default_factor_table()


def factor(table, klass) -> Decimal:
    return table.factors.get(klass=klass).tc_ha

"""Areas are geodesic (WGS 84 ellipsoid), checked against pyproj's Geod and the research test vector."""

from decimal import Decimal

import pytest
from django.db import connection
from pyproj import Geod

from dusun.geo import GeodesicAreaHa
from dusun.wilayah.models import Wilayah


def pyproj_area_ha(multipolygon) -> float:
    geod = Geod(ellps="WGS84")
    total = 0.0
    for polygon in multipolygon:
        for index, ring in enumerate(polygon):
            lons, lats = zip(*ring.coords, strict=True)
            area, _ = geod.polygon_area_perimeter(lons, lats)
            total += abs(area) * (1 if index == 0 else -1)  # holes subtract
    return total / 10_000


def test_postgis_reproduces_the_research_test_vector(db):
    # shared research §5.4: the 1°×1° square at the equator is 12308778361.469454 m² on the ellipsoid.
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4326)::geography)")
        assert cursor.fetchone()[0] == pytest.approx(12308778361.469454, rel=1e-12)


@pytest.mark.parametrize("kode", ["15.08.14.2009", "15.08.14.2008", "15.08"])
def test_stored_area_is_ellipsoidal_not_utm(reference_data, kode):
    area = Wilayah.objects.annotate(live=GeodesicAreaHa("geom")).get(kode=kode)
    assert float(area.luas_ha) == pytest.approx(pyproj_area_ha(area.geom), abs=0.01)
    assert float(area.luas_ha) == pytest.approx(area.live, abs=0.005)

    # A single UTM zone (47S) over-states Bungo's hectares by ~0.15–0.25 %: the stored area must not be that.
    utm = area.geom.transform(32747, clone=True)
    assert utm.area / 10_000 > float(area.luas_ha) * 1.001


def test_research_reference_areas(reference_data):
    # landcover-carbon.md §5.2: Lubuk Beringin 2,360.7 ha, Sungai Telang 15,580.0 ha, Bungo 476,665.6 ha.
    assert Wilayah.objects.get(kode="15.08.14.2008").luas_ha.quantize(Decimal("0.1")) == Decimal("2360.7")
    assert Wilayah.objects.get(kode="15.08.14.2009").luas_ha.quantize(Decimal("0.1")) == Decimal("15580.0")
    assert Wilayah.objects.get(kode="15.08").luas_ha.quantize(Decimal("0.1")) == Decimal("476665.6")

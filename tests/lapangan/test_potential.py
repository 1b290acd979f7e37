"""The potential survey: geopoint, geotrace and geoshape answers become point, line and polygon features
of the village map (geodesic measures by the ruang services) after review."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dusun.lapangan import services
from dusun.lapangan.models import Kiriman
from dusun.ruang.models import Potential

from .conftest import potential_xml


def _ring(telang, size: float = 0.001, close: bool = True) -> list[tuple[float, float]]:
    c = telang.geom.point_on_surface
    ring = [(c.y, c.x), (c.y, c.x + size), (c.y + size, c.x + size), (c.y + size, c.x)]
    return ring + [ring[0]] if close else ring


def _odk(points) -> str:
    return ";".join(f"{lat} {lon} 0 5" for lat, lon in points)


def _approve(device, user, xml) -> Kiriman:
    assert device.submit(xml).status_code == 201
    kiriman = Kiriman.objects.latest("received_at")
    services.approve(user, kiriman)
    return kiriman


@pytest.mark.parametrize("close", [True, False])
def test_geoshape_becomes_a_polygon(device, users, telang, close):
    _approve(device, users["op_a"], potential_xml(shape="area", value=_odk(_ring(telang, close=close))))
    feature = Potential.objects.get()
    assert feature.geom.geom_type == "Polygon" and feature.geom.num_coords == 5
    assert feature.kind == "lubuk_larangan" and feature.description == "dijaga adat"
    assert feature.geom.valid


def test_geotrace_and_geopoint(device, users, telang):
    ring = _ring(telang)
    _approve(device, users["op_a"], potential_xml(shape="garis", value=_odk(ring[:3])))
    _approve(device, users["op_a"], potential_xml(shape="titik", value=_odk(ring[:1]), kind="mata_air"))
    assert set(Potential.objects.values_list("kind", flat=True)) == {"lubuk_larangan", "mata_air"}
    assert [p.geom.geom_type for p in Potential.objects.order_by("pk")] == ["LineString", "Point"]


def test_shape_with_too_few_points_is_refused(device, users, telang):
    xml = potential_xml(shape="area", value=_odk(_ring(telang)[:2]))
    assert device.submit(xml).status_code == 201
    with pytest.raises(ValidationError):
        services.approve(users["op_a"], Kiriman.objects.get())
    assert not Potential.objects.exists()
    assert Kiriman.objects.get().status == Kiriman.Status.PENDING


def test_review_page_summarises_the_geometry(client, device, users, telang):
    assert device.submit(potential_xml(shape="area", value=_odk(_ring(telang)))).status_code == 201
    client.force_login(users["op_a"])
    html = client.get(reverse("lapangan:detail", args=[Kiriman.objects.get().uuid])).content.decode()
    assert "Polygon, 5 titik" in html and "Lubuk larangan" in html

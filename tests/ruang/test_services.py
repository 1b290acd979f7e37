"""Feature writes: scope-checked, geodesic measures kept in step, every change in the history."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.ruang import services
from dusun.ruang.layers import LAYERS
from dusun.ruang.models import FacilityKind, FeatureRevision, LandCoverSnapshot, Legend, LineKind
from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point


@pytest.fixture
def telang(reference_data):
    return Wilayah.objects.get(kode="15.08.14.2009")


@pytest.fixture
def operator(telang):
    user = User.objects.create_user("op-telang", password="rahasia-sekali-123")
    assign_role(user, Role.OPERATOR, telang)
    return user


def square_at(lon, lat, size=0.001):
    return Polygon(((lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size), (lon, lat)), srid=4326)


def test_land_cover_polygon_gets_its_geodesic_area_and_a_revision(telang, operator):
    legend = Legend.objects.get(code="icraf-bungo")
    snapshot = LandCoverSnapshot.objects.create(year=2020, legend=legend, name="Uji")
    lon, lat = label_point(telang)
    polygon = services.create_feature(
        LAYERS["tutupan-lahan"],
        user=operator,
        dusun=telang,
        geom=square_at(lon, lat),
        attributes={"snapshot": snapshot, "klass": legend.classes.get(code="10")},
    )
    assert polygon.geom.geom_type == "MultiPolygon"  # promoted
    assert Decimal("1.22") < polygon.area_ha < Decimal("1.24")  # ≈ 111 m × 111 m near the equator
    revision = FeatureRevision.objects.get(layer="tutupan-lahan", feature_id=polygon.pk)
    assert revision.action == "create" and revision.user == operator
    assert revision.data["geometry"]["type"] == "MultiPolygon"


def test_road_length_is_geodesic(telang, operator):
    lon, lat = label_point(telang)
    road = services.create_feature(
        LAYERS["jaringan"],
        user=operator,
        dusun=telang,
        geom=LineString((lon, lat), (lon + 0.01, lat), srid=4326),
        attributes={"kind": LineKind.JALAN, "surface": "tanah", "condition": "rusak_berat"},
    )
    assert Decimal("1110") < road.length_m < Decimal("1114")


def test_update_and_delete_are_recorded(telang, operator):
    lon, lat = label_point(telang)
    spec = LAYERS["fasilitas"]
    school = services.create_feature(
        spec,
        user=operator,
        dusun=telang,
        geom=Point(lon, lat, srid=4326),
        attributes={"kind": FacilityKind.SD, "name": "SD 1"},
    )
    services.update_feature(spec, school, user=operator, attributes={"name": "SDN 101"})
    school_id = school.pk
    services.delete_feature(spec, school, user=operator)
    actions = list(
        FeatureRevision.objects.filter(layer="fasilitas", feature_id=school_id)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


def test_operator_of_another_village_cannot_edit(telang, operator):
    other = User.objects.create_user("op-beringin", password="rahasia-sekali-123")
    assign_role(other, Role.OPERATOR, Wilayah.objects.get(kode="15.08.14.2008"))
    lon, lat = label_point(telang)
    spec = LAYERS["fasilitas"]
    with pytest.raises(PermissionDenied):
        services.create_feature(
            spec, user=other, dusun=telang, geom=Point(lon, lat, srid=4326), attributes={"kind": FacilityKind.SD}
        )
    school = services.create_feature(
        spec, user=operator, dusun=telang, geom=Point(lon, lat, srid=4326), attributes={"kind": FacilityKind.SD}
    )
    with pytest.raises(PermissionDenied):
        services.update_feature(spec, school, user=other, attributes={"name": "diambil alih"})


@pytest.mark.parametrize(
    ("layer", "geom", "message"),
    [
        ("fasilitas", LineString((101.8, -1.4), (101.9, -1.4), srid=4326), "menerima Point"),
        ("fasilitas", Point(106.8, -6.2, srid=4326), "di luar batas"),  # Jakarta
        (
            "tutupan-lahan",
            Polygon(((101.8, -1.4), (101.9, -1.3), (101.9, -1.4), (101.8, -1.3), (101.8, -1.4)), srid=4326),
            "tidak sah",
        ),
    ],
)
def test_bad_geometry_is_refused_with_a_message(telang, operator, layer, geom, message):
    with pytest.raises(ValidationError, match=message):
        services.create_feature(LAYERS[layer], user=operator, dusun=telang, geom=geom, attributes={"kind": "sd"})


def test_land_cover_class_must_belong_to_the_snapshots_legend(telang, operator):
    icraf = Legend.objects.get(code="icraf-bungo")
    klhk_class = Legend.objects.get(code="klhk-23").classes.first()
    snapshot = LandCoverSnapshot.objects.create(year=2021, legend=icraf, name="Uji legenda")
    lon, lat = label_point(telang)
    with pytest.raises(ValidationError) as refused:
        services.create_feature(
            LAYERS["tutupan-lahan"],
            user=operator,
            dusun=telang,
            geom=square_at(lon, lat),
            attributes={"snapshot": snapshot, "klass": klhk_class},
        )
    assert "klass" in refused.value.message_dict
    assert not FeatureRevision.objects.filter(layer="tutupan-lahan").exists()

"""Fixtures for the feature editor and its API: villages, users of every role, a land-cover snapshot."""

import json

import pytest
from django.contrib.gis.geos import Polygon
from django.test import Client

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.ruang.models import LandCoverSnapshot, Legend
from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point

PASSWORD = "rahasia-sekali-123"
TELANG = "15.08.14.2009"  # Sungai Telang
BERINGIN = "15.08.14.2008"  # a neighbour in the same kecamatan


@pytest.fixture
def telang(reference_data):
    return Wilayah.objects.get(kode=TELANG)


@pytest.fixture
def beringin(reference_data):
    return Wilayah.objects.get(kode=BERINGIN)


def make_user(username: str, role: Role, area: Wilayah) -> User:
    user = User.objects.create_user(username, password=PASSWORD)
    assign_role(user, role, area)
    return user


@pytest.fixture
def operator(telang):
    return make_user("op-telang", Role.OPERATOR, telang)


@pytest.fixture
def other_operator(beringin):
    return make_user("op-beringin", Role.OPERATOR, beringin)


@pytest.fixture
def kecamatan_staff(telang):
    return make_user("staf-kecamatan", Role.KECAMATAN, telang.parent)


@pytest.fixture
def kabupaten_admin(telang):
    return make_user("admin-bungo", Role.KABUPATEN, telang.parent.parent)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def snapshot(reference_data):
    legend = Legend.objects.get(code="icraf-bungo")
    return LandCoverSnapshot.objects.create(year=2024, legend=legend, name="Pemetaan partisipatif")


@pytest.fixture
def inside(telang):
    """A point guaranteed inside Sungai Telang."""
    return label_point(telang)


def square(lon, lat, size=0.001):
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def square_geos(lon, lat, size=0.001):
    return Polygon(square(lon, lat, size)[0], srid=4326)


def feature(geometry, **properties) -> str:
    return json.dumps({"type": "Feature", "geometry": geometry, "properties": properties})

"""Fixtures for the planning tests: users with roles, a small census placed inside Sungai Telang."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.warga.models import Household, Resident
from dusun.wilayah.models import Wilayah

TELANG, BERINGIN = "15.08.14.2009", "15.08.14.2008"
KECAMATAN, KABUPATEN = "15.08.14", "15.08"


PASSWORD = "rahasia-sekali-123"


def make_user(username, role=None, kode=None):
    user = User.objects.create_user(username, password=PASSWORD)
    if role:
        assign_role(user, role, Wilayah.objects.get(kode=kode))
    return user


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def telang(reference_data):
    return Wilayah.objects.get(kode=TELANG)


@pytest.fixture
def users(reference_data):
    return {
        "operator": make_user("op_telang", Role.OPERATOR, TELANG),
        "other_operator": make_user("op_beringin", Role.OPERATOR, BERINGIN),
        "kecamatan": make_user("camat", Role.KECAMATAN, KECAMATAN),
        "other_kecamatan": make_user("camat_lain", Role.KECAMATAN, "15.08.01"),
        "kabupaten": make_user("bappeda", Role.KABUPATEN, KABUPATEN),
        "superuser": User.objects.create_superuser("root", password=PASSWORD),
    }


def centre(dusun) -> Point:
    return dusun.geom.point_on_surface


def add_household(dusun, n: int, lon: float, lat: float, members: int = 3, **fields) -> Household:
    household = Household.objects.create(
        dusun=dusun, kk_number=f"15081420{n:08d}", location=Point(lon, lat, srid=4326), **fields
    )
    for m in range(members):
        Resident.objects.create(
            household=household,
            dusun=dusun,
            nik=f"150814{n:06d}{m:04d}",
            name=f"Warga {n}-{m}",
            sex="L" if m % 2 else "P",
            birth_date=dt.date(1980 + m, 1, 1),
            relationship="kepala" if m == 0 else "anak",
        )
    return household


@pytest.fixture
def census(telang):
    """Twelve households on a grid around a point inside the village, ~55 m apart."""
    c = centre(telang)
    out = []
    for i in range(4):
        for j in range(3):
            out.append(
                add_household(
                    telang, i * 3 + j, c.x + (i - 1.5) * 0.0005, c.y + (j - 1) * 0.0005, members=2 + (i + j) % 3
                )
            )
    return out

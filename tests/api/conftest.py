"""Fixtures of the REST API tests: users in roles with API tokens, and a small world of data (two land-cover
snapshots in Sungai Telang, the small synthetic census of Bathin III Ulu, IDM results, a few projects) so
that the endpoints answer real bodies."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import call_command
from django.db import connection

from dusun.akun import tokens
from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.wilayah.models import Wilayah

TELANG, BERINGIN, KECAMATAN, KABUPATEN = "15.08.14.2009", "15.08.14.2008", "15.08.14", "15.08"
X0, Y0, D = 101.75, -1.72, 0.01  # ≈ 1.1 km squares inside Sungai Telang


def make_user(username: str, role: Role | None = None, kode: str | None = None, **extra) -> User:
    user = User.objects.create_user(username, password="rahasia-sekali-123", **extra)
    if role is not None:
        assign_role(user, role, Wilayah.objects.get(kode=kode))
    return user


@pytest.fixture
def users(reference_data) -> dict[str, User]:
    return {
        "op_a": make_user("op_telang", Role.OPERATOR, TELANG),
        "op_b": make_user("op_beringin", Role.OPERATOR, BERINGIN),
        "camat": make_user("camat_bathin", Role.KECAMATAN, KECAMATAN),
        "admin": make_user("bappeda", Role.KABUPATEN, KABUPATEN),
        "nobody": make_user("tanpa_peran"),
    }


@pytest.fixture
def keys(users) -> dict[str, str]:
    """One API key per user (the plain key, as the token page shows it once)."""
    return {name: tokens.create_token(user, f"uji {name}")[1] for name, user in users.items()}


def _square(x: float, y: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((x, y, x + D, y + D)), srid=4326)


def _add_polygon(snapshot, village, klass, geom):
    from dusun.ruang.models import LandCover

    with connection.cursor() as cursor:
        cursor.execute("SELECT round((ST_Area(%s::geography) / 10000)::numeric, 4)", [geom.ewkt])
        area = cursor.fetchone()[0]
    return LandCover.objects.create(snapshot=snapshot, dusun=village, klass=klass, geom=geom, area_ha=area)


def seed_world() -> None:
    """Land cover (2010: forest + rubber; 2020: oil palm + rubber), carbon factors, census, IDM, projects."""
    from dusun.hutan import services as hutan_services
    from dusun.indeks.models import IndexDefinition
    from dusun.rencana import demo as rencana_demo
    from dusun.ruang.models import LandCoverSnapshot, Legend, LegendClass
    from dusun.warga import demo as warga_demo
    from dusun.warga import statistics

    legend = Legend.objects.get(code="icraf-bungo")
    classes = {k.name_en: k for k in LegendClass.objects.filter(legend=legend)}
    village = Wilayah.objects.get(kode=TELANG)
    first = LandCoverSnapshot.objects.create(year=2010, legend=legend, name="Uji 2010")
    second = LandCoverSnapshot.objects.create(year=2020, legend=legend, name="Uji 2020")
    _add_polygon(first, village, classes["Primary Forest"], _square(X0, Y0))
    _add_polygon(first, village, classes["Rubber Monoculture"], _square(X0 + D, Y0))
    _add_polygon(second, village, classes["Oil Palm"], _square(X0, Y0))
    _add_polygon(second, village, classes["Rubber Monoculture"], _square(X0 + D, Y0))
    hutan_services.seed_default_factor_table()
    warga_demo.generate(seed=7, scale="small")
    statistics.refresh()
    rencana_demo.generate(limit=2)
    if not IndexDefinition.objects.filter(code="idm-2016").exists():
        call_command("load_idm", verbosity=0)


@pytest.fixture
def world(reference_data):
    seed_world()
    return Wilayah.objects.get(kode=TELANG)

"""Fixtures of the map, tiles and statistics tests.

`demo_small` generates the small demo (three villages, a few thousand features) once per test module,
inside a transaction that is rolled back when the module ends, so the tests of other modules never see
it; each test runs in a savepoint inside that transaction, as pytest-django does for every test.
"""

import math

import pytest
from django.core.management import call_command
from django.db import transaction

from dusun.ruang.demo import SMALL_VILLAGES, generate_demo_data
from dusun.ruang.tiles import tile_cache
from dusun.wilayah.models import Wilayah

UPLAND, TRANSMIGRATION, URBAN = SMALL_VILLAGES  # Lubuk Beringin, Sumber Mulya, Tanjung Gedang


def ensure_reference_data() -> None:
    """Browser tests flush the database when they end; reload what the demo needs."""
    if not Wilayah.objects.filter(kode="15.08").exists():
        call_command("load_wilayah", verbosity=0)
        call_command("load_legends", verbosity=0)


@pytest.fixture(scope="module")
def demo_small(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_reference_data()
            yield generate_demo_data(seed=7, scale="small")
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_small, db):
    """The module's demo data, for a test running in its own savepoint."""
    tile_cache().clear()
    return demo_small


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ (web mercator) tile containing a point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y

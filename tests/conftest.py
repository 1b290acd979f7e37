"""Shared fixtures. Tests run against a real PostGIS test database (no mocks).

The Bungo reference data is loaded once when the test database is created. Tests that need a truly
committed database (browser tests through `live_server`) flush it when they end, so `reference_data`
reloads it whenever it finds the table empty.
"""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from dusun.wilayah.models import Wilayah
from dusun.wilayah.reference import DEFAULT_DATASET


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_wilayah", verbosity=0)
        call_command("load_legends", verbosity=0)


@pytest.fixture
def reference_data(db):
    if not Wilayah.objects.filter(kode="15.08").exists():
        call_command("load_wilayah", verbosity=0)
        call_command("load_legends", verbosity=0)
    return Wilayah.objects.get(kode="15.08")


@pytest.fixture
def dataset_copy(tmp_path) -> Path:
    """A writable copy of the shipped Bungo dataset, for tests that edit or break files."""
    target = tmp_path / "bungo"
    shutil.copytree(DEFAULT_DATASET, target)
    return target

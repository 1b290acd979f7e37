"""Fixtures for the index tests: the IDM definition and the 44 official Bungo records, users with roles.

The definition and the shipped official results are loaded once with the test database; browser tests
flush the database when they end, so `idm` reloads whenever it finds the definition missing.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.indeks.models import IndexDefinition
from dusun.wilayah.models import Wilayah

DATA = Path(__file__).parent / "data"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "dusun" / "data" / "idm"
RAW = SHIPPED / "bungo" / "raw"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # Browser tests elsewhere may have flushed the database before this folder's first test.
        if not Wilayah.objects.filter(kode="15.08").exists():
            call_command("load_wilayah", verbosity=0)
        call_command("load_idm", verbosity=0)


@pytest.fixture
def idm(reference_data):
    if not IndexDefinition.objects.filter(code="idm-2016").exists():
        call_command("load_idm", verbosity=0)
    return IndexDefinition.objects.get(code="idm-2016")


@pytest.fixture
def spec(idm):
    from dusun.indeks.selectors import spec_of

    return spec_of(idm)


@pytest.fixture(scope="session")
def vectors() -> list[dict]:
    return json.loads((DATA / "idm_test_vectors.json").read_text(encoding="utf-8"))["vectors"]


def raw_records() -> list[tuple[str, int, dict]]:
    """The 44 shipped official files as (dotted code, year, payload)."""
    records = []
    for path in sorted(RAW.glob("*/*.json")):
        code = path.parent.name
        records.append(
            (f"{code[0:2]}.{code[2:4]}.{code[4:6]}.{code[6:10]}", int(path.stem), json.loads(path.read_text("utf-8")))
        )
    return records


def make_user(username: str, role: Role | None = None, kode: str | None = None, password=None, **extra) -> User:
    # No password unless a test logs in through the form: hashing with Argon2 is deliberately slow.
    user = User.objects.create_user(username, password=password, **extra)
    if role is not None:
        assign_role(user, role, Wilayah.objects.get(kode=kode))
    return user


@pytest.fixture
def users(idm):
    return {
        "operator": make_user("op_rantau", Role.OPERATOR, "15.08.02.2005"),
        "other_operator": make_user("op_telang", Role.OPERATOR, "15.08.14.2009"),
        "camat": make_user("camat", Role.KECAMATAN, "15.08.02"),
        "admin": make_user("bappeda", Role.KABUPATEN, "15.08"),
        "superuser": make_user("root", is_superuser=True, is_staff=True),
    }

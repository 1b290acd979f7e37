"""The register keeps history: deaths, moves and births are dated events; scope applies to every write."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dusun.warga import services
from dusun.warga.models import Household, Resident, ResidentEvent
from dusun.wilayah.models import Wilayah

from .conftest import TELANG
from .sheets import kk_for, nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(users):
    telang = Wilayah.objects.get(kode=TELANG)
    household = Household.objects.create(dusun=telang, kk_number=kk_for(3000))
    born = dt.date(1960, 6, 6)
    head = Resident.objects.create(
        household=household,
        dusun=telang,
        nik=nik_for(born, False, 5),
        name="Kepala Riwayat",
        sex="L",
        birth_date=born,
        relationship="kepala",
    )
    return household, head


def test_death_keeps_the_person_with_a_dated_event(users, family, django_capture_on_commit_callbacks):
    household, head = family
    with django_capture_on_commit_callbacks(execute=True):
        services.record_departure(users["op_a"], head, "meninggal", dt.date(2026, 1, 2), "")
    head.refresh_from_db()
    assert head.status == "meninggal"
    event = ResidentEvent.objects.get(resident=head)
    assert (event.kind, event.date, event.created_by) == ("meninggal", dt.date(2026, 1, 2), users["op_a"])
    with pytest.raises(ValidationError):
        services.record_departure(users["op_a"], head, "pindah_keluar", dt.date(2026, 1, 3))


def test_events_are_scoped_and_dated_sensibly(users, family):
    _household, head = family
    with pytest.raises(PermissionDenied):
        services.record_departure(users["op_b"], head, "meninggal", dt.date(2026, 1, 2))
    with pytest.raises(PermissionDenied):
        services.record_departure(users["camat"], head, "meninggal", dt.date(2026, 1, 2))
    with pytest.raises(ValidationError):
        services.record_departure(users["op_a"], head, "meninggal", dt.date(1950, 1, 1))  # before birth


def test_birth_is_checked_like_an_imported_row(client, users, family):
    household, _head = family
    client.force_login(users["op_a"])
    born = dt.date(2025, 3, 4)
    url = reverse("warga:add_member", args=[household.uuid])
    data = {
        "kind": "lahir",
        "nik": nik_for(born, True, 1),
        "name": "Bayi Riwayat",
        "sex": "L",
        "birth_date": "2025-03-04",
        "relationship": "anak",
    }
    refused = client.post(url, data)  # a girl's NIK (day + 40) for a boy
    assert refused.status_code == 400 and "Jenis kelamin tidak cocok" in refused.content.decode()
    data["sex"] = "P"
    response = client.post(url, data)
    assert response.status_code == 302
    baby = Resident.objects.get(name="Bayi Riwayat")
    assert baby.events.get().kind == "lahir" and baby.events.get().date == born

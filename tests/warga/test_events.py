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


def test_moving_in_from_another_village_works_once_the_origin_records_pindah_keluar(users, family):
    """The documented flow: village A records "pindah keluar", then village B adds the person. A keeps its
    row with the dated event; B gets its own row; NIK stays unique among active residents."""
    from .conftest import BERINGIN

    origin_household, person = family  # lives in Sungai Telang (op_a)
    beringin = Wilayah.objects.get(kode=BERINGIN)
    target = Household.objects.create(dusun=beringin, kk_number=kk_for(3100))
    data = {
        "nik": person.nik,
        "name": person.name,
        "sex": "L",
        "birth_date": person.birth_date,
        "relationship": "kepala",
    }

    with pytest.raises(ValidationError, match="pindah keluar"):
        services.add_member(users["op_b"], target, "pindah_datang", dict(data))
    services.record_departure(users["op_a"], person, "pindah_keluar", dt.date(2026, 2, 1))
    moved = services.add_member(users["op_b"], target, "pindah_datang", {**data, "event_date": dt.date(2026, 2, 3)})

    person.refresh_from_db()
    assert (person.status, person.dusun.kode, person.household) == ("pindah", TELANG, origin_household)
    assert person.events.get().kind == "pindah_keluar"
    assert moved.pk != person.pk and (moved.status, moved.dusun, moved.household) == ("aktif", beringin, target)
    assert moved.events.get().kind == "pindah_datang"
    assert Resident.objects.filter(nik=person.nik, status="aktif").count() == 1
    # Once active in Beringin, Sungai Telang cannot take the person back without a new departure.
    with pytest.raises(ValidationError, match="pindah keluar"):
        services.add_member(users["op_a"], origin_household, "pindah_datang", dict(data))
    # Moving back after Beringin records the departure reactivates Sungai Telang's own row (one per village).
    services.record_departure(users["op_b"], moved, "pindah_keluar", dt.date(2026, 3, 1))
    back = services.add_member(users["op_a"], origin_household, "pindah_datang", dict(data))
    assert back.pk == person.pk and back.status == "aktif"
    assert list(back.events.order_by("date").values_list("kind", flat=True)) == ["pindah_keluar", "pindah_datang"]


def test_a_deceased_persons_nik_and_births_with_a_known_nik_are_refused(users, family):
    from .conftest import BERINGIN

    _household, person = family
    services.record_departure(users["op_a"], person, "meninggal", dt.date(2026, 1, 2))
    target = Household.objects.create(dusun=Wilayah.objects.get(kode=BERINGIN), kk_number=kk_for(3101))
    data = {"nik": person.nik, "name": "Lain", "sex": "L", "birth_date": person.birth_date, "relationship": "kepala"}
    with pytest.raises(ValidationError, match="meninggal"):
        services.add_member(users["op_b"], target, "pindah_datang", dict(data))
    with pytest.raises(ValidationError, match="NIK baru"):
        services.add_member(users["op_b"], target, "lahir", dict(data))

"""The demo census: realistic shape, fake numbers that cannot be real, flagged, removable in one step."""

import statistics as stats

import pytest
from django.db.models import Count

from dusun.ekonomi.models import Budget, DusunCommodity, Enterprise, HouseholdCommodity
from dusun.warga import demo
from dusun.warga.models import Household, Resident, ResidentEvent
from dusun.warga.nik import NikChecker, is_demo_number
from dusun.wilayah.models import Level, Wilayah

from .conftest import TELANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_census")]


def test_demo_census_is_flagged_and_shaped_like_bungo():
    households = Household.objects.filter(is_demo=True)
    residents = Resident.objects.filter(is_demo=True)
    assert households.count() > 400 and residents.count() > 1500
    assert not Household.objects.filter(is_demo=False).exists()
    villages = set(households.values_list("dusun__kode", flat=True))
    assert villages == set(Wilayah.objects.villages().filter(parent__kode="15.08.14").values_list("kode", flat=True))
    sizes = list(households.annotate(n=Count("members")).values_list("n", flat=True))
    assert 3.2 < stats.mean(sizes) < 4.3
    heads = residents.filter(relationship="kepala").count()
    assert heads == households.count()  # one head per family
    share_children = residents.filter(birth_date__year__gte=2010).count() / residents.count()
    assert 0.2 < share_children < 0.45  # a young population
    assert residents.filter(religion="islam").count() / residents.count() > 0.95
    assert HouseholdCommodity.objects.filter(commodity__code="karet").count() > 100  # rubber smallholders
    carbon = households.filter(assistance__contains=["dana_karbon"]).values_list("dusun__kode", flat=True)
    assert set(carbon) <= demo.CARBON_DUSUN and len(set(carbon)) == 5
    assert ResidentEvent.objects.filter(kind__in=["meninggal", "pindah_keluar"]).exists()  # the register keeps history


def test_demo_numbers_are_unique_valid_in_shape_and_never_real():
    checker = NikChecker()
    niks = list(Resident.objects.values_list("nik", "birth_date", "sex"))
    assert len({n for n, _b, _s in niks}) == len(niks)
    for nik, born, sex in niks[:500]:
        assert is_demo_number(nik)  # month + 20: no real NIK has it
        decoded = checker.decode(nik)
        assert decoded.birth_date == born and decoded.female == (sex == "P")
    assert all(is_demo_number(kk) for kk in Household.objects.values_list("kk_number", flat=True))


def test_same_seed_same_census():
    first = sorted(Resident.objects.values_list("nik", "name", "birth_date"))
    demo.generate(seed=7, scale="small")
    assert sorted(Resident.objects.values_list("nik", "name", "birth_date")) == first


def test_removal_takes_everything_demo_and_nothing_else(reference_data):
    real_village = Wilayah.objects.get(kode="15.08.01.2001")
    real = Household.objects.create(dusun=real_village, kk_number="1508010101200001")
    demo.remove()
    assert not Household.objects.filter(is_demo=True).exists() and not Resident.objects.exists()
    assert not Wilayah.objects.filter(level=Level.SUBUNIT, sumber=demo.DEMO_SOURCE).exists()
    assert not Enterprise.objects.exists() and not Budget.objects.exists() and not DusunCommodity.objects.exists()
    assert Household.objects.filter(pk=real.pk).exists()


def test_pages_showing_the_census_say_when_it_is_demo_data(client):
    from django.urls import reverse

    note = "sensus demo sintetis"
    for url in (
        reverse("warga:statistik_dusun", args=[TELANG]),
        reverse("warga:statistik_kecamatan", args=["15.08.14"]),
        reverse("portal:village", args=[TELANG]),
    ):
        body = client.get(url).content.decode()
        assert note in body, url
    elsewhere = Wilayah.objects.villages().exclude(kode__startswith="15.08.14.").order_by("kode").first()
    assert note not in client.get(reverse("warga:statistik_dusun", args=[elsewhere.kode])).content.decode()
    assert note not in client.get(reverse("portal:village", args=[elsewhere.kode])).content.decode()


def test_every_demo_household_has_a_house_inside_its_village():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*), count(h.location), count(*) FILTER (WHERE ST_Covers(w.geom, h.location))
               FROM warga_household h JOIN wilayah_wilayah w ON w.id = h.dusun_id WHERE h.is_demo"""
        )
        total, located, inside = cursor.fetchone()
    assert total > 0 and located == total and inside == total

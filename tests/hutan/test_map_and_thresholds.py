"""The change map's managed-area outlines, and the alert thresholds the kabupaten admin edits (with history;
the settings are the defaults)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.hutan import selectors, services
from dusun.hutan.models import AlertThreshold
from dusun.ruang.models import ManagedArea, ManagedAreaKind
from dusun.wilayah.models import Wilayah

from .conftest import X0, Y0, D, square

pytestmark = pytest.mark.django_db


def test_change_map_draws_the_managed_areas_of_the_village(client, hand):
    ManagedArea.objects.create(
        dusun=hand.village, kind=ManagedAreaKind.HUTAN_DESA, name="HD Uji", geom=square(X0, Y0, w=D / 2)
    )
    elsewhere = Wilayah.objects.get(kode="15.08.01.2001")
    ManagedArea.objects.create(
        dusun=elsewhere, kind=ManagedAreaKind.KONSESI_HGU, name="HGU Jauh", geom=square(101.0, -1.5)
    )
    html = client.get(reverse("hutan:village", args=[hand.village.kode])).content.decode()
    url = reverse("hutan:village-managed", args=[hand.village.kode])
    assert url in html and 'class="key kawasan"' in html  # the map config and the legend entry
    geojson = client.get(url).json()
    [feature] = geojson["features"]
    props = feature["properties"]
    assert (props["jenis"], props["jenis_label"], props["nama"]) == ("hutan_desa", "Hutan desa", "HD Uji")
    assert props["luas_ha"] == pytest.approx(61.9, rel=0.02)  # half of a 0.01° square near the equator
    assert feature["geometry"]["type"] in ("LineString", "MultiLineString")  # outline, not a fill
    assert client.get(reverse("hutan:village-managed", args=["15.08.99.9999"])).status_code == 404


def test_thresholds_default_to_the_settings_and_the_admin_edits_them_with_history(client, hand, settings):
    settings.DUSUN_HUTAN_ALERT_LOSS_PCT = 50.0
    settings.DUSUN_HUTAN_ALERT_MIN_HA = 1_000_000.0
    assert selectors.alert_thresholds() == (50.0, 1_000_000.0)
    assert not selectors.village_matrix(hand.village, hand.first, hand.second).alert
    url = reverse("hutan:thresholds")
    assert "nilai bawaan server" in client.get(url).content.decode()

    operator = User.objects.create_user("op")
    assign_role(operator, Role.OPERATOR, hand.village)
    client.force_login(operator)
    assert client.post(url, {"loss_pct": "1", "min_ha": "1", "note": "x"}).status_code == 403
    admin = User.objects.create_user("kab")
    assign_role(admin, Role.KABUPATEN, services.kabupaten())
    client.force_login(admin)
    for bad, message in (
        ({"loss_pct": "-1", "min_ha": "1", "note": "x"}, "Ambang persen harus antara 0 dan 100"),
        ({"loss_pct": "101", "min_ha": "1", "note": "x"}, "Ambang persen harus antara 0 dan 100"),
        ({"loss_pct": "5", "min_ha": "-2", "note": "x"}, "Ambang luas minimal tidak boleh negatif"),
    ):
        response = client.post(url, bad)
        assert response.status_code == 400 and message in response.content.decode()
    assert not AlertThreshold.objects.exists()

    assert client.post(url, {"loss_pct": "10", "min_ha": "1", "note": "Perda 2026"}).status_code == 302
    assert selectors.alert_thresholds() == (10.0, 1.0)
    assert selectors.village_matrix(hand.village, hand.first, hand.second).alert  # all forest lost: 100 %
    html = client.get(reverse("hutan:village", args=[hand.village.kode])).content.decode()
    assert 'id="forest-alert"' in html and "10% dari hutan alam awal dan minimal 1 ha" in html
    client.post(url, {"loss_pct": "100", "min_ha": "2,5", "note": "uji"})
    history = list(AlertThreshold.objects.values_list("loss_pct", "min_ha", "note", "user__username"))
    assert history == [
        (Decimal("100"), Decimal("2.5"), "uji", "kab"),
        (Decimal("10"), Decimal("1"), "Perda 2026", "kab"),
    ]
    html = client.get(url).content.decode()
    assert "Perda 2026" in html and "Ditetapkan admin kabupaten (kab)" in html

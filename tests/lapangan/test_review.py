"""The review queue: approving merges into the real register/map through their services (with NIK
checks, scope and audit trail), rejecting needs a reason, conflicts are shown and never silently
overwritten, and personal data stays with the roles allowed to read it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dusun.akun.models import AccessLog
from dusun.lapangan import services
from dusun.lapangan.models import Kiriman
from dusun.ruang.models import Facility, FeatureRevision
from dusun.warga import choices as wc
from dusun.warga.models import Household, Resident, ResidentEvent
from tests.warga.sheets import nik_for

from .conftest import JPEG, census_xml, facility_xml, member

HEAD_BORN, CHILD_BORN = dt.date(1980, 3, 14), dt.date(2026, 10, 2)
HEAD_NIK, CHILD_NIK = nik_for(HEAD_BORN, False, 1), nik_for(CHILD_BORN, True, 2)


def _family():
    return [
        member(HEAD_NIK, "Budi Santoso", "L", HEAD_BORN),
        member(CHILD_NIK, "Sari", "P", CHILD_BORN, relationship="anak", kind="lahir"),
    ]


def _send(device, xml, *files) -> Kiriman:
    response = device.submit(xml, *files)
    assert response.status_code == 201, response.content
    return Kiriman.objects.get(instance_id=xml.split("<instanceID>")[1].split("<")[0])


def test_approve_new_household_writes_the_register(device, users, subunit):
    kiriman = _send(device, census_xml(kk="1508140103200021", rt=subunit.kode, members=_family()))
    assert not Household.objects.exists()
    services.approve(users["op_a"], kiriman)
    household = Household.objects.get(kk_number="1508140103200021")
    assert household.dusun == device.device.dusun and household.subunit == subunit
    assert household.floor == "semen" and household.lighting == "pln_meteran"
    assert round(household.location.y, 1) == -1.6 and round(household.location.x, 1) == 102.0
    head, child = Resident.objects.get(nik=HEAD_NIK), Resident.objects.get(nik=CHILD_NIK)
    assert head.household == household and head.name == "Budi Santoso"
    assert ResidentEvent.objects.get(resident=head).kind == wc.EventKind.PENDATAAN
    child_event = ResidentEvent.objects.get(resident=child)
    assert child_event.kind == wc.EventKind.LAHIR and child_event.date == CHILD_BORN
    kiriman.refresh_from_db()
    assert kiriman.status == Kiriman.Status.APPROVED and kiriman.reviewed_by == users["op_a"]
    assert kiriman.result_ref == f"warga.household:{household.uuid}"
    assert AccessLog.objects.filter(object_type="warga.household", object_ref=str(household.uuid)).exists()
    # Re-sending the same submission after approval changes nothing.
    xml = kiriman.xml
    assert device.submit(xml).status_code == 201
    assert Household.objects.count() == 1 and Resident.objects.count() == 2 and Kiriman.objects.count() == 1
    with pytest.raises(ValidationError, match="sudah ditinjau"):
        services.approve(users["op_a"], kiriman)


def test_invalid_nik_leaves_everything_pending(device, users):
    bad = [member(HEAD_NIK, "Budi", "P", HEAD_BORN)]  # sex does not match the NIK
    kiriman = _send(device, census_xml(kk="1508140103200022", members=bad))
    with pytest.raises(ValidationError, match="Anggota 1"):
        services.approve(users["op_a"], kiriman)
    assert not Household.objects.exists() and not Resident.objects.exists()
    kiriman.refresh_from_db()
    assert kiriman.status == Kiriman.Status.PENDING


def test_update_conflict_is_shown_not_overwritten(device, users, telang):
    household = Household.objects.create(dusun=telang, kk_number="1508140103200023", roof="rumbia")
    stamp = household.updated_at.isoformat()
    kiriman = _send(device, census_xml(mode="perbarui", household=household, versi=stamp))
    # Someone changes the household in the office after the phone downloaded the list.
    household.wall = "tembok"
    household.save()
    with pytest.raises(ValidationError, match="diubah orang lain"):
        services.approve(users["op_a"], kiriman)
    household.refresh_from_db()
    assert household.roof == "rumbia"
    services.approve(users["op_a"], kiriman, accept_conflict=True)
    household.refresh_from_db()
    assert household.roof == "seng" and household.wall == "kayu"


def test_update_without_conflict(device, users, telang):
    household = Household.objects.create(dusun=telang, kk_number="1508140103200024", roof="rumbia")
    kiriman = _send(device, census_xml(mode="perbarui", household=household, versi=household.updated_at.isoformat()))
    services.approve(users["op_a"], kiriman)
    household.refresh_from_db()
    assert household.roof == "seng" and household.updated_by == users["op_a"]


def test_approve_facility_creates_a_map_feature(device, users, point_in_telang):
    kiriman = _send(device, facility_xml(lokasi=point_in_telang, photo="f.jpg"), ("f.jpg", JPEG, "image/jpeg"))
    services.approve(users["op_a"], kiriman)
    facility = Facility.objects.get()
    assert facility.kind == "posyandu" and facility.name == "Posyandu Melati" and facility.dusun == kiriman.dusun
    assert facility.survey_date == dt.date(2026, 11, 28) and facility.source.startswith("ODK dusun_survei_fasilitas")
    assert FeatureRevision.objects.filter(action=FeatureRevision.Action.CREATE).count() == 1


def test_facility_outside_the_village_is_refused(device, users):
    kiriman = _send(device, facility_xml(lokasi="-6.2 106.8 0 5"))  # Jakarta
    with pytest.raises(ValidationError):
        services.approve(users["op_a"], kiriman)
    assert not Facility.objects.exists()


def test_facility_update_conflict(device, users, telang, point_in_telang):
    from django.contrib.gis.geos import Point

    lat, lon = map(float, point_in_telang.split()[:2])
    facility = Facility.objects.create(dusun=telang, kind="sd", name="SD 1", geom=Point(lon, lat, srid=4326))
    kiriman = _send(device, facility_xml(mode="perbarui", facility=facility, versi="2020-01-01T00:00:00+00:00",
                                         lokasi=point_in_telang, kind="smp"))  # fmt: skip
    with pytest.raises(ValidationError):
        services.approve(users["op_a"], kiriman)
    facility.refresh_from_db()
    assert facility.kind == "sd"


def test_reject_needs_a_reason(device, users):
    kiriman = _send(device, facility_xml())
    with pytest.raises(ValidationError):
        services.reject(users["op_a"], kiriman, "")
    services.reject(users["op_a"], kiriman, "Lokasi salah, ulangi di depan posyandu")
    kiriman.refresh_from_db()
    assert kiriman.status == Kiriman.Status.REJECTED and "Lokasi salah" in kiriman.reason


def test_only_village_editors_review(device, users):
    census = _send(device, census_xml(kk="1508140103200025", members=_family()))
    for who in ("op_b", "camat"):
        with pytest.raises(PermissionDenied):
            services.approve(users[who], census)
    services.approve(users["admin"], census)


# --- Pages ------------------------------------------------------------------------------------------------


def test_queue_detail_and_approve_pages(client, device, users):
    kiriman = _send(
        device, census_xml(kk="1508140103200026", members=_family(), photo="r.jpg"), ("r.jpg", JPEG, "image/jpeg")
    )
    client.force_login(users["op_a"])
    queue = client.get(reverse("lapangan:dusun", args=[kiriman.dusun.kode]))
    assert queue.status_code == 200 and str(kiriman.uuid) in queue.content.decode()
    assert "no-store" in queue["Cache-Control"]
    page = client.get(reverse("lapangan:detail", args=[kiriman.uuid]))
    html = page.content.decode()
    assert "Budi Santoso" in html and HEAD_NIK in html and "1508140103200026" in html
    assert AccessLog.objects.filter(object_type="lapangan.kiriman", object_ref=str(kiriman.uuid)).exists()
    photo = client.get(reverse("lapangan:attachment", args=[kiriman.uuid, kiriman.lampiran.get().pk]))
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == JPEG
    done = client.post(reverse("lapangan:detail", args=[kiriman.uuid]), {"action": "approve"}, follow=True)
    assert "disetujui" in done.content.decode().lower()
    assert Resident.objects.filter(nik=HEAD_NIK).exists()


def test_kecamatan_sees_census_masked(client, device, users):
    kiriman = _send(
        device, census_xml(kk="1508140103200027", members=_family(), photo="r.jpg"), ("r.jpg", JPEG, "image/jpeg")
    )
    client.force_login(users["camat"])
    html = client.get(reverse("lapangan:detail", args=[kiriman.uuid])).content.decode()
    assert "Budi Santoso" not in html and HEAD_NIK not in html and "1508140103200027" not in html
    assert "1508********0027" in html and "Setujui" not in html
    assert "review-map" not in html  # a house location is personal data too
    assert client.get(reverse("lapangan:attachment", args=[kiriman.uuid, kiriman.lampiran.get().pk])).status_code == 403
    response = client.post(reverse("lapangan:detail", args=[kiriman.uuid]), {"action": "approve"})
    assert not Household.objects.exists() and response.status_code in (403, 200)


def test_other_village_and_anonymous_are_kept_out(client, device, users):
    kiriman = _send(device, facility_xml())
    assert client.get(reverse("lapangan:detail", args=[kiriman.uuid])).status_code == 302
    client.force_login(users["op_b"])
    assert client.get(reverse("lapangan:detail", args=[kiriman.uuid])).status_code == 403
    assert client.get(reverse("lapangan:dusun", args=[kiriman.dusun.kode])).status_code == 403


def test_device_page_shows_the_token_once(client, users, forms, telang):
    client.force_login(users["op_a"])
    page = client.post(reverse("lapangan:dusun", args=[telang.kode]), {"name": "HP Rina"}).content.decode()
    url = page.split("<code>")[1].split("</code>")[0]
    token = url.rsplit("/", 1)[1]
    assert client.get(f"/lapangan/odk/{token}/formList").status_code == 200
    again = client.get(reverse("lapangan:dusun", args=[telang.kode])).content.decode()
    assert token not in again and "HP Rina" in again
    client.logout()
    client.force_login(users["camat"])
    assert client.post(reverse("lapangan:dusun", args=[telang.kode]), {"name": "x"}).status_code == 403


def test_the_village_page_has_one_import_form_in_its_body(client, users, forms, telang):
    client.force_login(users["op_a"])
    html = client.get(reverse("lapangan:dusun", args=[telang.kode])).content.decode()
    head, body = html.split("</head>", 1)
    assert "<form" not in head and html.count('id="import-form"') == 1 and 'id="import-form"' in body

"""Edits (meta/deprecatedID), census corrections of registered residents, closing form versions from the
page, the settings QR code a phone scans, and encrypted submissions."""

import datetime as dt
import re

import pytest
from defusedxml import ElementTree as ET
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dusun.akun.models import AccessLog
from dusun.lapangan import qr, services
from dusun.lapangan.models import Formulir, Kiriman
from dusun.ruang.models import Facility
from dusun.warga.models import Household, Resident, ResidentEvent
from dusun.warga.services import update_member
from tests.warga.sheets import nik_for

from .conftest import census_xml, facility_xml, member

LIST_NS = "{http://openrosa.org/xforms/xformsList}"
RESPONSE_NS = "{http://openrosa.org/http/response}"
BORN = dt.date(1980, 3, 14)
NIK = nik_for(BORN, False, 1)


def _message(response) -> str:
    return ET.fromstring(response.content).find(f"{RESPONSE_NS}message").text


def _send(device, xml) -> Kiriman:
    response = device.submit(xml)
    assert response.status_code == 201, response.content
    return Kiriman.objects.get(instance_id=xml.split("<instanceID>")[1].split("<")[0])


def _with_deprecated(xml: str, deprecated: str) -> str:
    return xml.replace("</instanceID>", f"</instanceID><deprecatedID>{deprecated}</deprecatedID>")


# --- meta/deprecatedID ----------------------------------------------------------------------------------


def test_edit_supersedes_the_pending_submission(client, device, users, point_in_telang):
    first = _send(device, facility_xml(instance="uuid:asli", lokasi=point_in_telang))
    edit = _send(device, _with_deprecated(facility_xml(instance="uuid:sunting", lokasi=point_in_telang,
                                                       kind="masjid"), "uuid:asli"))  # fmt: skip
    first.refresh_from_db()
    assert first.status == Kiriman.Status.SUPERSEDED and "uuid:sunting" in first.reason
    assert edit.status == Kiriman.Status.PENDING and edit.edit_of == first and edit.deprecated_id == "uuid:asli"
    with pytest.raises(ValidationError, match="sudah ditinjau"):
        services.approve(users["op_a"], first)
    client.force_login(users["op_a"])
    html = client.get(reverse("lapangan:detail", args=[edit.uuid])).content.decode()
    assert 'id="edit-note"' in html and "hanya isian terbaru" in html
    queue = client.get(reverse("lapangan:dusun", args=[edit.dusun.kode])).content.decode()
    assert str(edit.uuid) in queue and str(first.uuid) not in queue  # only the edit waits
    services.approve(users["op_a"], edit)
    assert Facility.objects.get().kind == "masjid"


def test_edit_of_an_approved_submission_changes_the_same_record(client, device, users, point_in_telang):
    first = _send(device, facility_xml(instance="uuid:f1", lokasi=point_in_telang))
    services.approve(users["op_a"], first)
    facility = Facility.objects.get()
    edit = _send(device, _with_deprecated(facility_xml(instance="uuid:f1-b", lokasi=point_in_telang, kind="sd"),
                                          "uuid:f1"))  # fmt: skip
    first.refresh_from_db()
    assert first.status == Kiriman.Status.APPROVED and edit.edits_approved
    client.force_login(users["op_a"])
    html = client.get(reverse("lapangan:detail", args=[edit.uuid])).content.decode()
    assert "Suntingan dari kiriman yang sudah disetujui" in html and f"ruang.facility:{facility.pk}" in html
    services.approve(users["op_a"], edit)
    assert Facility.objects.count() == 1 and Facility.objects.get().kind == "sd"
    edit.refresh_from_db()
    assert edit.result_ref == f"ruang.facility:{facility.pk}"


def test_edit_of_an_approved_census_updates_the_household_and_its_people(device, users):
    first = _send(device, census_xml(instance="uuid:k1", kk="1508140103200031",
                                     members=[member(NIK, "Budi Santoso", "L", BORN)]))  # fmt: skip
    services.approve(users["op_a"], first)
    xml = census_xml(instance="uuid:k1-b", kk="1508140103200031", deprecated="uuid:k1",
                     members=[member(NIK, "Budi Santosa", "L", BORN)], extra={"atap": "genteng"})  # fmt: skip
    edit = _send(device, xml)
    services.approve(users["op_a"], edit)
    assert Household.objects.count() == 1 and Household.objects.get().roof == "genteng"
    assert Resident.objects.count() == 1 and Resident.objects.get().name == "Budi Santosa"


def test_bad_edits_are_refused(device, users):
    from dusun.lapangan.models import Perangkat
    from dusun.wilayah.models import Wilayah

    from .conftest import BERINGIN, OdkClient

    response = device.submit(_with_deprecated(facility_xml(instance="uuid:x"), "uuid:x"))
    assert response.status_code == 400 and "deprecatedID" in _message(response)
    _send(device, census_xml(instance="uuid:c1", kk="1508140103200032"))
    response = device.submit(_with_deprecated(facility_xml(instance="uuid:f9"), "uuid:c1"))
    assert response.status_code == 409 and "formulir yang sama" in _message(response)
    other, token = services.create_device(users["op_b"], Wilayah.objects.get(kode=BERINGIN), "HP lain")
    response = OdkClient(token, other).submit(_with_deprecated(facility_xml(instance="uuid:f8"), "uuid:c1"))
    assert response.status_code == 403
    assert Kiriman.objects.count() == 1 and Kiriman.objects.get().status == Kiriman.Status.PENDING
    assert Perangkat.objects.count() == 2


def test_edit_of_an_unknown_submission_is_reviewed_on_its_own(client, device, users):
    edit = _send(device, _with_deprecated(facility_xml(instance="uuid:baru"), "uuid:tidak-pernah-sampai"))
    assert edit.edit_of is None and edit.deprecated_id == "uuid:tidak-pernah-sampai"
    client.force_login(users["op_a"])
    html = client.get(reverse("lapangan:detail", args=[edit.uuid])).content.decode()
    assert "tidak pernah sampai" in html


# --- Census corrections of registered residents ---------------------------------------------------------


def test_census_update_corrects_registered_residents(device, users, telang):
    household = Household.objects.create(dusun=telang, kk_number="1508140103200033")
    first = _send(device, census_xml(mode="perbarui", household=household, versi=household.updated_at.isoformat(),
                                     members=[member(NIK, "Budi", "L", BORN)]))  # fmt: skip
    services.approve(users["op_a"], first)
    resident = Resident.objects.get(nik=NIK)
    household.refresh_from_db()
    fix = member(NIK, "Budi Santoso", "L", BORN, relationship="kepala", kind="koreksi")
    second = _send(device, census_xml(mode="perbarui", household=household, versi=household.updated_at.isoformat(),
                                      members=[fix]))  # fmt: skip
    logs = AccessLog.objects.filter(object_type="warga.resident", object_ref=str(resident.uuid)).count()
    services.approve(users["op_a"], second)
    resident.refresh_from_db()
    assert resident.name == "Budi Santoso" and Resident.objects.count() == 1
    assert ResidentEvent.objects.filter(resident=resident).count() == 1  # a correction is no register event
    assert AccessLog.objects.filter(object_type="warga.resident", object_ref=str(resident.uuid)).count() == logs + 1


def test_census_correction_checked_against_the_nik(device, users, telang):
    household = Household.objects.create(dusun=telang, kk_number="1508140103200034")
    first = _send(device, census_xml(mode="perbarui", household=household, versi=household.updated_at.isoformat(),
                                     members=[member(NIK, "Budi", "L", BORN)]))  # fmt: skip
    services.approve(users["op_a"], first)
    household.refresh_from_db()
    wrong = member(NIK, "Budi", "L", dt.date(1981, 3, 14), kind="koreksi")  # birth date does not match the NIK
    second = _send(device, census_xml(mode="perbarui", household=household, versi=household.updated_at.isoformat(),
                                      members=[wrong]))  # fmt: skip
    with pytest.raises(ValidationError, match="Anggota 1: birth_date"):
        services.approve(users["op_a"], second)
    assert Resident.objects.get().birth_date == BORN
    stranger = member(nik_for(BORN, True, 7), "Sari", "P", BORN, kind="koreksi")
    third = _send(device, census_xml(mode="perbarui", household=household, versi=household.updated_at.isoformat(),
                                     members=[stranger]))  # fmt: skip
    with pytest.raises(ValidationError, match="tidak tercatat di keluarga ini"):
        services.approve(users["op_a"], third)
    assert Resident.objects.count() == 1


def test_update_member_service(users, telang):
    from dusun.warga import choices as wc

    household = Household.objects.create(dusun=telang, kk_number="1508140103200035")
    resident = Resident.objects.create(household=household, dusun=telang, nik=NIK, name="Budi", sex="L",
                                       birth_date=BORN, relationship="kepala")  # fmt: skip
    assert update_member(users["op_a"], resident, {"name": "Budi"}) == []  # unchanged: nothing written
    assert not AccessLog.objects.filter(object_type="warga.resident").exists()
    assert update_member(users["op_a"], resident, {"name": "Budi S", "relationship": "kepala"}) == ["name"]
    with pytest.raises(ValidationError):
        update_member(users["op_a"], resident, {"sex": "P"})  # the NIK says male
    with pytest.raises(ValidationError, match="tidak dapat dikoreksi"):
        update_member(users["op_a"], resident, {"nik": "1508140000000000"})
    with pytest.raises(PermissionDenied):
        update_member(users["op_b"], resident, {"name": "X"})
    with pytest.raises(PermissionDenied):
        update_member(users["camat"], resident, {"name": "X"})  # may not read personal data
    Resident.objects.filter(pk=resident.pk).update(status=wc.ResidentStatus.MENINGGAL)
    with pytest.raises(ValidationError, match="tidak tercatat tinggal"):
        update_member(users["op_a"], resident, {"name": "Y"})
    resident.refresh_from_db()
    assert resident.name == "Budi S" and resident.sex == "L"


# --- Closing form versions --------------------------------------------------------------------------------


def test_kabupaten_closes_a_version_from_the_page(client, device, users, forms):
    facility = forms["fasilitas"]
    client.force_login(users["op_a"])
    assert 'id="forms"' not in client.get(reverse("lapangan:home")).content.decode()
    with pytest.raises(PermissionDenied):
        services.set_form_open(users["op_a"], facility, False)
    assert client.post(reverse("lapangan:form_open", args=[facility.pk]), {"is_open": "0"}).status_code == 403
    client.force_login(users["admin"])
    home = client.get(reverse("lapangan:home")).content.decode()
    assert 'id="forms"' in home and f'id="formulir-{facility.pk}"' in home
    response = client.post(reverse("lapangan:form_open", args=[facility.pk]), {"is_open": "0"}, follow=True)
    assert "ditutup" in response.content.decode()
    assert not Formulir.objects.get(pk=facility.pk).is_open
    ids = [x.findtext(f"{LIST_NS}formID") for x in ET.fromstring(device.get("formList").content)]
    assert "dusun_survei_fasilitas" not in ids and "dusun_survei_potensi" in ids
    refused = device.submit(facility_xml())
    assert (
        refused.status_code == 409 and "ditutup" in _message(refused) and "unduh formulir terbaru" in _message(refused)
    )
    assert not Kiriman.objects.exists()
    client.post(reverse("lapangan:form_open", args=[facility.pk]), {"is_open": "1"})
    assert device.submit(facility_xml()).status_code == 201


# --- Settings QR code -------------------------------------------------------------------------------------


def test_device_creation_shows_a_settings_qr_and_web_form_links(client, users, forms, telang):
    import segno

    client.force_login(users["op_a"])
    html = client.post(reverse("lapangan:dusun", args=[telang.kode]), {"name": "HP Rina"}).content.decode()
    url = html.split("<code>")[1].split("</code>")[0]
    payload = re.search(r'id="setup-qr" data-payload="([^"]+)"', html)[1]
    settings = qr.decode(payload)
    assert settings["general"]["server_url"] == url and url.startswith("http://testserver/lapangan/odk/")
    assert settings["general"]["form_update_mode"] == "match_exactly" and settings["admin"] == {}
    assert "Telang" in settings["project"]["name"] or telang.nama in settings["project"]["name"]
    # The inline SVG is the QR code of exactly that payload (drawn here, no outside service).
    assert str(qr.svg(payload)) in html and "<svg" in html
    assert segno.make(payload, error="m", micro=False).designator  # a regular QR code fits it
    token = url.rsplit("/", 1)[1]
    links = re.findall(r'<ul id="web-forms">(.*?)</ul>', html, re.S)[0]
    assert f"/lapangan/odk/{token}/formulir/{forms['fasilitas'].pk}/isi/" in links
    assert client.get(f"/lapangan/odk/{token}/formulir/{forms['fasilitas'].pk}/isi/").status_code == 200
    again = client.get(reverse("lapangan:dusun", args=[telang.kode])).content.decode()
    assert payload not in again and 'id="setup-qr"' not in again and token not in again


# --- Encrypted submissions ------------------------------------------------------------------------------


def test_encrypted_submission_is_refused_with_a_reason(device):
    xml = (
        '<data id="dusun_survei_fasilitas" version="2026112901" encrypted="yes" '
        'xmlns="http://opendatakit.org/submissions"><base64EncryptedKey>abc</base64EncryptedKey>'
        '<meta xmlns="http://openrosa.org/xforms"><instanceID>uuid:enc-1</instanceID></meta>'
        "<encryptedXmlFile>submission.xml.enc</encryptedXmlFile></data>"
    )
    response = device.submit(xml, ("submission.xml.enc", b"\x00" * 64, "application/octet-stream"))
    assert response.status_code == 400 and "terenkripsi" in _message(response)
    assert not Kiriman.objects.exists()

"""Request sequences of ODK Collect and ODK Central against the OpenRosa endpoints: form list → form →
manifest → media → HEAD → POST, resend, split attachments; and every kind of bad input."""

import hashlib

import pytest
from defusedxml import ElementTree as ET
from django.core.management import call_command

from dusun.lapangan import services
from dusun.lapangan.models import Formulir, Kiriman, Lampiran
from dusun.warga.models import Household

from .conftest import BERINGIN, CENSUS_VERSION, JPEG, VERSION, OdkClient, census_xml, facility_xml

LIST_NS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST_NS = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE_NS = "{http://openrosa.org/http/response}"


def _openrosa(response):
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Date"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def _message(response) -> str:
    root = ET.fromstring(response.content)
    assert root.tag == f"{RESPONSE_NS}OpenRosaResponse"
    return root.find(f"{RESPONSE_NS}message").text


@pytest.fixture
def household(telang):
    return Household.objects.create(dusun=telang, kk_number="1508140103200001", address="Jalan Lama 1")


def test_collect_sequence_form_list_to_submission(device, subunit, household):
    # 1. Form list: both forms, with md5 hashes that match the downloads and a manifest URL.
    response = device.get("formList")
    assert response.status_code == 200
    _openrosa(response)
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{LIST_NS}xforms"
    entries = {x.findtext(f"{LIST_NS}formID"): x for x in root.findall(f"{LIST_NS}xform")}
    assert set(entries) == {
        "dusun_sensus_keluarga",
        "dusun_survei_fasilitas",
        "dusun_survei_potensi",
        "dusun_kuesioner_idm",
        "dusun_kemajuan_kegiatan",
    }
    census = entries["dusun_sensus_keluarga"]
    assert census.findtext(f"{LIST_NS}version") == CENSUS_VERSION
    # 2. Form download: the XForm pyxform produced, hash as advertised.
    form = device.get(census.findtext(f"{LIST_NS}downloadUrl"))
    assert form.status_code == 200
    _openrosa(form)
    assert census.findtext(f"{LIST_NS}hash") == "md5:" + hashlib.md5(form.content, usedforsecurity=False).hexdigest()
    assert b'id="dusun_sensus_keluarga"' in form.content and b"jr://file-csv/keluarga.csv" in form.content
    # 3. Manifest: the village's choice lists, each hash matching the file served.
    manifest = device.get(census.findtext(f"{LIST_NS}manifestUrl"))
    assert manifest.status_code == 200
    _openrosa(manifest)
    files = {m.findtext(f"{MANIFEST_NS}filename"): m for m in ET.fromstring(manifest.content)}
    assert set(files) == {"keluarga.csv", "rt.csv"}
    media = {}
    for name, entry in files.items():
        got = device.get(entry.findtext(f"{MANIFEST_NS}downloadUrl"))
        assert got.status_code == 200
        digest = hashlib.md5(got.content, usedforsecurity=False).hexdigest()
        assert entry.findtext(f"{MANIFEST_NS}hash") == f"md5:{digest}"
        media[name] = got.content.decode()
    assert "RT 01" in media["rt.csv"] and subunit.kode in media["rt.csv"]
    # The household list carries the masked KK number, never the full one, and the version stamp.
    assert str(household.uuid) in media["keluarga.csv"]
    assert "1508********0001" in media["keluarga.csv"] and household.kk_number not in media["keluarga.csv"]
    assert household.updated_at.isoformat() in media["keluarga.csv"]
    # 4. HEAD, then POST.
    head = device.head_submission()
    assert head.status_code == 204
    _openrosa(head)
    assert int(head["X-OpenRosa-Accept-Content-Length"]) == services.max_submission_bytes()
    xml = census_xml(mode="perbarui", household=household, versi=household.updated_at.isoformat(), rt=subunit.kode,
                     photo="rumah.jpg")  # fmt: skip
    posted = device.submit(xml, ("rumah.jpg", JPEG, "image/jpeg"))
    assert posted.status_code == 201, posted.content
    _openrosa(posted)
    assert "diterima" in _message(posted)
    kiriman = Kiriman.objects.get()
    assert kiriman.status == Kiriman.Status.PENDING and kiriman.dusun == device.device.dusun
    assert kiriman.is_complete and kiriman.lampiran.get().content_type == "image/jpeg"
    # Nothing reached the register yet.
    household.refresh_from_db()
    assert household.address == "Jalan Lama 1"


def test_resend_creates_no_duplicate(device):
    xml = census_xml(kk="1508140103200002", instance="uuid:resend-1", photo="a.jpg")
    assert device.submit(xml, ("a.jpg", JPEG, "image/jpeg")).status_code == 201
    again = device.submit(xml, ("a.jpg", JPEG, "image/jpeg"))
    assert again.status_code == 201
    assert "sudah diterima" in _message(again)
    assert Kiriman.objects.count() == 1 and Lampiran.objects.count() == 1


def test_split_submission_is_assembled(device):
    xml = census_xml(kk="1508140103200003", instance="uuid:split-1", photo="besar.jpg")
    first = device.submit(xml)  # Collect sends the XML first when the attachments exceed the limit
    assert first.status_code == 201
    assert "Masih menunggu 1 lampiran" in _message(first)
    kiriman = Kiriman.objects.get()
    assert kiriman.missing_files == ["besar.jpg"]
    second = device.submit(xml, ("besar.jpg", JPEG, "image/jpeg"))
    assert second.status_code == 201
    kiriman = Kiriman.objects.get()
    assert kiriman.is_complete and kiriman.lampiran.count() == 1


def test_form_filter_and_all_versions(device, forms):
    only = ET.fromstring(device.get("formList", formID="dusun_survei_fasilitas").content)
    assert [x.findtext(f"{LIST_NS}formID") for x in only] == ["dusun_survei_fasilitas"]
    # A second version: the list shows the newest, listAllVersions shows both.
    old = forms["fasilitas"]
    Formulir.objects.create(form_id=old.form_id, version="2027010101", kind=old.kind, title=old.title,
                            xform=old.xform.replace(VERSION, "2027010101"), source_name="x.xlsx")  # fmt: skip
    versions = [x.findtext(f"{LIST_NS}version") for x in ET.fromstring(device.get("formList").content)
                if x.findtext(f"{LIST_NS}formID") == old.form_id]  # fmt: skip
    assert versions == ["2027010101"]
    everything = ET.fromstring(device.get("formList", listAllVersions="true").content)
    assert sum(1 for x in everything if x.findtext(f"{LIST_NS}formID") == old.form_id) == 2
    # The old version still accepts submissions (a phone may not have updated yet).
    assert device.submit(facility_xml()).status_code == 201


def test_load_formulir_is_idempotent(forms):
    call_command("load_formulir", verbosity=0)
    assert Formulir.objects.count() == 5


# --- Bad input ---------------------------------------------------------------------------------------------


def _nothing_written():
    assert Kiriman.objects.count() == 0 and Lampiran.objects.count() == 0


def test_wrong_and_revoked_token(device, users):
    wrong = OdkClient("bukan-token", device.device)
    for response in (wrong.get("formList"), wrong.head_submission(), wrong.submit(facility_xml())):
        assert response.status_code == 401
        _openrosa(response)
    services.revoke_device(users["op_a"], device.device)
    assert device.get("formList").status_code == 401
    assert device.submit(facility_xml()).status_code == 401
    _nothing_written()


def test_device_loses_rights_with_its_creator(device, users):
    users["op_a"].roles.all().delete()
    assert device.get("formList").status_code == 401


@pytest.mark.parametrize(
    "xml, status, words",
    [
        ("<data id='dusun_survei_fasilitas'><meta>", 400, "rusak"),
        ('<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
         '<data id="dusun_survei_fasilitas" version="2026112901"><nama>&b;</nama></data>', 400, "entitas"),
        ('<data id="formulir_lain" version="1"><meta><instanceID>uuid:x</instanceID></meta></data>', 404,
         "tidak dikenal"),
        ('<data id="dusun_survei_fasilitas" version="1999"><meta><instanceID>uuid:x</instanceID></meta></data>', 404,
         "versi '1999'"),
        ('<data id="dusun_survei_fasilitas" version="2026112901"><mode>baru</mode></data>', 400, "instanceID"),
    ],
)  # fmt: skip
def test_bad_xml(device, xml, status, words):
    response = device.submit(xml)
    assert response.status_code == status
    assert words in _message(response)
    _nothing_written()


def test_closed_version_is_refused(device, forms):
    Formulir.objects.filter(pk=forms["fasilitas"].pk).update(is_open=False)
    response = device.submit(facility_xml())
    assert response.status_code == 409 and "ditutup" in _message(response)
    _nothing_written()


def test_submission_for_another_dusun(device, users):
    from dusun.wilayah.models import Wilayah

    other = Household.objects.create(dusun=Wilayah.objects.get(kode=BERINGIN), kk_number="1508140103200009")
    response = device.submit(census_xml(mode="perbarui", household=other))
    assert response.status_code == 403 and "tidak terdaftar di" in _message(response)
    response = device.submit(census_xml(kk="1508140103200010", rt=f"{BERINGIN}.RT01"))
    assert response.status_code == 403
    _nothing_written()


def test_too_large_is_refused_before_reading(device, settings):
    settings.DUSUN_LAPANGAN_MAX_BYTES = 50_000
    assert int(device.head_submission()["X-OpenRosa-Accept-Content-Length"]) == 50_000
    big = JPEG + b"\x00" * 100_000
    response = device.submit(facility_xml(photo="besar.jpg"), ("besar.jpg", big, "image/jpeg"))
    assert response.status_code == 413 and "batas" in _message(response)
    _nothing_written()


def test_hundred_megabyte_content_length(device):
    response = device.client.post(
        f"{device.base}/submission", b"x", content_type="multipart/form-data; boundary=zz",
        headers={"X-OpenRosa-Version": "1.0"}, CONTENT_LENGTH=str(100 * 1024 * 1024),
    )  # fmt: skip
    assert response.status_code == 413
    _nothing_written()


def test_zip_bomb_attachment_and_compressed_body(device):
    zipped = b"PK\x03\x04" + b"\x00" * 100
    response = device.submit(facility_xml(photo="foto.jpg"), ("foto.jpg", zipped, "image/jpeg"))
    assert response.status_code == 415 and "zip" in _message(response)
    response = device.submit(facility_xml(), headers={"Content-Encoding": "gzip"})
    assert response.status_code == 415
    _nothing_written()


def test_replay_with_different_content_is_refused(device):
    assert device.submit(facility_xml(instance="uuid:sama")).status_code == 201
    response = device.submit(facility_xml(instance="uuid:sama", kind="masjid"))
    assert response.status_code == 409 and "isi berbeda" in _message(response)
    assert Kiriman.objects.get().data["jenis"] == "posyandu"


def test_not_multipart_and_wrong_method(device):
    assert device.client.post(f"{device.base}/submission", "<data/>", content_type="text/xml").status_code == 400
    assert device.client.get(f"{device.base}/submission").status_code == 405
    assert device.client.post(f"{device.base}/submission", {"other": "x"}).status_code == 400
    _nothing_written()


def test_census_hidden_without_personal_rights(users, forms, telang):
    # A kabupaten admin's device sees both; a device whose creator may edit but not read personal data
    # (a superuser without a role) sees only the map surveys, and cannot send a census.
    from dusun.akun.models import User

    root = User.objects.create_user("teknis", password="x-y-z-123456", is_superuser=True)
    device, token = services.create_device(root, telang, "HP teknisi")
    client = OdkClient(token, device)
    ids = [x.findtext(f"{LIST_NS}formID") for x in ET.fromstring(client.get("formList").content)]
    assert "dusun_sensus_keluarga" not in ids and "dusun_survei_fasilitas" in ids
    assert client.submit(census_xml(kk="1508140103200011")).status_code == 403
    _nothing_written()

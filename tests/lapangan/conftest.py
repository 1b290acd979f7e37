"""Fixtures of the field-collection tests: users in roles, the shipped forms loaded, a device (app
user) per village, and a client that speaks OpenRosa the way ODK Collect does."""

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.lapangan import services
from dusun.lapangan.models import Formulir
from dusun.warga.models import Household
from dusun.wilayah.models import Level, Wilayah

PASSWORD = "rahasia-sekali-123"
TELANG, BERINGIN = "15.08.14.2009", "15.08.14.2008"
VERSION = "2026112901"
CENSUS_VERSION = "2026112902"  # the census gained the "koreksi" member choice
# A small valid JPEG header is enough: attachments are recognised by their first bytes.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_user(username: str, role: Role | None, kode: str | None, **extra) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **extra)
    if role is not None:
        assign_role(user, role, Wilayah.objects.get(kode=kode))
    return user


@pytest.fixture
def users(db):
    return {
        "op_a": make_user("op_telang", Role.OPERATOR, TELANG),
        "op_b": make_user("op_beringin", Role.OPERATOR, BERINGIN),
        "camat": make_user("camat_bathin", Role.KECAMATAN, "15.08.14"),
        "admin": make_user("bappeda", Role.KABUPATEN, "15.08"),
    }


@pytest.fixture
def forms(db):
    call_command("load_formulir", verbosity=0)
    return {f.kind: f for f in Formulir.objects.all()}


@pytest.fixture
def telang(db):
    return Wilayah.objects.get(kode=TELANG)


@pytest.fixture
def subunit(telang):
    return Wilayah.objects.create(
        kode=f"{TELANG}.RT01", nama="RT 01", level=Level.SUBUNIT, parent=telang, jenis="rt", geom=telang.geom
    )


@pytest.fixture
def device(users, forms, telang):
    device, token = services.create_device(users["op_a"], telang, "HP Rudi")
    return OdkClient(token, device)


class OdkClient:
    """Requests as ODK Collect sends them: OpenRosa header on every call, relative to the server URL."""

    def __init__(self, token: str, device, client: Client | None = None):
        self.token, self.device, self.client = token, device, client or Client()
        self.base = f"/lapangan/odk/{token}"
        self.headers = {"X-OpenRosa-Version": "1.0"}

    def get(self, path: str, **params):
        url = path if path.startswith("http") or path.startswith("/") else f"{self.base}/{path}"
        return self.client.get(url.replace("http://testserver", ""), params, headers=self.headers)

    def head_submission(self):
        return self.client.head(f"{self.base}/submission", headers=self.headers)

    def submit(self, xml: str | bytes, *files: tuple[str, bytes, str], **extra):
        data = {
            "xml_submission_file": SimpleUploadedFile(
                "submission.xml", xml if isinstance(xml, bytes) else xml.encode(), "text/xml"
            )
        }
        for n, (name, content, content_type) in enumerate(files):
            data[f"file{n}"] = SimpleUploadedFile(name, content, content_type)
        return self.client.post(
            f"{self.base}/submission", data, headers={**self.headers, **extra.pop("headers", {})}, **extra
        )


def _el(name: str, value) -> str:
    return f"<{name}>{value}</{name}>" if value not in (None, "") else f"<{name}/>"


def census_xml(
    *, instance: str | None = None, mode: str = "baru", kk: str = "", household: Household | None = None,
    versi: str = "", members: list[dict] | None = None, photo: str = "", rt: str = "", version: str = CENSUS_VERSION,
    deprecated: str = "", extra: dict | None = None,
) -> str:  # fmt: skip
    fields = {
        "mulai": "2026-11-28T09:00:00.000+07:00",
        "selesai": "2026-11-28T09:20:00.000+07:00",
        "id_perangkat": "collect:abc",
        "mode": mode,
        "keluarga": str(household.uuid) if household else "",
        "keluarga_versi": versi,
        "rt": rt,
        "kk": kk,
        "alamat": "Jalan Lintas Bungo 7",
        "lokasi": "-1.6 102.0 80 5",
        "lantai": "semen",
        "dinding": "kayu",
        "atap": "seng",
        "air_minum": "sumur_bor",
        "jamban": "sendiri",
        "penerangan": "pln_meteran",
        "foto_rumah": photo,
        **(extra or {}),
    }
    body = "".join(_el(k, v) for k, v in fields.items())
    for m in members or []:
        body += "<anggota>" + "".join(_el(k, v) for k, v in m.items()) + "</anggota>"
    instance = instance or f"uuid:{uuid.uuid4()}"
    return (
        f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
        f'id="dusun_sensus_keluarga" version="{version}">{body}<meta><instanceID>{instance}</instanceID>'
        f"{_el('deprecatedID', deprecated) if deprecated else ''}</meta></data>"
    )


def facility_xml(
    *, instance: str | None = None, mode: str = "baru", facility=None, versi: str = "", kind: str = "posyandu",
    lokasi: str = "-1.6 102.0 80 5", photo: str = "",
) -> str:  # fmt: skip
    fields = {
        "mulai": "2026-11-28T09:00:00.000+07:00",
        "mode": mode,
        "fasilitas": str(facility.pk) if facility else "",
        "fasilitas_versi": versi,
        "jenis": kind,
        "nama": "Posyandu Melati",
        "kondisi": "baik",
        "lokasi": lokasi,
        "foto": photo,
        "catatan": "dicek bersama kader",
    }
    body = "".join(_el(k, v) for k, v in fields.items())
    instance = instance or f"uuid:{uuid.uuid4()}"
    return (
        f'<?xml version="1.0"?><data id="dusun_survei_fasilitas" version="{VERSION}">{body}'
        f"<meta><instanceID>{instance}</instanceID></meta></data>"
    )


def member(nik: str, name: str, sex: str, born: dt.date, relationship: str = "kepala", kind: str = "pendataan") -> dict:
    return {
        "peristiwa": kind,
        "nik": nik,
        "nama": name,
        "jk": sex,
        "tanggal_lahir": born.isoformat(),
        "hubungan": relationship,
    }


@pytest.fixture
def point_in_telang(telang):
    p = telang.geom.point_on_surface
    return f"{p.y} {p.x} 0 5"


def potential_xml(*, shape: str, value: str, instance: str | None = None, kind: str = "lubuk_larangan") -> str:
    fields = {"mulai": "2026-11-28T09:00:00.000+07:00", "jenis": kind, "nama": "Lubuk Larangan Batang Telang",
              "bentuk": shape, shape: value, "uraian": "dijaga adat"}  # fmt: skip
    body = "".join(_el(k, v) for k, v in fields.items())
    instance = instance or f"uuid:{uuid.uuid4()}"
    return (
        f'<?xml version="1.0"?><data id="dusun_survei_potensi" version="{VERSION}">{body}'
        f"<meta><instanceID>{instance}</instanceID></meta></data>"
    )

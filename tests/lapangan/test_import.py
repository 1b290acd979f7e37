"""Import of KoboToolbox / ODK Central exports into the review queue: Central's CSV zip with a repeat
file, Kobo's XLSX with a repeat sheet, Kobo's GeoJSON, plain CSV with Central's split geopoint; the
rows wait as pending submissions, approve like phone submissions, and bad files write nothing."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from dusun.lapangan import importer, services
from dusun.lapangan.models import Kiriman
from dusun.ruang.models import Facility, Potential
from dusun.warga.models import Household, Resident
from tests.warga.sheets import nik_for

BORN = dt.date(1985, 6, 9)
NIK = nik_for(BORN, True, 7)


def _csv(rows: list[list[str]]) -> str:
    return "\n".join(",".join(r) for r in rows) + "\n"


def central_zip(instance="uuid:c1") -> bytes:
    main = _csv([
        ["SubmissionDate", "mode", "kk", "alamat", "lokasi-Latitude", "lokasi-Longitude", "lokasi-Altitude",
         "lokasi-Accuracy", "atap", "meta-instanceID", "KEY"],
        ["2026-11-20T03:00:00Z", "baru", "1508140103200031", "Jalan Sungai 3", "-1.6", "102.0", "80", "5", "seng",
         instance, instance],
    ])  # fmt: skip
    members = _csv([
        ["peristiwa", "nik", "nama", "jk", "tanggal_lahir", "hubungan", "PARENT_KEY", "KEY"],
        ["pendataan", NIK, "Rina Wati", "P", BORN.isoformat(), "kepala", instance, f"{instance}/anggota[1]"],
    ])  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dusun_sensus_keluarga.csv", main)
        archive.writestr("dusun_sensus_keluarga-anggota.csv", members)
    return buffer.getvalue()


def test_central_zip_with_repeat(users, forms, telang):
    result = importer.import_export(users["op_a"], telang, forms["sensus"], "ekspor.zip", central_zip())
    assert (result.created, result.skipped, result.errors) == (1, 0, [])
    kiriman = Kiriman.objects.get()
    assert kiriman.status == Kiriman.Status.PENDING and kiriman.perangkat is None
    assert kiriman.data["lokasi"] == "-1.6 102.0 80 5" and kiriman.data["anggota"][0]["nama"] == "Rina Wati"
    services.approve(users["op_a"], kiriman)
    household = Household.objects.get(kk_number="1508140103200031")
    assert household.roof == "seng" and Resident.objects.get(nik=NIK).household == household
    # The same export again: nothing new.
    again = importer.import_export(users["op_a"], telang, forms["sensus"], "ekspor.zip", central_zip())
    assert (again.created, again.skipped) == (0, 1) and Kiriman.objects.count() == 1


def test_kobo_xlsx_with_repeat_sheet(users, forms, telang):
    book = Workbook()
    main = book.active
    main.title = "Sensus keluarga"
    main.append(["mode", "kk", "alamat", "lokasi", "meta/instanceID", "_uuid", "_index"])
    main.append(["baru", "1508140103200032", "Jalan Kobo", "-1.6 102.0 0 5", "uuid:k1", "k1", 1])
    sheet = book.create_sheet("anggota")
    sheet.append(["anggota/peristiwa", "anggota/nik", "anggota/nama", "anggota/jk", "anggota/tanggal_lahir",
                  "anggota/hubungan", "_parent_index"])  # fmt: skip
    sheet.append(["pendataan", NIK, "Rina Wati", "P", BORN.isoformat(), "kepala", 1])
    buffer = io.BytesIO()
    book.save(buffer)
    result = importer.import_export(users["op_a"], telang, forms["sensus"], "kobo.xlsx", buffer.getvalue())
    assert result.created == 1, result.errors
    data = Kiriman.objects.get(instance_id="uuid:k1").data
    assert data["kk"] == "1508140103200032" and data["anggota"][0]["nik"] == NIK


def test_kobo_geojson_polygon(users, forms, telang):
    c = telang.geom.point_on_surface
    ring = [[c.x, c.y], [c.x + 0.001, c.y], [c.x + 0.001, c.y + 0.001], [c.x, c.y]]
    collection = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"jenis": "wisata", "nama": "Air Terjun Telang", "_uuid": "g1"},
    }]}  # fmt: skip
    content = json.dumps(collection).encode()
    result = importer.import_export(users["op_a"], telang, forms["potensi"], "kobo.geojson", content)
    assert result.created == 1
    services.approve(users["op_a"], Kiriman.objects.get(instance_id="uuid:g1"))
    assert Potential.objects.get().geom.geom_type == "Polygon"


def test_facility_csv_through_the_page(client, users, forms, telang):
    p = telang.geom.point_on_surface
    content = _csv([
        ["mode", "jenis", "nama", "lokasi-Latitude", "lokasi-Longitude", "meta-instanceID"],
        ["baru", "masjid", "Masjid Al-Ikhlas", str(p.y), str(p.x), "uuid:f1"],
    ]).encode()  # fmt: skip
    client.force_login(users["op_a"])
    upload = SimpleUploadedFile("central.csv", content, "text/csv")
    page = client.post(reverse("lapangan:import_export", args=[telang.kode]),
                       {"formulir": forms["fasilitas"].pk, "berkas": upload}, follow=True)  # fmt: skip
    assert "1 kiriman masuk antrean" in page.content.decode()
    services.approve(users["op_a"], Kiriman.objects.get())
    assert Facility.objects.get().name == "Masjid Al-Ikhlas"


def test_a_bad_row_refuses_the_file(users, forms, telang, beringin_household):
    content = _csv([
        ["mode", "jenis", "nama", "lokasi", "meta-instanceID"],
        ["baru", "masjid", "Baik", "-1.6 102.0 0 5", "uuid:ok"],
        ["baru", "masjid", "Tanpa ID", "-1.6 102.0 0 5", ""],
    ]).encode()  # fmt: skip
    result = importer.import_export(users["op_a"], telang, forms["fasilitas"], "x.csv", content)
    assert result.errors and "Baris 3" in result.errors[0]
    census = _csv([["mode", "keluarga", "meta-instanceID"], ["perbarui", str(beringin_household.uuid), "uuid:b"]])
    result = importer.import_export(users["op_a"], telang, forms["sensus"], "x.csv", census.encode())
    assert "Baris 2" in result.errors[0] and "tidak terdaftar" in result.errors[0]
    assert not Kiriman.objects.exists()


def test_zip_bomb_and_permissions(users, forms, telang, monkeypatch):
    monkeypatch.setattr(importer, "MAX_UNZIPPED_BYTES", 10_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bom.csv", "mode\n" + "baru\n" * 100_000)  # ≈ 500 KB unpacked from ≈ 1 KB
    assert len(buffer.getvalue()) < 5_000
    with pytest.raises(ValidationError, match="terlalu besar"):
        importer.import_export(users["op_a"], telang, forms["fasilitas"], "bom.zip", buffer.getvalue())
    for who in ("camat", "op_b"):
        with pytest.raises(PermissionDenied):
            importer.import_export(users[who], telang, forms["fasilitas"], "x.csv", b"mode\nbaru\n")
    with pytest.raises(ValidationError, match="Jenis berkas"):
        importer.import_export(users["op_a"], telang, forms["fasilitas"], "x.exe", b"MZ")
    assert not Kiriman.objects.exists()


@pytest.fixture
def beringin_household(db):
    from dusun.wilayah.models import Wilayah

    from .conftest import BERINGIN

    return Household.objects.create(dusun=Wilayah.objects.get(kode=BERINGIN), kk_number="1508140103200039")

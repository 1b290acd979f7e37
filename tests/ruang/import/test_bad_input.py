"""Bad input: each gets a precise Bahasa message saying what, where and how to fix, and the data stays as it
was (nothing reaches the layer tables before a commit, and a refused file never gets that far)."""

import io
import json
import struct
import time
import zipfile

import pytest
from django.urls import reverse

from dusun.ruang.models import (
    Facility,
    FeatureRevision,
    ImportBatch,
    ImportJob,
    LandCover,
    LandCoverSnapshot,
    Legend,
    LineFeature,
    Potential,
)
from dusun.wilayah.selectors import label_point

LAYER_MODELS = (Facility, LandCover, LineFeature, Potential)


@pytest.fixture
def untouched(reference_data):
    """Asserts, after the test, that no layer table, revision or import batch changed."""

    def state():
        return [m.objects.count() for m in LAYER_MODELS] + [
            FeatureRevision.objects.count(),
            ImportBatch.objects.count(),
        ]

    before = state()
    yield
    assert state() == before


def refused(job: ImportJob, *fragments: str) -> str:
    assert job.status == "failed", (job.status, job.message)
    message = job.message.replace("\xa0", " ")  # sizes are written with a no-break space
    for fragment in fragments:
        assert fragment in message, message
    return message


def form_error(response, *fragments: str) -> str:
    assert response.status_code == 200, response.status_code  # the form again, with the error
    assert not ImportJob.objects.exists()
    text = response.content.decode().replace("\xa0", " ")
    for fragment in fragments:
        assert fragment in text, text[:3000]
    return text


# --- Whole-file problems ------------------------------------------------------------------------------------


def test_an_empty_file_is_refused_at_upload(op_client, gis, tmp_path, untouched):
    path = tmp_path / "kosong.geojson"
    path.write_bytes(b"")
    form_error(gis.upload(op_client, gis.TELANG, path, "fasilitas"), "kosong (0 bita)")


def test_a_truncated_geojson_names_the_format_and_the_fix(op_client, gis, tmp_path, spot, untouched):
    path = gis.write_geojson(tmp_path / "putus.geojson", [gis.feature(gis.point(*spot[0]), nama="A", jenis="sd")])
    path.write_text(path.read_text()[:-40])  # cut off mid-file, as an interrupted download leaves it
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    message = refused(job, "sebagai GeoJSON", "rusak atau terpotong")
    # GDAL's own words are passed on as text (they arrive as bytes), e.g. "… Unterminated array".
    assert "b'" not in message and "Failed to read GeoJSON data" in message


def test_a_file_without_features_is_refused(op_client, gis, tmp_path, untouched):
    path = gis.write_geojson(tmp_path / "kosong.geojson", [])
    refused(gis.import_file(op_client, gis.TELANG, path, "fasilitas"), "tidak berisi satu fitur pun")


def test_an_unsupported_extension_is_refused_at_upload(op_client, gis, tmp_path, untouched):
    path = tmp_path / "jalan.shp"
    path.write_bytes(b"\x00\x00\x27\x0a" + bytes(96))
    form_error(gis.upload(op_client, gis.TELANG, path, "jaringan"), "“.shp” tidak didukung", "dalam .zip")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("data.geojson", "zip", "isinya arsip ZIP"),
        ("data.csv", "xlsx", "lembar kerja Excel"),
        ("data.kml", "html", "halaman web (HTML)"),
        ("data.gpkg", "json", "isinya JSON"),
    ],
)
def test_content_that_does_not_match_the_extension(op_client, gis, tmp_path, name, content, expected, untouched):
    path = tmp_path / name
    if content in ("zip", "xlsx"):
        with zipfile.ZipFile(path, "w") as zf:
            if content == "xlsx":
                zf.writestr("[Content_Types].xml", "<Types/>")
                zf.writestr("xl/workbook.xml", "<workbook/>")
            else:
                zf.writestr("a.txt", "x")
    elif content == "html":
        path.write_text("<!DOCTYPE html><html><body>Halaman masuk</body></html>")
    else:
        path.write_text('{"type": "FeatureCollection", "features": []}')
    refused(gis.import_file(op_client, gis.TELANG, path, "fasilitas"), expected)


def test_upload_size_limit(op_client, gis, tmp_path, settings, untouched):
    settings.DUSUN_MAX_IMPORT_BYTES = 2000
    path = tmp_path / "besar.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [], "pad": "x" * 5000}))
    form_error(gis.upload(op_client, gis.TELANG, path, "fasilitas"), "melebihi batas unggah 2,0 KB")


# --- Zip archives -------------------------------------------------------------------------------------------


def _shapefile_parts(gis, tmp_path, spot, drop=()):
    source = gis.write_geojson(tmp_path / "src.geojson", [gis.feature(gis.point(*spot[0]), nama="A", jenis="sd")])
    gis.ogr2ogr("-f", "ESRI Shapefile", tmp_path / "titik.shp", source)
    archive = tmp_path / "titik.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in sorted(tmp_path.glob("titik.*")):
            if part.suffix not in (".zip", *drop):
                zf.write(part, part.name)
    return archive


def test_a_shapefile_zip_without_dbf(op_client, gis, tmp_path, spot, untouched):
    archive = _shapefile_parts(gis, tmp_path, spot, drop=(".dbf",))
    refused(gis.import_file(op_client, gis.TELANG, archive, "fasilitas"), "“titik.shp” tidak lengkap", "titik.dbf")


def test_a_shapefile_zip_without_prj(op_client, gis, tmp_path, spot, untouched):
    archive = _shapefile_parts(gis, tmp_path, spot, drop=(".prj",))
    refused(gis.import_file(op_client, gis.TELANG, archive, "fasilitas"), "tidak menyimpan sistem koordinat", ".prj")


def _patch_sizes(data: bytes, size: int) -> bytes:
    """Rewrite every declared uncompressed size in a zip (local headers and central directory)."""
    buf = bytearray(data)
    pos = 0
    while (pos := buf.find(b"PK\x03\x04", pos)) != -1:
        struct.pack_into("<I", buf, pos + 22, size)
        pos += 4
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) != -1:
        struct.pack_into("<I", buf, pos + 24, size)
        pos += 4
    return bytes(buf)


def test_a_zip_declaring_two_gigabytes_is_refused_before_anything_is_unpacked(op_client, gis, tmp_path, untouched):
    small = io.BytesIO()
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data.geojson", '{"type": "FeatureCollection", "features": []}')
    path = tmp_path / "bom.zip"
    path.write_bytes(_patch_sizes(small.getvalue(), 2 * 1024**3))
    assert path.stat().st_size < 1000
    refused(gis.import_file(op_client, gis.TELANG, path, "fasilitas"), "bom zip", "2,0 GB")


@pytest.fixture(scope="module")
def zeros_zip(tmp_path_factory):
    """A real zip of 2 GiB of zeros (≈ 2 MB compressed), written as a stream: nothing big touches the disk."""
    path = tmp_path_factory.mktemp("bom") / "nol.zip"
    chunk = bytes(16 * 1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("data.geojson", "w", force_zip64=True) as member,
    ):
        for _ in range(128):
            member.write(chunk)
    return path


def test_a_real_two_gigabyte_zip_of_zeros(op_client, gis, zeros_zip, untouched):
    assert zeros_zip.stat().st_size < 5 * 1024 * 1024
    started = time.perf_counter()
    refused(gis.import_file(op_client, gis.TELANG, zeros_zip, "fasilitas"), "bom zip", "2,0 GB")
    assert time.perf_counter() - started < 10  # refused from the directory, not by inflating 2 GiB


def test_a_high_ratio_member_under_the_size_cap(op_client, gis, tmp_path, untouched):
    path = tmp_path / "rasio.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("data.geojson", bytes(64 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    refused(gis.import_file(op_client, gis.TELANG, path, "fasilitas"), "“data.geojson”", "memampat", "bom zip")


@pytest.mark.parametrize("member", ["../../etc/cron.d/jahat.geojson", "/tmp/mutlak.geojson", "data/..\\..\\x.geojson"])
def test_path_traversal_in_a_zip(op_client, gis, tmp_path, member, untouched):
    path = tmp_path / "jalur.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("placeholder.geojson")
        zf.writestr(info, '{"type": "FeatureCollection", "features": []}')
    data = path.read_bytes().replace(
        b"placeholder.geojson", member.encode().ljust(len("placeholder.geojson"), b"_")[:19]
    )
    if len(member) != len("placeholder.geojson"):
        # Rebuild properly with the exact name (zipfile refuses none of these names when writing).
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(zipfile.ZipInfo(member), '{"type": "FeatureCollection", "features": []}')
        data = buf.getvalue()
    path.write_bytes(data)
    refused(gis.import_file(op_client, gis.TELANG, path, "fasilitas"), "nama berkas yang tidak aman")
    assert not (tmp_path.parent / "etc").exists()


def test_a_symlink_in_a_zip(op_client, gis, tmp_path, untouched):
    path = tmp_path / "tautan.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("data.geojson")
        info.external_attr = 0o120777 << 16  # a symbolic link to …
        zf.writestr(info, "/etc/passwd")
    refused(gis.import_file(op_client, gis.TELANG, path, "fasilitas"), "tidak aman")


# --- Feature by feature -------------------------------------------------------------------------------------


def test_3d_and_measured_coordinates_are_flattened_and_reported(op_client, gis, tmp_path, spot):
    path = gis.write_geojson(
        tmp_path / "z.geojson",
        [gis.feature(gis.point(*spot[0], 87.5), nama="Menara", jenis="menara")],
    )
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    assert gis.issues_of(job) == [("fitur ke-1", ["Koordinat Z: nilai Z dibuang, fitur disimpan 2D."])]
    assert job.report["counts"]["accepted"] == 1  # a warning, not a refusal

    line = tmp_path / "m.geojson"
    gis.write_geojson(
        line,
        [
            gis.feature(
                {"type": "LineString", "coordinates": [[*spot[0], 0.0], [*spot[1], 12.5]]}, nama="Jalan", jenis="jalan"
            )
        ],
    )
    measured = tmp_path / "m.gpkg"
    gis.ogr2ogr("-f", "GPKG", measured, line, "-dim", "XYM")
    job = gis.import_file(op_client, gis.TELANG, measured, "jaringan")
    assert gis.codes_of(job) == {"flattened": 1}
    assert "Koordinat M" in gis.issues_of(job)[0][1][0]
    job = gis.commit(op_client, job)
    road = LineFeature.objects.get(import_batch=job.batch)
    assert not road.geom.hasz


def test_self_intersections_are_repaired_or_refused(op_client, gis, tmp_path, telang):
    snapshot = LandCoverSnapshot.objects.create(year=2021, legend=Legend.objects.get(code="klhk-23"), name="Uji")
    (a_lon, a_lat), (b_lon, b_lat), (c_lon, c_lat) = gis.inside_points(telang, 3, step=0.002)
    d = 0.0005
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[a_lon, a_lat], [a_lon + d, a_lat + d], [a_lon + d, a_lat], [a_lon, a_lat + d], [a_lon, a_lat]]
        ],
    }
    collapsed = {  # all on one line: repairing it leaves nothing of a polygon
        "type": "Polygon",
        "coordinates": [[[b_lon, b_lat], [b_lon + d, b_lat + d], [b_lon + 2 * d, b_lat + 2 * d], [b_lon, b_lat]]],
    }
    path = gis.write_geojson(
        tmp_path / "silang.geojson",
        [
            gis.feature(bowtie, kelas="2010"),
            gis.feature(collapsed, kelas="2010"),
            gis.feature(gis.polygon(c_lon, c_lat), kelas="2010"),
        ],
    )
    job = gis.import_file(op_client, gis.TELANG, path, "tutupan-lahan", snapshot=str(snapshot.pk))
    issues = dict(gis.issues_of(job))
    # The same Bahasa explanation as the editor gives (ruang.geometry_messages), never GEOS's English.
    assert "saling bersilangan" in issues["fitur ke-1"][0] and "diperbaiki otomatis" in issues["fitur ke-1"][0]
    assert "jadi fitur ditolak" in issues["fitur ke-2"][0]
    for where in ("fitur ke-1", "fitur ke-2"):
        assert not any(word in issues[where][0] for word in ("Self-intersection", "Too few points", "EMPTY")), issues
    assert job.report["counts"] == {"total": 3, "accepted": 2, "rejected": 1, "warned": 1}
    job = gis.commit(op_client, job, skip_rejected=True)
    stored = list(LandCover.objects.filter(import_batch=job.batch).order_by("pk"))
    assert len(stored) == 2 and all(p.geom.valid for p in stored)
    assert len(stored[0].geom) == 2  # the bow-tie became its two triangles


def test_coordinates_out_of_range_and_swapped_columns(op_client, gis, tmp_path, spot):
    lon, lat = spot[0]
    path = tmp_path / "tertukar.csv"
    path.write_text(f"nama,jenis,lat,lon\nBenar,sd,{lat},{lon}\nTertukar,sd,{lon},{lat}\nSalah,sd,-91.5,250\n")
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    issues = dict(gis.issues_of(job))
    assert set(issues) == {"baris 3", "baris 4"}  # row numbers as the spreadsheet shows them
    assert "di luar jangkauan" in issues["baris 3"][0] and "tertukar" in issues["baris 3"][0]
    assert "di luar jangkauan" in issues["baris 4"][0]
    assert job.report["counts"]["accepted"] == 1


def test_csv_with_bad_wkt_names_the_row(op_client, gis, tmp_path, spot):
    lon, lat = spot[0]
    path = tmp_path / "wkt.csv"
    path.write_text(
        f'WKT,nama,jenis\n"POINT ({lon} {lat})",Baik,sd\n"POINT ({lon} abc)",Rusak,sd\n'
        f',Kosong,sd\n"POINT ({lon}",Putus,sd\n'
    )
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    issues = dict(gis.issues_of(job))
    assert "WKT “POINT (" in issues["baris 3"][0] and "tidak sah" in issues["baris 3"][0]
    assert "kosong" in issues["baris 4"][0]
    assert "tidak sah" in issues["baris 5"][0]
    assert job.report["counts"] == {"total": 4, "accepted": 1, "rejected": 3, "warned": 0}


def test_csv_without_coordinate_columns(op_client, gis, tmp_path, untouched):
    path = tmp_path / "tanpa.csv"
    path.write_text("nama,jenis\nSD,sd\n")
    refused(gis.import_file(op_client, gis.TELANG, path, "fasilitas"), "tidak punya kolom koordinat", "nama, jenis")


def test_wrong_geometry_type(op_client, gis, tmp_path, spot):
    path = gis.write_geojson(
        tmp_path / "campur.geojson",
        [
            gis.feature(gis.point(*spot[0]), nama="Titik", jenis="sd"),
            gis.feature({"type": "LineString", "coordinates": [spot[0], spot[1]]}, nama="Garis", jenis="sd"),
            gis.feature({"type": "MultiPoint", "coordinates": [spot[2]]}, nama="Satu", jenis="sd"),
        ],
    )
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    issues = dict(gis.issues_of(job))
    assert "Tipe geometri LineString tidak diterima lapisan Fasilitas (diterima: Point)" in issues["fitur ke-2"][0]
    assert "MultiPoint berisi satu bagian; disimpan sebagai Point." in issues["fitur ke-3"][0]
    assert job.report["counts"]["accepted"] == 2


def test_a_layer_of_the_wrong_type_altogether(op_client, gis, tmp_path, spot, untouched):
    path = gis.write_geojson(
        tmp_path / "garis.geojson",
        [gis.feature({"type": "LineString", "coordinates": [spot[0], spot[1]]}, nama="Garis")],
    )
    gpkg = tmp_path / "garis.gpkg"
    gis.ogr2ogr("-f", "GPKG", gpkg, path, "-nln", "sungai")
    refused(gis.import_file(op_client, gis.TELANG, gpkg, "fasilitas"), "sungai (LineString, 1)", "Point")


def test_features_outside_the_village(op_client, gis, tmp_path, spot, beringin):
    other = label_point(beringin)
    path = gis.write_geojson(
        tmp_path / "luar.geojson",
        [
            gis.feature(gis.point(*spot[0]), nama="Di dalam", jenis="sd"),
            gis.feature(gis.point(*other), nama="Di Lubuk Beringin", jenis="sd"),
            gis.feature(gis.point(106.8456, -6.2088), nama="Jakarta", jenis="sd"),
        ],
    )
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    issues = dict(gis.issues_of(job))
    assert "di luar batas Dusun Sungai Telang" in issues["fitur ke-2"][0]
    assert " km dari batasnya" in issues["fitur ke-3"][0]
    assert job.report["counts"]["accepted"] == 1


def test_overlapping_land_cover_is_flagged_in_the_file_and_against_stored_polygons(op_client, gis, tmp_path, telang):
    snapshot = LandCoverSnapshot.objects.create(year=2023, legend=Legend.objects.get(code="icraf-bungo"), name="Uji")
    (lon, lat), (lon2, lat2) = gis.inside_points(telang, 2, step=0.003)
    first = gis.write_geojson(tmp_path / "a.geojson", [gis.feature(gis.polygon(lon2, lat2, 0.001), kelas="10")])
    job = gis.commit(
        op_client, gis.import_file(op_client, gis.TELANG, first, "tutupan-lahan", snapshot=str(snapshot.pk))
    )
    stored = LandCover.objects.get(import_batch=job.batch)

    path = gis.write_geojson(
        tmp_path / "b.geojson",
        [
            gis.feature(gis.polygon(lon, lat, 0.001), kelas="10"),
            gis.feature(gis.polygon(lon + 0.0005, lat, 0.001), kelas="1"),  # half over the first
            gis.feature(gis.polygon(lon + 0.001, lat + 0.002, 0.001), kelas="1"),  # touches nothing
            gis.feature(gis.polygon(lon2 + 0.0005, lat2, 0.001), kelas="3"),  # over the stored one
        ],
    )
    job = gis.import_file(op_client, gis.TELANG, path, "tutupan-lahan", snapshot=str(snapshot.pk))
    issues = dict(gis.issues_of(job))
    assert "Tumpang tindih" in issues["fitur ke-1"][0] and "dengan fitur ke-2 di berkas ini" in issues["fitur ke-1"][0]
    assert "dengan fitur ke-1" in issues["fitur ke-2"][0]
    assert "fitur ke-3" not in issues
    assert f"poligon tutupan lahan #{stored.pk}" in issues["fitur ke-4"][0]
    assert job.report["counts"] == {"total": 4, "accepted": 4, "rejected": 0, "warned": 3}  # flagged, not refused


def test_unknown_legend_classes_are_listed(op_client, gis, tmp_path, telang):
    snapshot = LandCoverSnapshot.objects.create(year=2020, legend=Legend.objects.get(code="klhk-23"), name="Uji")
    spots = gis.inside_points(telang, 4, step=0.002)
    codes = ["2010", "9999", "9999", "Hutan lahan kering primer"]  # the last one by its Indonesian name
    path = gis.write_geojson(
        tmp_path / "kelas.geojson", [gis.feature(gis.polygon(*s), pl=c) for s, c in zip(spots, codes, strict=True)]
    )
    job = gis.import_file(op_client, gis.TELANG, path, "tutupan-lahan", snapshot=str(snapshot.pk))
    assert job.mapping["klass"]["column"] == "pl"
    assert job.report["unknown_classes"] == [{"value": "9999", "count": 2, "where": [["kelas", 2], ["kelas", 3]]}]
    page = op_client.get(reverse("ruang:import-job", kwargs={"kode": gis.TELANG, "job_id": job.pk})).content.decode()
    assert "Kelas tutupan lahan yang tidak dikenal" in page and "fitur ke-2, fitur ke-3" in page
    assert "Contoh letak di berkas" in page and "Mis. di" not in page  # a header that says what the column is
    assert "Kelas “9999” di kolom “pl” tidak ada di legenda" in dict(gis.issues_of(job))["fitur ke-2"][0]
    assert job.report["counts"]["accepted"] == 2


def test_a_kml_with_scripts_is_shown_escaped(op_client, gis, tmp_path, spot):
    lon, lat = spot[0]
    kml = tmp_path / "jahat.kml"
    kml.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>
  <name>&lt;img src=x onerror=alert(1)&gt;Air terjun</name>
  <description><![CDATA[<script>alert('xss')</script><b>indah</b>]]></description>
  <Point><coordinates>{lon},{lat},0</coordinates></Point>
</Placemark></Document></kml>""",
        encoding="utf-8",
    )
    job = gis.import_file(op_client, gis.TELANG, kml, "potensi")
    gis.save_mapping(op_client, job, {"kind": ("", "air_terjun")})
    url = reverse("ruang:import-job", kwargs={"kode": gis.TELANG, "job_id": job.pk})
    page = op_client.get(url).content.decode()
    assert "<script>alert(" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page  # shown, as text
    assert "berisi markah HTML atau skrip" in page
    job = gis.commit(op_client, job)
    waterfall = Potential.objects.get(import_batch=job.batch)
    assert waterfall.description.startswith("<script>")  # kept verbatim: it is data, only display escapes
    page = op_client.get(reverse("ruang:import-batch", kwargs={"kode": gis.TELANG, "batch_id": job.batch_id}))
    assert "<script>alert(" not in page.content.decode() and "&lt;script&gt;" in page.content.decode()

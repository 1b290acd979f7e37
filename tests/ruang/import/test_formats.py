"""Every supported format imports end to end: upload → analysis → preview → commit, files made by GDAL."""

import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from dusun.ruang.models import (
    Facility,
    FeatureRevision,
    ImportBatch,
    LandCover,
    LandCoverSnapshot,
    LayerVersion,
    Legend,
    LineFeature,
    Potential,
)


def facilities_geojson(gis, tmp_path, spot, name="fasilitas.geojson"):
    features = [
        gis.feature(gis.point(*spot[0]), nama="SD Negeri 101", jenis="sd", kondisi="baik", tgl_survei="2024-03-17"),
        gis.feature(gis.point(*spot[1]), nama="Posyandu Melati", jenis="Posyandu", kondisi="", tgl_survei="17/03/2024"),
        gis.feature(gis.point(*spot[2]), nama="Masjid Raya", jenis="masjid", kondisi="sedang", tgl_survei=None),
    ]
    return gis.write_geojson(tmp_path / name, features)


def assert_facilities_imported(job, spot):
    assert job.status == "done", job.message
    rows = {f.name: f for f in Facility.objects.filter(import_batch=job.batch)}
    assert set(rows) == {"SD Negeri 101", "Posyandu Melati", "Masjid Raya"}
    assert rows["Posyandu Melati"].kind == "posyandu"  # matched by its label
    assert rows["SD Negeri 101"].survey_date.isoformat() == "2024-03-17"
    assert rows["Posyandu Melati"].survey_date.isoformat() == "2024-03-17"  # Indonesian day/month/year
    assert rows["SD Negeri 101"].geom.x == pytest.approx(spot[0][0], abs=1e-9)
    assert rows["SD Negeri 101"].geom.y == pytest.approx(spot[0][1], abs=1e-9)


def test_geojson_points_import_with_suggested_mapping(op_client, gis, tmp_path, spot, operator):
    before = LayerVersion.objects.filter(layer="fasilitas").values_list("version", flat=True).first() or 0
    job = gis.import_file(op_client, gis.TELANG, facilities_geojson(gis, tmp_path, spot), "fasilitas")
    assert job.status == "preview", job.message
    assert job.mapping["kind"]["column"] == "jenis"
    assert job.mapping["name"]["column"] == "nama"
    assert job.report["counts"] == {"total": 3, "accepted": 3, "rejected": 0, "warned": 0}
    page = op_client.get(reverse("ruang:import-job", kwargs={"kode": gis.TELANG, "job_id": job.pk}))
    assert page.status_code == 200
    assert "Simpan 3 fitur" in page.content.decode()
    job = gis.commit(op_client, job)
    assert_facilities_imported(job, spot)
    batch = ImportBatch.objects.get(pk=job.batch_id)
    assert batch.feature_count == 3 and batch.created_by == operator and batch.dusun.kode == gis.TELANG
    assert FeatureRevision.objects.filter(layer="fasilitas", action="create", user=operator).count() == 3
    # Moved (by our bump, and by the tables' triggers where installed): tile caches let go of old data.
    assert LayerVersion.objects.get(layer="fasilitas").version > before
    # The page after the commit lists the features.
    page = op_client.get(reverse("ruang:import-job", kwargs={"kode": gis.TELANG, "job_id": job.pk})).content.decode()
    assert "Masjid Raya" in page and "Posyandu" in page


@pytest.mark.parametrize(
    ("driver", "suffix", "zipped"),
    [
        ("GPKG", "gpkg", False),
        ("ESRI Shapefile", "shp", True),
        ("KML", "kml", False),
        ("LIBKML", "kmz", False),
        ("CSV", "csv", False),
    ],
)
def test_points_in_every_format(op_client, gis, tmp_path, spot, driver, suffix, zipped):
    source = facilities_geojson(gis, tmp_path, spot, "sumber.geojson")
    target = tmp_path / f"fasilitas.{suffix}"
    extra = {"CSV": ["-lco", "GEOMETRY=AS_WKT"], "KML": ["-dsco", "NameField=nama"]}.get(driver, [])
    gis.ogr2ogr("-f", driver, target, source, *extra)
    if zipped:
        archive = tmp_path / "fasilitas.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for part in tmp_path.glob("fasilitas.*"):
                if part.suffix != ".zip":
                    zf.write(part, f"data/{part.name}")  # inside a folder, as people zip it
        target = archive
    job = gis.import_file(op_client, gis.TELANG, target, "fasilitas")
    assert job.status == "preview", job.message
    if suffix == "kml":
        # KML's own <name> element comes back as the column "Name"; the suggestion maps it all the same.
        assert job.mapping["name"]["column"] == "Name"
    assert job.report["counts"]["accepted"] == 3, gis.issues_of(job)
    job = gis.commit(op_client, job)
    assert_facilities_imported(job, spot)


def test_csv_with_lat_lon_columns_semicolons_and_decimal_commas(op_client, gis, tmp_path, spot):
    rows = ["nama;jenis;lintang;bujur"]
    for i, (lon, lat) in enumerate(spot[:3]):
        rows.append(f"Warung {i};toko;{str(lat).replace('.', ',')};{str(lon).replace('.', ',')}")
    path = tmp_path / "warung.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    assert job.status == "preview", job.message
    assert job.report["counts"]["accepted"] == 3
    assert any("WGS 84" in note for note in _notes(job))  # said, not silently assumed
    job = gis.commit(op_client, job)
    shop = Facility.objects.get(import_batch=job.batch, name="Warung 0")
    assert (shop.geom.x, shop.geom.y) == pytest.approx(spot[0], abs=1e-9)


def test_gpx_waypoints_and_tracks_from_participatory_mapping(op_client, gis, tmp_path, spot):
    (lon1, lat1), (lon2, lat2), (lon3, lat3) = spot[:3]
    gpx = tmp_path / "pemetaan.gpx"
    gpx.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="OsmAnd" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="{lat1}" lon="{lon1}"><ele>92</ele><time>2024-05-02T08:10:00Z</time><name>Mata air Batu</name>
    <desc>jernih, tidak kering</desc></wpt>
  <wpt lat="{lat2}" lon="{lon2}"><ele>95</ele><time>2024-05-02T08:40:00Z</time><name>Lubuk larangan</name></wpt>
  <trk><name>Jalan ke kebun</name><trkseg>
    <trkpt lat="{lat1}" lon="{lon1}"><ele>92</ele></trkpt><trkpt lat="{lat2}" lon="{lon2}"><ele>95</ele></trkpt>
    <trkpt lat="{lat3}" lon="{lon3}"><ele>99</ele></trkpt></trkseg></trk>
</gpx>""",
        encoding="utf-8",
    )
    # Waypoints as potentials: the kind is a fixed value chosen in the mapping (GPX has no such column).
    job = gis.import_file(op_client, gis.TELANG, gpx, "potensi")
    assert job.status == "preview", job.message
    selected = {entry["name"] for entry in job.report["layers"] if entry["selected"]}
    assert selected == {"waypoints"}  # tracks are lines (not taken by this layer), track_points never
    assert job.report["mapping_errors"] == ["kind"]
    gis.save_mapping(op_client, job, {"kind": ("", "mata_air")})
    assert job.status == "preview" and not job.report["mapping_errors"]
    job = gis.commit(op_client, job)
    spring = Potential.objects.get(import_batch=job.batch, name="Mata air Batu")
    assert spring.kind == "mata_air" and spring.survey_date.isoformat() == "2024-05-02"
    assert spring.geom.geom_type == "Point"

    # The same file on the lines layer takes the track.
    job = gis.import_file(op_client, gis.TELANG, gpx, "jaringan")
    assert {entry["name"] for entry in job.report["layers"] if entry["selected"]} == {"tracks"}
    gis.save_mapping(op_client, job, {"kind": ("", "jalan"), "surface": ("", "tanah")})
    job = gis.commit(op_client, job)
    track = LineFeature.objects.get(import_batch=job.batch)
    assert track.name == "Jalan ke kebun" and track.surface == "tanah"
    assert Decimal("100") < track.length_m  # geodesic length recomputed


def test_land_cover_geopackage_into_a_new_snapshot(op_client, gis, tmp_path, telang):
    spots = gis.inside_points(telang, 6, step=0.001)
    features = [
        gis.feature(gis.polygon(lon, lat, 0.0008), kode_pl=code, ket=f"poligon {i}")
        for i, ((lon, lat), code) in enumerate(zip(spots, ["10", "10", "3", "1", "10", "3"], strict=True))
    ]
    source = gis.write_geojson(tmp_path / "tutupan.geojson", features)
    target = tmp_path / "tutupan.gpkg"
    gis.ogr2ogr("-f", "GPKG", target, source, "-nln", "tutupan_2024")
    legend = Legend.objects.get(code="icraf-bungo")
    job = gis.import_file(
        op_client, gis.TELANG, target, "tutupan-lahan", new_year="2024", new_legend=str(legend.pk), new_name="Uji 2024"
    )
    assert job.status == "preview", job.message
    assert job.mapping["klass"]["column"] == "kode_pl"
    assert not LandCoverSnapshot.objects.filter(name="Uji 2024").exists()  # created only by the commit
    job = gis.commit(op_client, job)
    assert job.status == "done", job.message
    snapshot = LandCoverSnapshot.objects.get(name="Uji 2024", year=2024, legend=legend)
    polygons = LandCover.objects.filter(import_batch=job.batch)
    assert polygons.count() == 6 and all(p.snapshot_id == snapshot.pk for p in polygons)
    assert sorted(polygons.values_list("klass__code", flat=True)) == ["1", "10", "10", "10", "3", "3"]
    # 0.0008° squares near the equator: ≈ 89 m × 89 m ≈ 0.79 ha, geodesic.
    assert all(Decimal("0.75") < p.area_ha < Decimal("0.82") for p in polygons)


def _notes(job):
    from dusun.ruang import importer

    return importer.describe_job(job)["notes"]


def test_a_windows_spreadsheet_csv_is_read_as_windows_1252_and_says_so(op_client, gis, tmp_path, spot):
    lon, lat = spot[0]
    path = tmp_path / "excel.csv"
    path.write_bytes(f"nama,jenis,lat,lon\nKantor Désa Sungai Telang,kantor_desa,{lat},{lon}\n".encode("cp1252"))
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    assert job.status == "preview", job.message
    assert any("Windows-1252" in note for note in _notes(job))
    job = gis.commit(op_client, job)
    assert Facility.objects.get(import_batch=job.batch).name == "Kantor Désa Sungai Telang"

"""Coordinate reference systems: read from the file, reprojected to EPSG:4326, never silently assumed."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from dusun.ruang.models import Facility, LandCover, LandCoverSnapshot, Legend


@pytest.fixture
def snapshot(reference_data):
    return LandCoverSnapshot.objects.create(year=2022, legend=Legend.objects.get(code="icraf-bungo"), name="Uji CRS")


@pytest.mark.parametrize("epsg", [32747, 32748])
def test_a_utm_geopackage_lands_where_it_belongs(op_client, gis, tmp_path, telang, snapshot, epsg):
    spots = gis.inside_points(telang, 3, step=0.001)
    originals = [gis.square(lon, lat, 0.0008) for lon, lat in spots]
    source = gis.write_geojson(
        tmp_path / "wgs84.geojson",
        [gis.feature(json.loads(g.geojson), kelas="10", nama=f"P{i}") for i, g in enumerate(originals)],
    )
    target = tmp_path / "utm.gpkg"
    gis.ogr2ogr("-f", "GPKG", target, source, "-t_srs", f"EPSG:{epsg}")
    assert f'"EPSG",{epsg}' in gis.ogrinfo(target).replace(" ", "")  # really stored in UTM metres

    job = gis.import_file(op_client, gis.TELANG, target, "tutupan-lahan", snapshot=str(snapshot.pk))
    assert job.status == "preview", job.message
    assert job.report["crs"][0]["epsg"] == epsg and job.report["crs"][0]["reprojected"]
    job = gis.commit(op_client, job)
    for original, stored in zip(
        originals, LandCover.objects.filter(import_batch=job.batch).order_by("name", "pk"), strict=True
    ):
        assert stored.geom.srid == 4326
        # Back from UTM to within a millionth of a degree (≈ 0.1 m) of where it was drawn, vertex by vertex.
        assert stored.geom.equals_exact(MultiPolygon(GEOSGeometry(original.wkt, srid=4326), srid=4326), 1e-6)


def test_legacy_geojson_crs_member_is_honoured(op_client, gis, tmp_path, spot):
    from django.contrib.gis.geos import Point

    utm = Point(*spot[0], srid=4326)
    utm.transform(32747)
    path = gis.write_geojson(
        tmp_path / "utm.geojson",
        [gis.feature(gis.point(utm.x, utm.y), nama="Kantor", jenis="kantor_desa")],
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32747"}},
    )
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    assert job.status == "preview", job.message
    job = gis.commit(op_client, job)
    office = Facility.objects.get(import_batch=job.batch)
    assert (office.geom.x, office.geom.y) == pytest.approx(spot[0], abs=1e-7)


def _shapefile_zip(gis, tmp_path, spot, srs_args, drop=()):
    import zipfile

    source = gis.write_geojson(
        tmp_path / "src.geojson", [gis.feature(gis.point(*spot[0]), nama="Pustu", jenis="pustu")]
    )
    gis.ogr2ogr("-f", "ESRI Shapefile", tmp_path / "fasilitas.shp", source, *srs_args)
    archive = tmp_path / "fasilitas.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(tmp_path.glob("fasilitas.*")):
            if part.suffix not in (".zip", *drop):
                zf.write(part, part.name)
    return archive


def test_shapefile_without_prj_is_refused_until_a_crs_is_given(op_client, gis, tmp_path, spot):
    archive = _shapefile_zip(gis, tmp_path, spot, ["-t_srs", "EPSG:32747"], drop=(".prj",))
    job = gis.import_file(op_client, gis.TELANG, archive, "fasilitas")
    assert job.status == "failed"
    assert "tidak menyimpan sistem koordinat" in job.message and ".prj" in job.message
    assert not Facility.objects.exists()

    # Told explicitly (UTM 47S), the same file imports at the right place.
    job = gis.import_file(op_client, gis.TELANG, archive, "fasilitas", crs_epsg="32747")
    assert job.status == "preview", job.message
    job = gis.commit(op_client, job)
    pustu = Facility.objects.get(import_batch=job.batch)
    assert (pustu.geom.x, pustu.geom.y) == pytest.approx(spot[0], abs=1e-7)


def test_a_crs_without_epsg_code_is_refused(op_client, gis, tmp_path, spot):
    # A home-made transverse Mercator: a valid .prj, but no EPSG code matches it (decision 0002).
    tm = "+proj=tmerc +lat_0=0 +lon_0=102 +k=0.9999 +x_0=200000 +y_0=1500000 +ellps=WGS84 +units=m +no_defs"
    archive = _shapefile_zip(gis, tmp_path, spot, ["-t_srs", tm])
    job = gis.import_file(op_client, gis.TELANG, archive, "fasilitas")
    assert job.status == "failed"
    assert "tidak dapat dicocokkan dengan kode EPSG" in job.message
    assert not Facility.objects.exists()


def test_an_unknown_crs_name_in_geojson_is_refused_not_guessed(op_client, gis, tmp_path, spot):
    path = gis.write_geojson(
        tmp_path / "aneh.geojson",
        [gis.feature(gis.point(*spot[0]), nama="A", jenis="sd")],
        crs={"type": "name", "properties": {"name": "EPSG:999999"}},
    )
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    assert job.status == "failed"
    assert "tidak dapat dicocokkan dengan kode EPSG" in job.message


def test_metres_in_a_file_that_claims_degrees_are_caught(op_client, gis, tmp_path):
    path = gis.write_geojson(
        tmp_path / "salah.geojson", [gis.feature(gis.point(812345.0, 9845678.0), nama="A", jenis="sd")]
    )
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    assert job.status == "preview"
    [(where, messages)] = gis.issues_of(job)
    assert where == "fitur ke-1"
    assert "di luar jangkauan" in messages[0] and "meter" in messages[0]
    assert job.report["counts"]["accepted"] == 0

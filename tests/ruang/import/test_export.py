"""Exports: every layer, every format, for a village, a kecamatan and the kabupaten, written by GDAL; a
GeoPackage passes GDAL's validator; and importing an export gives back the same features and areas."""

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.urls import reverse

from dusun.ruang import exporter, services
from dusun.ruang.layers import LAYERS
from dusun.ruang.models import LandCover, LandCoverSnapshot, Legend

FORMATS = list(exporter.FORMATS)


@pytest.fixture
def seeded(telang, beringin, operator, gis):
    """A few features of four layers: points, lines, land-cover polygons and mixed-type potentials."""
    from dusun.akun.models import Role
    from dusun.akun.services import assign_role

    assign_role(operator, Role.OPERATOR, beringin)
    spots = gis.inside_points(telang, 6, step=0.002)
    far = gis.inside_points(beringin, 1, step=0.002)[0]
    legend = Legend.objects.get(code="icraf-bungo")
    snapshot = LandCoverSnapshot.objects.create(year=2020, legend=legend, name="Ekspor uji")

    def create(spec, **kwargs):
        # A source on every feature: it is exported and mapped back like any other attribute.
        kwargs["attributes"] = {"source": "Survei partisipatif 2023", **kwargs["attributes"]}
        return services.create_feature(spec, **kwargs)

    create(
        LAYERS["fasilitas"],
        user=operator,
        dusun=telang,
        geom=Point(*spots[0], srid=4326),
        attributes={"kind": "sd", "name": "SD Negeri 1 “Harapan”", "survey_date": "2023-08-17", "note": "internal"},
    )
    create(
        LAYERS["fasilitas"],
        user=operator,
        dusun=telang,
        geom=Point(*spots[1], srid=4326),
        attributes={"kind": "masjid", "name": "Masjid Nurul Iman"},
    )
    create(
        LAYERS["fasilitas"],
        user=operator,
        dusun=beringin,
        geom=Point(*far, srid=4326),
        attributes={"kind": "pasar", "name": "Pasar Beringin"},
    )
    create(
        LAYERS["jaringan"],
        user=operator,
        dusun=telang,
        geom=LineString(spots[2], spots[3], srid=4326),
        attributes={
            "kind": "jalan",
            "surface": "kerikil",
            "condition": "sedang",
            "width_m": "3.25",
            "name": "Jalan Kebun",
        },
    )
    for i, code in enumerate(["10", "3"]):
        lon, lat = spots[4 + i]
        ring = [
            (lon, lat),
            (lon + 0.0011, lat + 0.0001),
            (lon + 0.0010, lat + 0.0009),
            (lon - 0.0001, lat + 0.0010),
            (lon, lat),
        ]
        create(
            LAYERS["tutupan-lahan"],
            user=operator,
            dusun=telang,
            geom=Polygon(ring, srid=4326),
            attributes={"snapshot": snapshot, "klass": legend.classes.get(code=code), "name": f"Blok {i}"},
        )
    lon, lat = spots[5]
    create(
        LAYERS["potensi"],
        user=operator,
        dusun=telang,
        geom=Point(lon + 0.0003, lat - 0.0003, srid=4326),
        attributes={"kind": "mata_air", "name": "Mata air"},
    )
    create(
        LAYERS["potensi"],
        user=operator,
        dusun=telang,
        geom=LineString((lon, lat - 0.0005), (lon + 0.0008, lat - 0.0006), srid=4326),
        attributes={"kind": "lubuk_larangan", "name": "Lubuk", "description": "<b>dilindungi</b> adat"},
    )
    create(
        LAYERS["potensi"],
        user=operator,
        dusun=telang,
        geom=MultiPolygon(gis.square(lon - 0.0005, lat - 0.0010, 0.0004), srid=4326),
        attributes={"kind": "hhbk", "name": "Rotan"},
    )
    return snapshot


def download(client, tmp_path: Path, layer: str, kode: str, fmt: str, snapshot=None) -> Path:
    url = reverse("ruang:export", kwargs={"layer": layer, "kode": kode, "fmt": fmt})
    if snapshot:
        url += f"?potret={snapshot.pk}"
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == exporter.FORMATS[fmt].content_type
    name = response["Content-Disposition"].split("filename=")[-1].strip('"')
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def feature_count(gis, path: Path) -> int:
    source = f"/vsizip/{path}" if path.suffix == ".zip" else str(path)
    info = gis.ogrinfo(Path(source)) if path.suffix != ".zip" else _ogrinfo_zip(gis, path)
    return sum(int(line.split(":")[1]) for line in info.splitlines() if line.startswith("Feature Count:"))


def _ogrinfo_zip(gis, path: Path) -> str:
    result = subprocess.run(  # noqa: S603
        [shutil.which("ogrinfo") or "/usr/bin/ogrinfo", "-ro", "-al", "-so", f"/vsizip/{path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("kode", "expected"), [("15.08.14.2009", 2), ("15.08.14", 3), ("15.08", 3)])
def test_every_format_opens_in_gdal_for_every_level(client, gis, tmp_path, seeded, fmt, kode, expected):
    path = download(client, tmp_path, "fasilitas", kode, fmt)
    assert feature_count(gis, path) == expected


def test_exports_work_with_the_debug_cursor_of_make_run(client, gis, tmp_path, seeded):
    """`make run` serves with DEBUG=1, where Django wraps cursors in CursorDebugWrapper (whose copy() took no
    parameters, so every download was a 500 in development). CaptureQueriesContext forces that wrapper."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection):
        path = download(client, tmp_path, "fasilitas", "15.08.14", "gpkg")
    assert feature_count(gis, path) == 3


def test_an_empty_layer_still_has_its_columns(client, gis, tmp_path, seeded):
    path = download(client, tmp_path, "bangunan", "15.08.14.2009", "gpkg")
    info = gis.ogrinfo(path)
    assert "Feature Count: 0" in info and "fungsi: String" in info and "luas_m2: Real" in info


def validator() -> list[str]:
    for candidate in (
        "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
        "/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
    ):
        if Path(candidate).exists():
            return ["/usr/bin/python3", candidate]
    pytest.fail("GDAL's validate_gpkg.py not found: install the Debian package python3-gdal")


@pytest.mark.parametrize("layer", ["fasilitas", "tutupan-lahan", "potensi", "bangunan"])
def test_geopackages_pass_gdal_validate_gpkg(client, tmp_path, seeded, layer):
    path = download(client, tmp_path, layer, "15.08.14", "gpkg")
    result = subprocess.run([*validator(), str(path)], capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Error" not in result.stdout + result.stderr


def test_internal_notes_only_for_the_areas_staff(client, gis, tmp_path, seeded, operator):
    public = download(client, tmp_path, "fasilitas", "15.08.14.2009", "csv").read_text()
    assert "catatan" not in public and "internal" not in public
    client.force_login(operator)
    staff = download(client, tmp_path, "fasilitas", "15.08.14.2009", "csv").read_text()
    assert "catatan" in staff.splitlines()[0] and "internal" in staff


@pytest.mark.parametrize(
    ("url_kwargs", "query"),
    [
        ({"layer": "tidak-ada", "kode": "15.08", "fmt": "gpkg"}, ""),
        ({"layer": "fasilitas", "kode": "99.99", "fmt": "gpkg"}, ""),
        ({"layer": "tutupan-lahan", "kode": "15.08", "fmt": "gpkg"}, "?potret=999999"),
        ({"layer": "tutupan-lahan", "kode": "15.08", "fmt": "gpkg"}, "?potret=abc"),
    ],
)
def test_unknown_exports_are_404(client, reference_data, url_kwargs, query):
    assert client.get(reverse("ruang:export", kwargs=url_kwargs) + query).status_code == 404


def _signature(spec, features):
    """What must survive a round trip: attributes, geometry (to 1e-9°) and the geodesic measure."""
    fields = [f for f in spec.attribute_fields if f.name not in ("snapshot", "note")]
    rows = []
    for feature in features:
        attrs = tuple(str(getattr(feature, f.attname) if f.name != "klass" else feature.klass.code) for f in fields)
        measure = getattr(feature, spec.measure[0]) if spec.measure else None
        rows.append((attrs, feature.geom, measure))
    return sorted(rows, key=lambda row: row[0])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layer", ["fasilitas", "jaringan", "tutupan-lahan", "potensi"])
def test_export_then_import_reproduces_features_and_areas(op_client, gis, tmp_path, seeded, layer, fmt):
    spec = LAYERS[layer]
    snapshot = seeded if layer == "tutupan-lahan" else None
    originals = list(spec.model.objects.filter(dusun__kode=gis.TELANG).order_by("pk"))
    path = download(op_client, tmp_path, layer, gis.TELANG, fmt, snapshot)
    extra = {}
    if layer == "tutupan-lahan":  # into a new snapshot of the same legend, so both can be compared
        extra = {"new_year": "2021", "new_legend": str(seeded.legend_id), "new_name": f"Impor ulang {fmt}"}
    job = gis.import_file(op_client, gis.TELANG, path, layer, **extra)
    assert job.status == "preview", job.message
    assert not job.report["mapping_errors"], job.mapping
    assert job.report["counts"]["accepted"] == len(originals), gis.issues_of(job)
    job = gis.commit(op_client, job)
    assert job.status == "done", job.message
    imported = list(spec.model.objects.filter(import_batch=job.batch).order_by("pk"))
    for (attrs_a, geom_a, measure_a), (attrs_b, geom_b, measure_b) in zip(
        _signature(spec, originals), _signature(spec, imported), strict=True
    ):
        assert attrs_a == attrs_b
        if geom_a.geom_type != geom_b.geom_type:
            # A Shapefile cannot tell a one-part MultiPolygon from a Polygon; the shape itself must match.
            assert fmt == "shp.zip" and {geom_a.geom_type, geom_b.geom_type} == {"Polygon", "MultiPolygon"}
            geom_a, geom_b = (
                g if g.geom_type == "MultiPolygon" else MultiPolygon(g, srid=4326) for g in (geom_a, geom_b)
            )
        # Vertex by vertex to 1e-9° (≈ 0.1 mm), after normalising ring start and orientation (Shapefiles
        # store outer rings clockwise, GeoJSON counter-clockwise).
        assert geom_a.normalize(clone=True).equals_exact(geom_b.normalize(clone=True), 1e-9), (geom_a.wkt, geom_b.wkt)
        assert measure_a == measure_b  # the same geodesic area/length, to the stored decimal
    if layer == "tutupan-lahan":
        assert LandCover.objects.filter(snapshot__name=f"Impor ulang {fmt}").count() == 2


def test_mixed_geometry_layers_become_one_shapefile_per_type(client, tmp_path, seeded):
    path = download(client, tmp_path, "potensi", "15.08.14.2009", "shp.zip")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
    assert {"potensi_titik.shp", "potensi_garis.shp", "potensi_poligon.shp", "potensi_titik.prj"} <= names
    assert {"potensi_titik.cpg", "BACA-SAYA.txt"} <= names


def test_kml_export_escapes_markup(client, tmp_path, seeded):
    text = download(client, tmp_path, "potensi", "15.08.14.2009", "kml").read_text()
    assert "<b>dilindungi</b>" not in text and "&lt;b&gt;dilindungi&lt;/b&gt;" in text


def test_the_data_pages_of_every_level(client, reference_data, seeded):
    for kode in ("15.08.14.2009", "15.08.14", "15.08"):
        page = client.get(reverse("ruang:area-data", kwargs={"kode": kode}))
        assert page.status_code == 200
        body = page.content.decode()
        assert f"/ekspor/fasilitas/{kode}.gpkg" in body and f"/ekspor/tutupan-lahan/{kode}.shp.zip?potret=" in body
    assert client.get("/ekspor/99/").status_code == 404

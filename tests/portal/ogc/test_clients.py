"""Real clients against a live server: GDAL/OGR's OAPIF driver and a headless QGIS (python3-qgis).

The page size is lowered to 7 (`DUSUN_OGC_MAX_LIMIT`; larger limits are clamped), so the 25 facilities
and 153 villages can only arrive through several pages: a client that does not follow `next` links
correctly gets a wrong count.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dusun.portal.ogc import collections as registry
from dusun.ruang.models import Facility
from dusun.wilayah.models import Level, Wilayah

PAGE = 7
SYSTEM_PYTHON = "/usr/bin/python3"

QGIS_SCRIPT = """
import sys
from qgis.core import QgsApplication, QgsProviderRegistry, QgsVectorLayer

QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
assert "OAPIF" in QgsProviderRegistry.instance().providerList(), "no OAPIF provider"
url, typename = sys.argv[1], sys.argv[2]
layer = QgsVectorLayer(f"url='{url}' typename='{typename}'", typename, "OAPIF")
if not layer.isValid():
    print("INVALID", layer.error().summary())
    sys.exit(3)
print("featureCount", layer.featureCount())
print("iterated", sum(1 for _ in layer.getFeatures()))
print("fields", ",".join(f.name() for f in layer.fields()))
sys.stdout.flush()
del layer  # a layer still alive when QGIS shuts down crashes QGIS 3.22 on exit
app.exitQgis()
"""


def village_count() -> int:
    """What the `dusun` collection serves: the desa/kelurahan of the home kabupaten."""
    return Wilayah.objects.filter(level=Level.DESA, kode__startswith="15.08.").count()


def run(args: list[str], tmp_path: Path, timeout: int = 240) -> str:
    env = dict(os.environ, CPL_DEBUG="OFF", GDAL_HTTP_TIMEOUT="60")
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, cwd=tmp_path)  # noqa: S603
    assert done.returncode == 0, (args, done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    return done.stdout


@pytest.fixture
def small_pages(settings):
    settings.DUSUN_OGC_MAX_LIMIT = PAGE


@pytest.mark.skipif(not shutil.which("ogrinfo"), reason="GDAL's ogrinfo is not installed")
def test_gdal_lists_collections_and_reads_every_feature(live_server, ogc_world, small_pages, tmp_path):
    url = f"OAPIF:{live_server.url}/ogc/"
    listing = run(["ogrinfo", "-ro", "-q", url], tmp_path)
    for collection_id in registry.collections():
        assert re.search(rf"^\d+: {re.escape(collection_id)} ", listing, re.M), (collection_id, listing)

    expected = Facility.objects.count()
    assert expected > 3 * PAGE
    summary = run(["ogrinfo", "-ro", "-so", url, "fasilitas"], tmp_path)
    assert f"Feature Count: {expected}" in summary

    # Read every feature through the pages, then write them to a GeoPackage, as a GIS user would.
    full = run(["ogrinfo", "-ro", "-al", "-q", url, "fasilitas"], tmp_path)
    assert full.count("OGRFeature(fasilitas)") == expected
    assert "created_by" not in full and "is_demo" not in full

    gpkg = tmp_path / "fasilitas.gpkg"
    run(["ogr2ogr", "-f", "GPKG", str(gpkg), url, "fasilitas", "dusun"], tmp_path)
    for layer, count in (
        ("fasilitas", expected),
        ("dusun", village_count()),
    ):
        info = run(["ogrinfo", "-ro", "-so", str(gpkg), layer], tmp_path)
        assert f"Feature Count: {count}" in info, (layer, info)


@pytest.mark.skipif(not shutil.which("ogrinfo"), reason="GDAL's ogrinfo is not installed")
def test_gdal_bbox_and_attribute_filter(live_server, ogc_world, small_pages, tmp_path):
    url = f"OAPIF:{live_server.url}/ogc/"
    q = ogc_world["beringin"].geom.point_on_surface
    out = run(
        [
            "ogrinfo",
            "-ro",
            "-al",
            "-q",
            "-spat",
            str(q.x - 0.001),
            str(q.y - 0.001),
            str(q.x + 0.001),
            str(q.y + 0.001),
            url,
            "fasilitas",
        ],
        tmp_path,
    )
    assert out.count("OGRFeature(fasilitas)") == 2
    # GDAL sends an equality on a queryable (declared in /ogc/api) to the server as ?dusun=…
    out = run(["ogrinfo", "-ro", "-al", "-q", "-where", "dusun = '15.08.14.2008'", url, "fasilitas"], tmp_path)
    assert out.count("OGRFeature(fasilitas)") == 2


def _qgis_available() -> bool:
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=60)  # noqa: S603
    return probe.returncode == 0


@pytest.mark.skipif(not _qgis_available(), reason="python3-qgis (Debian package) is not installed")
@pytest.mark.parametrize("collection", ["fasilitas", "dusun"])
def test_headless_qgis_loads_a_collection(live_server, ogc_world, small_pages, tmp_path, collection):
    script = tmp_path / "qgis_count.py"
    script.write_text(QGIS_SCRIPT)
    runtime = tmp_path / "xdg"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime), HOME=str(tmp_path))
    done = subprocess.run(  # noqa: S603
        [SYSTEM_PYTHON, str(script), f"{live_server.url}/ogc/", collection],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    expected = Facility.objects.count() if collection == "fasilitas" else village_count()
    assert f"featureCount {expected}\n" in done.stdout, done.stdout
    assert f"iterated {expected}\n" in done.stdout, done.stdout
    fields = done.stdout.split("fields ", 1)[1].split(",")
    assert not set(fields) & registry.PRIVATE_FIELDS

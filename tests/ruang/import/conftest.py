"""Fixtures for import/export tests: a village with an operator, and helpers that write real GIS files with
GDAL (`ogr2ogr`) or by hand, upload them through the web pages and read back what happened."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.urls import reverse

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.ruang.models import ImportJob
from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point

TELANG = "15.08.14.2009"  # Dusun Sungai Telang, Kecamatan Bathin III Ulu
BERINGIN = "15.08.14.2008"  # Dusun Lubuk Beringin, same kecamatan
PASSWORD = "rahasia-sekali-123"
OGR2OGR = shutil.which("ogr2ogr") or "/usr/bin/ogr2ogr"
OGRINFO = shutil.which("ogrinfo") or "/usr/bin/ogrinfo"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads go to the test's own folder, never into the checkout's .data/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def telang(reference_data):
    return Wilayah.objects.get(kode=TELANG)


@pytest.fixture
def beringin(reference_data):
    return Wilayah.objects.get(kode=BERINGIN)


@pytest.fixture
def operator(telang):
    user = User.objects.create_user("op-telang", password=PASSWORD)
    assign_role(user, Role.OPERATOR, telang)
    return user


@pytest.fixture
def op_client(client, operator):
    client.force_login(operator)
    return client


def inside_points(village: Wilayah, n: int, step: float = 0.0006) -> list[tuple[float, float]]:
    """`n` points on a grid around the village's label point, each well inside the boundary."""
    lon0, lat0 = label_point(village)
    boundary = village.geom
    points, radius = [], 0
    while len(points) < n and radius < 200:
        for i in range(-radius, radius + 1):
            for j in range(-radius, radius + 1):
                if max(abs(i), abs(j)) != radius:
                    continue
                lon, lat = lon0 + i * step, lat0 + j * step
                cell = square(lon, lat, step * 0.8)
                if boundary.contains(cell):
                    points.append((lon, lat))
                    if len(points) == n:
                        return points
        radius += 1
    raise AssertionError("not enough room inside the village")


def square(lon: float, lat: float, size: float = 0.0004) -> Polygon:
    half = size / 2
    return Polygon(
        (
            (lon - half, lat - half),
            (lon + half, lat - half),
            (lon + half, lat + half),
            (lon - half, lat + half),
            (lon - half, lat - half),
        ),
        srid=4326,
    )


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def point(lon, lat, *extra) -> dict:
    return {"type": "Point", "coordinates": [lon, lat, *extra]}


def polygon(lon, lat, size=0.0004) -> dict:
    return json.loads(square(lon, lat, size).geojson)


def write_geojson(path: Path, features: list[dict], **extra) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}), encoding="utf-8")
    return path


def ogr2ogr(*args: str) -> None:
    """Convert with GDAL's own tool, so fixture files are what GIS software really writes."""
    result = subprocess.run([OGR2OGR, *map(str, args)], capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr


def ogrinfo(path: Path) -> str:
    result = subprocess.run([OGRINFO, "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    return result.stdout


def upload(client, village_kode: str, path: Path, layer: str, name: str | None = None, **fields):
    """POST the upload form; returns the response (a redirect to the job page when accepted)."""
    with path.open("rb") as handle:
        data = {"layer": layer, "file": handle, **fields}
        if name:
            handle.name = name
        return client.post(reverse("ruang:import-start", kwargs={"kode": village_kode}), data)


def job_from(response) -> ImportJob:
    assert response.status_code == 302, getattr(response, "content", b"")[:3000]
    match = re.search(r"/impor/(\d+)/$", response["Location"])
    assert match, response["Location"]
    return ImportJob.objects.get(pk=int(match.group(1)))


def import_file(client, village_kode, path, layer, name=None, **fields) -> ImportJob:
    """Upload and analyse (the test task backend runs the analysis at once); the job in its new state."""
    job = job_from(upload(client, village_kode, path, layer, name, **fields))
    job.refresh_from_db()
    return job


def commit(client, job: ImportJob, skip_rejected: bool = False) -> ImportJob:
    url = reverse("ruang:import-commit", kwargs={"kode": job.dusun.kode, "job_id": job.pk})
    response = client.post(url, {"skip_rejected": "on"} if skip_rejected else {})
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def save_mapping(client, job: ImportJob, mapping: dict[str, tuple[str, str]]):
    """mapping: field → (column, fixed value); unmentioned fields keep the job's current mapping."""
    data = {}
    for name, entry in job.mapping.items():
        data[f"col_{name}"] = entry["column"]
        data[f"val_{name}"] = entry["value"]
    for name, (column, value) in mapping.items():
        data[f"col_{name}"], data[f"val_{name}"] = column, value
    url = reverse("ruang:import-mapping", kwargs={"kode": job.dusun.kode, "job_id": job.pk})
    response = client.post(url, data)
    job.refresh_from_db()
    return response


def issues_of(job: ImportJob) -> list[tuple[str, list[str]]]:
    """(where, [message, …]) of every feature with something to report, from the preview's reader."""
    from dusun.ruang import importer

    result = importer.problem_features(job, "semua", 1, per_page=10_000)
    return [(row["where"], [m["text"] for m in row["messages"]]) for row in result["rows"]]


def codes_of(job: ImportJob) -> dict[str, int]:
    return {entry["code"]: entry["count"] for entry in (job.report.get("by_code") or [])}


@pytest.fixture
def spot(telang):
    """Ten points well inside Sungai Telang."""
    return inside_points(telang, 10)


@pytest.fixture
def outside_point():
    return Point(106.8456, -6.2088, srid=4326)  # Jakarta


@pytest.fixture
def gis():
    """The helpers above, for test modules (a package named `import` cannot be imported from by name)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        inside_points=inside_points,
        square=square,
        feature=feature,
        point=point,
        polygon=polygon,
        write_geojson=write_geojson,
        ogr2ogr=ogr2ogr,
        ogrinfo=ogrinfo,
        upload=upload,
        job_from=job_from,
        import_file=import_file,
        commit=commit,
        save_mapping=save_mapping,
        issues_of=issues_of,
        codes_of=codes_of,
        TELANG=TELANG,
        BERINGIN=BERINGIN,
        PASSWORD=PASSWORD,
    )

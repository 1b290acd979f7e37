"""Import of a 50,000-polygon GeoPackage, end to end (upload → analysis → preview checks → commit), against
a raw `ogr2ogr` load of the same file into a scratch PostGIS table measured in the same run.

The file is made with GDAL: 50,000 land-cover cells inside the largest village, in UTM 47S (so the import
reprojects every vertex), with ICRAF class codes. Needs the wilayah and legends loaded (no demo data).
Everything the benchmark writes (snapshot, polygons, revisions, batch, job, user) is removed afterwards.
Target (issue 3): ≤ 60 s.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

N_FEATURES = 50_000
TARGET_S = 60.0
ICRAF_CODES = ["1", "3", "10", "12", "19", "20"]


def _village():
    from dusun.wilayah.models import Level, Wilayah

    return (
        Wilayah.objects.filter(level=Level.DESA, geom__isnull=False, kode__startswith="15.08.")
        .order_by("-luas_ha")
        .first()
    )


def _make_gpkg(village, folder: Path, n: int) -> Path:
    """A grid of square cells wholly inside the village, written by ogr2ogr (CSV of WKT → GeoPackage)."""
    boundary = village.geom
    prepared = boundary.prepared
    xmin, ymin, xmax, ymax = boundary.extent
    size = (boundary.area / (n * 1.25)) ** 0.5  # leaves room for the cells cut by the boundary
    csv_path = folder / "sel.csv"
    written = 0
    with csv_path.open("w") as out:
        out.write("WKT,kode_kelas,nama,sumber\n")
        y = ymin
        while y < ymax and written < n:
            x = xmin
            while x < xmax and written < n:
                wkt = f"POLYGON (({x} {y},{x + size} {y},{x + size} {y + size},{x} {y + size},{x} {y}))"
                from django.contrib.gis.geos import GEOSGeometry

                if prepared.contains(GEOSGeometry(wkt, srid=4326)):
                    code = ICRAF_CODES[written % len(ICRAF_CODES)]
                    out.write(f'"{wkt}",{code},Sel {written},Bench impor\n')
                    written += 1
                x += size
            y += size
    if written < n:
        raise RuntimeError(f"only {written} cells fit inside {village}")
    gpkg = folder / "tutupan_50k.gpkg"
    subprocess.run(
        [
            shutil.which("ogr2ogr") or "ogr2ogr",
            "-f",
            "GPKG",
            str(gpkg),
            str(csv_path),
            "-oo",
            "GEOM_POSSIBLE_NAMES=WKT",
            "-oo",
            "KEEP_GEOM_COLUMNS=NO",
            "-s_srs",
            "EPSG:4326",
            "-t_srs",
            "EPSG:32747",
            "-nlt",
            "POLYGON",
            "-nln",
            "tutupan_lahan",
        ],
        check=True,
        capture_output=True,
    )
    return gpkg


def _reference_ogr2ogr(gpkg: Path) -> float:
    """Seconds for GDAL alone to load the file into PostGIS (COPY, reprojected, with a spatial index)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    dsn = f"PG:host={db.get('HOST') or 'localhost'} port={db.get('PORT') or 5432} dbname={db['NAME']} user={db['USER']}"
    table = "bench_import_reference"
    started = time.perf_counter()
    subprocess.run(
        [
            shutil.which("ogr2ogr") or "ogr2ogr",
            "-f",
            "PostgreSQL",
            dsn,
            str(gpkg),
            "-nln",
            table,
            "-t_srs",
            "EPSG:4326",
            "-lco",
            "SPATIAL_INDEX=GIST",
            "-overwrite",
            "--config",
            "PG_USE_COPY",
            "YES",
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    elapsed = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return elapsed


def run() -> list[str]:
    from django.core.files import File

    from dusun.akun.models import User
    from dusun.ruang import importer
    from dusun.ruang.models import (
        FeatureRevision,
        ImportBatch,
        ImportJob,
        ImportMapping,
        LandCover,
        LandCoverSnapshot,
        Legend,
    )

    village = _village()
    if village is None:
        return ["SKIPPED: no village boundaries loaded (run manage.py load_wilayah and load_legends)"]
    legend = Legend.objects.get(code="icraf-bungo")
    folder = Path(tempfile.mkdtemp(prefix="bench-impor-"))
    user = User.objects.create(username=f"bench-impor-{os.getpid()}", is_superuser=True, is_active=True)
    snapshot_name = f"Bench impor {os.getpid()}"
    job = None
    lines = []
    try:
        started = time.perf_counter()
        gpkg = _make_gpkg(village, folder, N_FEATURES)
        lines.append(
            f"generated {N_FEATURES:,} cells inside {village} in {time.perf_counter() - started:.1f} s "
            f"({gpkg.stat().st_size / 1e6:.1f} MB GeoPackage, EPSG:32747)"
        )
        reference = _reference_ogr2ogr(gpkg)

        t0 = time.perf_counter()
        with gpkg.open("rb") as handle:
            job = importer.create_job(
                user=user,
                dusun=village,
                layer="tutupan-lahan",
                upload=File(handle, name=gpkg.name),
                new_snapshot={"year": 2099, "legend_id": legend.pk, "name": snapshot_name},
            )
        t1 = time.perf_counter()
        importer.analyse(job.pk)
        t2 = time.perf_counter()
        job.refresh_from_db()
        if job.status != ImportJob.Status.PREVIEW:
            return [*lines, f"FAILED: analysis ended in {job.status}: {job.message}"]
        accepted = job.report["counts"]["accepted"]
        if not importer.request_commit(job, user):
            return [*lines, f"FAILED: not committable: {job.report.get('mapping_errors')}"]
        batch = importer.commit(job.pk)
        t3 = time.perf_counter()
        job.refresh_from_db()
        if batch is None:
            return [*lines, f"FAILED: commit: {job.message}"]
        total = t3 - t0
        verdict = "OK" if total <= TARGET_S else "TOO SLOW"
        lines += [
            f"reference: raw ogr2ogr → PostGIS of the same file {reference:.1f} s",
            f"upload {t1 - t0:.1f} s, analysis (read, reproject, repair, boundary, overlaps, attributes) "
            f"{t2 - t1:.1f} s, commit (insert, geodesic areas, {batch.feature_count:,} revisions) {t3 - t2:.1f} s",
            f"import end to end {total:.1f} s for {accepted:,} polygons = {total / reference:.1f}× raw ogr2ogr; "
            f"target ≤ {TARGET_S:.0f} s: {verdict}",
        ]
        return lines
    finally:
        if job is not None:
            job = ImportJob.objects.filter(pk=job.pk).first()
        if job is not None:
            importer.drop_stage(job)
            if job.batch_id:
                FeatureRevision.objects.filter(
                    layer="tutupan-lahan",
                    feature_id__in=LandCover.objects.filter(import_batch_id=job.batch_id).values("pk"),
                ).delete()
                LandCover.objects.filter(import_batch_id=job.batch_id).delete()
                ImportMapping.objects.filter(
                    layer="tutupan-lahan", dusun=village, source_signature=job.report.get("signature")
                ).delete()
            batch_id = job.batch_id
            if job.upload:
                job.upload.delete(save=False)
            job.delete()
            ImportBatch.objects.filter(pk=batch_id).delete()
        LandCoverSnapshot.objects.filter(name=snapshot_name, year=2099).delete()
        user.delete()
        shutil.rmtree(folder, ignore_errors=True)

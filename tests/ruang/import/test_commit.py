"""The commit is all-or-nothing, leaves history and provenance, and remembers the operator's mapping."""

import pytest
from django.db import connection
from django.urls import reverse

from dusun.ruang import importer, services
from dusun.ruang.layers import LAYERS
from dusun.ruang.models import Facility, FeatureRevision, ImportBatch, ImportJob, ImportMapping, LayerVersion


def survey_file(gis, tmp_path, spot, name="survei.geojson", n=4):
    features = [
        gis.feature(
            gis.point(*spot[i]), NAMA_OBJ=f"Objek {i}", KLASIFIKASI="Posyandu" if i % 2 else "SD/MI", CATATAN=f"c{i}"
        )
        for i in range(n)
    ]
    return gis.write_geojson(tmp_path / name, features)


def stage_exists(job) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [importer.stage_table(job)])
        return cursor.fetchone()[0]


def test_a_failure_during_commit_writes_nothing_and_the_job_can_be_retried(
    op_client, gis, tmp_path, spot, monkeypatch, caplog
):
    job = gis.import_file(op_client, gis.TELANG, survey_file(gis, tmp_path, spot), "fasilitas")
    gis.save_mapping(op_client, job, {"kind": ("KLASIFIKASI", ""), "name": ("NAMA_OBJ", "")})
    assert job.report["counts"]["accepted"] == 4
    versions = list(LayerVersion.objects.values_list("layer", "version").order_by("layer"))

    def explode(spec, features):
        assert features.count() == 4  # the rows were inserted …
        raise RuntimeError("disk penuh, Objek 1")  # … and then something failed (quoting an attribute value)

    monkeypatch.setattr(services, "recompute_measures", explode)
    job = gis.commit(op_client, job)
    assert job.status == "preview"
    assert "dibatalkan seluruhnya; tidak ada data yang berubah" in job.message
    # A Bahasa message with a reference to quote, never the exception's class; the log has the detail
    # under the same reference, but not the message (it may quote personal data).
    assert "RuntimeError" not in job.message and "kesalahan sistem" in job.message
    ref = job.report["error"]["params"]["ref"]
    assert ref in job.message
    page = op_client.get(reverse("ruang:import-job", kwargs={"kode": gis.TELANG, "job_id": job.pk})).content.decode()
    assert "RuntimeError" not in page and ref in page
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "dusun.ruang.importer")
    assert ref in logged and "RuntimeError" in logged and "Objek 1" not in logged
    assert Facility.objects.count() == 0 and FeatureRevision.objects.count() == 0 and ImportBatch.objects.count() == 0
    assert list(LayerVersion.objects.values_list("layer", "version").order_by("layer")) == versions
    assert not ImportMapping.objects.exists()
    assert stage_exists(job)  # kept for the retry

    monkeypatch.undo()
    job = gis.commit(op_client, job)
    assert job.status == "done" and Facility.objects.filter(import_batch=job.batch).count() == 4
    assert not stage_exists(job)


def test_revisions_match_what_the_edit_services_write(op_client, gis, tmp_path, spot, operator):
    path = gis.write_geojson(
        tmp_path / "jalan.geojson",
        [
            gis.feature(
                {"type": "LineString", "coordinates": [spot[0], spot[1]]},
                nama="Jalan Poros",
                jenis="jalan",
                permukaan="Aspal",
                kondisi="rusak_ringan",
                lebar_m="4,5",
                tgl_survei="2024-02-29",
            )
        ],
    )
    job = gis.commit(op_client, gis.import_file(op_client, gis.TELANG, path, "jaringan"))
    road = LAYERS["jaringan"].model.objects.get(import_batch=job.batch)
    assert (road.surface, road.condition, str(road.width_m)) == ("aspal", "rusak_ringan", "4.50")
    revision = FeatureRevision.objects.get(layer="jaringan", feature_id=road.pk)
    expected = services.feature_snapshot(LAYERS["jaringan"], road)
    geometry = revision.data.pop("geometry")
    expected_geometry = expected.pop("geometry")
    assert revision.data == expected
    assert geometry["type"] == expected_geometry["type"] == "MultiLineString"
    flat = [c for line in geometry["coordinates"] for xy in line for c in xy]
    assert flat == pytest.approx([c for line in expected_geometry["coordinates"] for xy in line for c in xy])
    assert revision.action == "create" and revision.user == operator


def test_the_mapping_is_remembered_for_the_next_file_with_the_same_columns(op_client, gis, tmp_path, spot):
    first = gis.import_file(op_client, gis.TELANG, survey_file(gis, tmp_path, spot, "a.geojson"), "fasilitas")
    assert first.mapping["kind"]["column"] == ""  # "KLASIFIKASI" is not a name the suggestion knows for Jenis
    assert first.report["mapping_errors"] == ["kind"]
    gis.save_mapping(op_client, first, {"kind": ("KLASIFIKASI", ""), "name": ("NAMA_OBJ", ""), "note": ("CATATAN", "")})
    gis.commit(op_client, first)
    assert ImportMapping.objects.filter(layer="fasilitas", dusun__kode=gis.TELANG).count() == 1

    # Same columns in another order, other values: the remembered mapping is offered straight away.
    second_file = gis.write_geojson(
        tmp_path / "b.geojson",
        [gis.feature(gis.point(*spot[5]), CATATAN="x", KLASIFIKASI="masjid", NAMA_OBJ="Masjid Baru")],
    )
    second = gis.import_file(op_client, gis.TELANG, second_file, "fasilitas")
    assert second.mapping["kind"] == {"column": "KLASIFIKASI", "value": ""}
    assert second.mapping["name"]["column"] == "NAMA_OBJ"
    assert second.report["remembered"] and not second.report["mapping_errors"]
    assert any("impor sebelumnya" in note for note in importer.describe_job(second)["notes"])
    # … but not in another village, nor for other columns.
    other = gis.write_geojson(tmp_path / "c.geojson", [gis.feature(gis.point(*spot[6]), KLASIFIKASI="sd", LAIN="1")])
    assert not gis.import_file(op_client, gis.TELANG, other, "fasilitas").report["remembered"]


def test_fixing_the_mapping_turns_refusals_into_accepted_features(op_client, gis, tmp_path, spot):
    job = gis.import_file(op_client, gis.TELANG, survey_file(gis, tmp_path, spot), "fasilitas")
    gis.save_mapping(op_client, job, {"kind": ("CATATAN", "")})  # wrong column: c0, c1 … are no kinds
    assert job.report["counts"]["rejected"] == 4
    assert "bukan pilihan Jenis yang dikenal" in gis.issues_of(job)[0][1][0]
    response = gis.save_mapping(op_client, job, {"kind": ("", "bukan-jenis")})  # a wrong fixed value
    assert response.status_code == 400 and "bukan pilihan Jenis" in response.content.decode()
    gis.save_mapping(op_client, job, {"kind": ("KLASIFIKASI", "")})
    assert job.report["counts"] == {"total": 4, "accepted": 4, "rejected": 0, "warned": 0}


def test_commit_refuses_without_acknowledging_rejected_features(op_client, gis, tmp_path, spot):
    path = gis.write_geojson(
        tmp_path / "x.geojson",
        [gis.feature(gis.point(*spot[0]), nama="A", jenis="sd"), gis.feature(None, nama="B", jenis="sd")],
    )
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    assert job.report["counts"]["rejected"] == 1
    job = gis.commit(op_client, job)
    assert job.status == "preview" and not Facility.objects.exists()
    job = gis.commit(op_client, job, skip_rejected=True)
    assert job.status == "done" and list(Facility.objects.values_list("name", flat=True)) == ["A"]


def test_a_second_commit_does_nothing(op_client, gis, tmp_path, spot):
    job = gis.import_file(op_client, gis.TELANG, survey_file(gis, tmp_path, spot), "fasilitas")
    gis.save_mapping(op_client, job, {"kind": ("KLASIFIKASI", "")})
    gis.commit(op_client, job)
    gis.commit(op_client, job)
    assert importer.commit(job.pk) is None
    assert Facility.objects.count() == 4 and ImportBatch.objects.count() == 1


def test_cancel_leaves_no_trace(op_client, gis, tmp_path, spot):
    job = gis.import_file(op_client, gis.TELANG, survey_file(gis, tmp_path, spot), "fasilitas")
    stored = job.upload.path
    response = op_client.post(reverse("ruang:import-cancel", kwargs={"kode": gis.TELANG, "job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled" and not stage_exists(job)
    import os

    assert not os.path.exists(stored)


def test_choosing_other_source_layers_re_analyses(op_client, gis, tmp_path, spot):
    kml = tmp_path / "dua.kml"
    points = "".join(
        f"<Placemark><name>{n}</name><Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>"
        for n, (lon, lat) in [("Sekolah A", spot[0]), ("Sekolah B", spot[1])]
    )
    kml.write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<Folder><name>Sekolah</name>{points}</Folder>"
        f"<Folder><name>Masjid</name><Placemark><name>Masjid</name><Point><coordinates>{spot[2][0]},{spot[2][1]}"
        "</coordinates></Point></Placemark></Folder></Document></kml>"
    )
    job = gis.import_file(op_client, gis.TELANG, kml, "fasilitas")
    assert job.report["multi_layer"] and job.report["counts"]["total"] == 3
    url = reverse("ruang:import-layers", kwargs={"kode": gis.TELANG, "job_id": job.pk})
    op_client.post(url, {"layers": ["Sekolah"]})
    job.refresh_from_db()
    assert job.status == "preview" and job.report["counts"]["total"] == 2
    gis.save_mapping(op_client, job, {"kind": ("", "sd")})
    job = gis.commit(op_client, job)
    assert sorted(Facility.objects.values_list("name", flat=True)) == ["Sekolah A", "Sekolah B"]


def test_progress_fragment_polls_until_the_job_moves_on(op_client, gis, tmp_path, spot, operator, telang):
    path = survey_file(gis, tmp_path, spot)
    with path.open("rb") as handle:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("survei.geojson", handle.read())
    job = importer.create_job(user=operator, dusun=telang, layer="fasilitas", upload=upload)  # not yet analysed
    url = reverse("ruang:import-progress", kwargs={"kode": gis.TELANG, "job_id": job.pk})
    fragment = op_client.get(url)
    assert fragment.status_code == 200 and 'hx-trigger="every 1s"' in fragment.content.decode()
    page = op_client.get(reverse("ruang:import-job", kwargs={"kode": gis.TELANG, "job_id": job.pk}))
    assert "<progress" in page.content.decode()
    importer.analyse(job.pk)
    done = op_client.get(url)
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW and job.progress == 100

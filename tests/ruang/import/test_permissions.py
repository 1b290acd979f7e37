"""Only those who may edit a village import into it; history for its staff; downloads for everyone."""

import pytest
from django.urls import reverse

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.ruang import importer
from dusun.ruang.models import Facility, ImportJob
from dusun.wilayah.models import Wilayah


@pytest.fixture
def other_operator(beringin):
    user = User.objects.create_user("op-beringin", password="rahasia-sekali-123")
    assign_role(user, Role.OPERATOR, beringin)
    return user


@pytest.fixture
def preview_job(op_client, gis, tmp_path, spot):
    path = gis.write_geojson(tmp_path / "a.geojson", [gis.feature(gis.point(*spot[0]), nama="SD", jenis="sd")])
    job = gis.import_file(op_client, gis.TELANG, path, "fasilitas")
    assert job.status == "preview"
    return job


def job_urls(job):
    kwargs = {"kode": job.dusun.kode, "job_id": job.pk}
    return {
        name: reverse(f"ruang:import-{name}", kwargs=kwargs)
        for name in ("job", "progress", "mapping", "commit", "cancel", "layers")
    }


def test_an_operator_of_another_village_gets_403_everywhere(client, other_operator, preview_job, gis, tmp_path, spot):
    client.force_login(other_operator)
    assert client.get(reverse("ruang:import-start", kwargs={"kode": gis.TELANG})).status_code == 403
    path = gis.write_geojson(tmp_path / "b.geojson", [gis.feature(gis.point(*spot[1]), nama="X", jenis="sd")])
    assert gis.upload(client, gis.TELANG, path, "fasilitas").status_code == 403
    urls = job_urls(preview_job)
    assert client.get(urls["job"]).status_code == 403
    assert client.get(urls["progress"]).status_code == 403
    for name in ("mapping", "commit", "cancel", "layers"):
        assert client.post(urls[name], {"skip_rejected": "on"}).status_code == 403, name
    preview_job.refresh_from_db()
    assert preview_job.status == "preview" and not Facility.objects.exists()
    assert ImportJob.objects.count() == 1
    # Nor can a job be reached through their own village's URL.
    other_url = reverse("ruang:import-job", kwargs={"kode": gis.BERINGIN, "job_id": preview_job.pk})
    assert client.get(other_url).status_code == 404


def test_anonymous_users_are_sent_to_login(client, preview_job, gis):
    client.logout()  # the fixture's upload logged this client in
    for url in [reverse("ruang:import-start", kwargs={"kode": gis.TELANG}), *job_urls(preview_job).values()]:
        response = client.get(url) if url.endswith(("/", "kemajuan/")) else client.post(url)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"], url
    history = reverse("ruang:import-history", kwargs={"kode": gis.TELANG})
    assert "/akun/masuk/" in client.get(history)["Location"]


def test_kecamatan_staff_see_history_but_cannot_import(client, gis, reference_data, preview_job, op_client):
    gis.commit(op_client, preview_job)
    staff = User.objects.create_user("camat", password="rahasia-sekali-123")
    assign_role(staff, Role.KECAMATAN, Wilayah.objects.get(kode="15.08.14"))
    client.force_login(staff)
    assert client.get(reverse("ruang:import-start", kwargs={"kode": gis.TELANG})).status_code == 403
    history = client.get(reverse("ruang:import-history", kwargs={"kode": gis.TELANG}))
    assert history.status_code == 200 and "a.geojson" in history.content.decode()
    assert "Impor berkas baru" not in history.content.decode()


def test_a_kabupaten_admin_may_import_anywhere(client, gis, reference_data, tmp_path, spot):
    admin = User.objects.create_user("bappeda", password="rahasia-sekali-123")
    assign_role(admin, Role.KABUPATEN, Wilayah.objects.get(kode="15.08"))
    client.force_login(admin)
    path = gis.write_geojson(tmp_path / "a.geojson", [gis.feature(gis.point(*spot[0]), nama="SD", jenis="sd")])
    job = gis.import_file(client, gis.TELANG, path, "fasilitas")
    assert gis.commit(client, job).status == "done"


def test_losing_the_role_before_the_commit_stops_it(op_client, preview_job, operator):
    assert importer.request_commit(preview_job, operator)
    operator.roles.all().delete()
    operator.__dict__.pop("_dusun_roles", None)
    assert importer.commit(preview_job.pk) is None
    preview_job.refresh_from_db()
    assert preview_job.status == "failed" and "tidak berwenang" in preview_job.message
    assert not Facility.objects.exists()


def test_the_village_panel_shows_the_import_link_only_to_editors(client, operator, other_operator, gis):
    url = reverse("ruang:area-data", kwargs={"kode": gis.TELANG}) + "?bagian=1"
    client.force_login(operator)
    assert 'id="import-link"' in client.get(url).content.decode()
    client.force_login(other_operator)
    body = client.get(url).content.decode()
    assert 'id="import-link"' not in body and "/ekspor/fasilitas/15.08.14.2009.gpkg" in body
    client.logout()
    assert 'id="import-link"' not in client.get(url).content.decode()


def test_the_partial_for_the_portal_pages_points_at_the_scoped_panel(rf, telang, operator):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = operator
    html = render_to_string("ruang/_import_export_links.html", {"village": telang, "user": operator}, request)
    assert f'data-ruang-panel="/ekspor/{telang.kode}/?bagian=1"' in html
    assert f'href="/ekspor/{telang.kode}/"' in html and "/impor/" not in html  # the import link comes scoped
    kecamatan = telang.parent
    html = render_to_string("ruang/_import_export_links.html", {"area": kecamatan}, request)
    assert f"/ekspor/{kecamatan.kode}/" in html


def test_stale_jobs_are_purged(op_client, preview_job):
    from datetime import timedelta

    from django.utils import timezone

    ImportJob.objects.filter(pk=preview_job.pk).update(updated_at=timezone.now() - timedelta(days=8))
    assert importer.purge_stale_jobs(days=7) == 1
    preview_job.refresh_from_db()
    assert preview_job.status == "cancelled" and not preview_job.upload


def test_a_new_upload_purges_imports_abandoned_for_a_week(op_client, operator, telang, preview_job, tmp_path):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    ImportJob.objects.filter(pk=preview_job.pk).update(updated_at=timezone.now() - timedelta(days=8))
    upload = SimpleUploadedFile("baru.geojson", b'{"type": "FeatureCollection", "features": []}')
    importer.create_job(user=operator, dusun=telang, layer="fasilitas", upload=upload)
    preview_job.refresh_from_db()
    assert preview_job.status == "cancelled" and not preview_job.upload


def test_the_purge_command_cleans_abandoned_imports(op_client, preview_job):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    ImportJob.objects.filter(pk=preview_job.pk).update(updated_at=timezone.now() - timedelta(days=3))
    call_command("purge_stale_imports", verbosity=0)
    preview_job.refresh_from_db()
    assert preview_job.status == "preview"  # younger than the default week
    call_command("purge_stale_imports", "--days", "2", verbosity=0)
    preview_job.refresh_from_db()
    assert preview_job.status == "cancelled" and not preview_job.upload


def test_open_imports_and_history_name_the_layer_not_its_slug(client, gis, preview_job, op_client):
    start = op_client.get(reverse("ruang:import-start", kwargs={"kode": gis.TELANG})).content.decode()
    assert "<td>Fasilitas</td>" in start and "<td>fasilitas</td>" not in start
    gis.commit(op_client, preview_job)
    history = op_client.get(reverse("ruang:import-history", kwargs={"kode": gis.TELANG})).content.decode()
    assert "<td>Fasilitas</td>" in history and "<td>fasilitas</td>" not in history


def test_importing_into_a_whole_kecamatan_is_refused_in_the_configured_village_word(operator, settings):
    from django.core.exceptions import PermissionDenied

    settings.DUSUN_VILLAGE_WORD = "Kampung"
    with pytest.raises(PermissionDenied, match="satu kampung") as refused:
        importer.check_can_import(operator, Wilayah.objects.get(kode="15.08.14"))
    assert "desa" not in str(refused.value)

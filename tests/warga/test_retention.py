"""Uploaded census files (personal data) do not outlive their import by more than 24 hours, even when
nobody uploads again: the hourly `expire_census_imports` command deletes them."""

import datetime as dt
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from dusun.warga import services
from dusun.warga.models import CensusImport
from dusun.wilayah.models import Wilayah

from .conftest import TELANG


def test_abandoned_census_upload_is_deleted_after_a_day(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the dry run itself is not needed here
        job = services.start_import(
            users["op_a"], Wilayah.objects.get(kode=TELANG), SimpleUploadedFile("sensus.xlsx", b"isi")
        )
    path = job.upload.path
    CensusImport.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=23))
    call_command("expire_census_imports", verbosity=0)
    job.refresh_from_db()
    assert job.upload and job.status != CensusImport.Status.CANCELLED  # younger than a day: kept

    CensusImport.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=25))
    call_command("expire_census_imports", verbosity=0)
    job.refresh_from_db()
    assert job.status == CensusImport.Status.CANCELLED and not job.upload
    assert not os.path.exists(path)

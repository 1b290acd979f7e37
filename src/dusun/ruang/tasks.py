"""Background steps of an import (django-tasks: the database queue in development and production, run
inline by the ImmediateBackend in tests). Each task takes the job's id and leaves its outcome on the job
(status, progress, message), which the import page polls; the work itself is in `importer`."""

from django_tasks import task

from . import importer
from .models import ImportJob


@task()
def analyse_import(job_id: int) -> None:
    importer.analyse(job_id)


@task()
def revalidate_import(job_id: int) -> None:
    importer.revalidate(job_id)


@task()
def commit_import(job_id: int) -> None:
    importer.commit(job_id)


def queue_analysis(job: ImportJob) -> None:
    analyse_import.enqueue(job.pk)


def queue_revalidation(job: ImportJob) -> None:
    revalidate_import.enqueue(job.pk)


def queue_commit(job: ImportJob) -> None:
    commit_import.enqueue(job.pk)

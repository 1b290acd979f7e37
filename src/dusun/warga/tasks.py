"""Background work of the census module (django-tasks: the database queue in development and production,
run inline in tests). Tasks take opaque ids only: task arguments are stored in the queue table and
must not carry personal data."""

from django_tasks import task

from . import services


@task()
def check_import_task(job_uuid: str) -> None:
    services.run_check(job_uuid)


@task()
def commit_import_task(job_uuid: str) -> None:
    services.run_commit(job_uuid)


@task()
def refresh_statistics_task(requested_at: str) -> bool:
    return services.refresh_statistics_if_stale(requested_at)

"""Background work (django-tasks; run inline in tests): the kabupaten change matrix of a snapshot pair."""

from django_tasks import task

from . import services
from .models import ChangeRun


@task()
def compute_change(run_id: int) -> None:
    services.compute_all(run_id)


def queue(run: ChangeRun) -> None:
    """Queue a pending run once (a failed run waits for the land cover to change); the page polls it."""
    if run.status == ChangeRun.Status.PENDING and run.message != "queued":
        ChangeRun.objects.filter(pk=run.pk).update(message="queued")
        compute_change.enqueue(run.pk)

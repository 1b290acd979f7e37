"""Settings for the test suite: the real settings, with a throwaway key and plain static storage."""

import os

os.environ.setdefault("DUSUN_ALLOW_DEV_SECRET", "1")

from dusun.settings import *  # noqa: E402,F403
from dusun.settings import STORAGES  # noqa: E402

# The suite serves static files straight from the app folders; no collectstatic manifest needed.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Background tasks run inline in tests, so a test sees a task's result as soon as it is enqueued.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

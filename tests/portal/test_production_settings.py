"""The production settings (DEBUG off, hashed static manifest) must let management commands run before
`collectstatic` has ever run: `make run` migrates a fresh checkout that way. A URL module that resolved a
static file name at import time once broke exactly this (CI: "Missing staticfiles manifest entry")."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_management_commands_run_without_collected_static_files(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dusun.settings",
        "DEBUG": "0",
        "DUSUN_ALLOW_DEV_SECRET": "1",
        "STATIC_ROOT": str(tmp_path / "static-never-collected"),
    }
    result = subprocess.run(  # noqa: S603 (our own manage.py, no user input)
        [sys.executable, str(ROOT / "manage.py"), "check", "--fail-level", "ERROR"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]

"""Running schemathesis's CLI (`st run`) against a live server, shared by the REST API and OGC API tests.

The CLI in a subprocess (rather than the pytest plugin) keeps one seeded database for all generated cases
and reports like a user would see it. It runs inside the test's tmp folder, so its example database
(`.schemathesis/`) never lands in the checkout.
"""

import re
import subprocess
import sys
from pathlib import Path

ST = Path(sys.executable).with_name("st")


def run_schemathesis(
    url: str, workdir: Path, *extra: str, checks: str = "all", max_examples: int = 12
) -> subprocess.CompletedProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    command = [
        str(ST),
        "run",
        url,
        "--checks",
        checks,
        "--max-examples",
        str(max_examples),
        "--workers",
        "2",
        "--seed",
        "20261129",
        "--no-shrink",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-dir",
        str(workdir / "report"),
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=workdir)  # noqa: S603


def operations_tested(result: subprocess.CompletedProcess) -> int:
    """How many operations the run reached (a run that silently skipped operations must not pass)."""
    found = re.search(r"Tested: (\d+)", result.stdout)
    return int(found.group(1)) if found else 0

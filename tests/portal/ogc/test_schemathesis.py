"""schemathesis against the OGC API's own OpenAPI document (/ogc/api) on a live server: no server error,
every answer (including every 400/404 for generated bad input) conforms to the document."""

import re
import subprocess
import sys
from pathlib import Path

import requests

ST = Path(sys.executable).with_name("st")


def test_schemathesis_finds_nothing_in_the_ogc_api(live_server, ogc_world, tmp_path):
    url = live_server.url + "/ogc/api"
    schema = requests.get(url, timeout=30).json()
    operations = [op for ops in schema["paths"].values() for op in ops]
    command = [
        str(ST),
        "run",
        url,
        "--checks",
        "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        "--max-examples",
        "15",
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
        str(tmp_path / "report"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert tested and int(tested.group(1)) == len(operations), result.stdout[-3000:]

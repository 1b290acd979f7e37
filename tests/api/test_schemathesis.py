"""The issue's done-when check: schemathesis against /api/v1/openapi.json on a live server finds no server
error and no schema violation (all of its checks), with seeded data so the operations answer real bodies.

Run as the CLI (`st run`) in a subprocess against pytest-django's live server: one seeding for all
operations, and a bounded number of examples per operation so it stays within about a minute on 2 cores.
"""

import re
from pathlib import Path

import requests

from dusun.akun import tokens
from tests.schemathesis_cli import operations_tested, run_schemathesis

from .conftest import seed_world


def _run(url: str, tmp_path: Path, name: str, *extra: str):
    return run_schemathesis(url, tmp_path / name, *extra)


def test_schemathesis_finds_nothing(live_server, users, tmp_path):
    seed_world()
    _token, key = tokens.create_token(users["admin"], "schemathesis")
    url = live_server.url + "/api/v1/openapi.json"
    schema = requests.get(url, timeout=30).json()
    assert len(schema["paths"]) >= 15

    # With the kabupaten admin's token (every operation reachable, the exact statistics too) …
    signed = _run(url, tmp_path, "token", "--header", f"Authorization: Bearer {key}")
    assert signed.returncode == 0, signed.stdout[-6000:] + signed.stderr[-2000:]
    # … and anonymous, as the public uses it.
    anonymous = _run(url, tmp_path, "anonymous", "--phases", "coverage,fuzzing")
    assert anonymous.returncode == 0, anonymous.stdout[-6000:] + anonymous.stderr[-2000:]
    for result in (signed, anonymous):
        assert operations_tested(result) == len([op for ops in schema["paths"].values() for op in ops]), result.stdout[
            -3000:
        ]
    # The key is never written to the server's output.
    assert key not in signed.stdout


def test_browsable_docs_use_local_assets(live_server, reference_data):
    page = requests.get(live_server.url + "/api/v1/docs", timeout=30)
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page.text)
    assert any("swagger-ui-bundle" in a for a in assets), assets
    for asset in assets:
        assert asset.startswith("/static/"), asset  # no CDN
        assert requests.get(live_server.url + asset, timeout=30).status_code == 200, asset
    assert "cdn." not in page.text and "unpkg" not in page.text

"""schemathesis against the OGC API's own OpenAPI document (/ogc/api) on a live server: no server error,
every answer (including every 400/404 for generated bad input) conforms to the document."""

import requests

from tests.schemathesis_cli import operations_tested, run_schemathesis


def test_schemathesis_finds_nothing_in_the_ogc_api(live_server, ogc_world, tmp_path):
    url = live_server.url + "/ogc/api"
    schema = requests.get(url, timeout=30).json()
    operations = [op for ops in schema["paths"].values() for op in ops]
    result = run_schemathesis(
        url,
        tmp_path,
        checks="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        max_examples=15,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert operations_tested(result) == len(operations), result.stdout[-3000:]

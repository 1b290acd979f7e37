"""Token authentication and area scope of the REST API: anonymous public data, 401 for bad tokens,
403 outside the caller's area — the same rules as the UI (dusun.akun.scope)."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dusun.akun import tokens
from dusun.akun.models import ApiToken

from .conftest import BERINGIN, KABUPATEN, KECAMATAN, TELANG

pytestmark = pytest.mark.django_db

EXACT = "/api/v1/wilayah/{}/penduduk/persis/"


def get(client, path, key=None, scheme="Bearer"):
    headers = {"Authorization": f"{scheme} {key}"} if key else {}
    return client.get(path, headers=headers)


def test_public_data_anonymous(client, reference_data):
    response = get(client, f"/api/v1/wilayah/{TELANG}/")
    assert response.status_code == 200
    assert response.json()["nama"] == "Sungai Telang"
    assert get(client, f"/api/v1/wilayah/{TELANG}/penduduk/").status_code == 200
    me = get(client, "/api/v1/saya/").json()
    assert me == {"terautentikasi": False, "pengguna": None, "peran": [], "token": None}


def test_operator_token_exact_statistics_own_village_only(client, keys):
    assert get(client, EXACT.format(TELANG), keys["op_a"]).status_code == 200
    response = get(client, EXACT.format(BERINGIN), keys["op_a"])
    assert response.status_code == 403
    assert "operator" in response.json()["detail"]
    # The kecamatan of its own village is not its village either.
    assert get(client, EXACT.format(KECAMATAN), keys["op_a"]).status_code == 403


def test_other_roles_follow_the_ui_rules(client, keys):
    # Kecamatan staff see internal data but not personal data: no exact census numbers (as on the page).
    assert get(client, EXACT.format(TELANG), keys["camat"]).status_code == 403
    # The kabupaten admin reads everything in the kabupaten, at every level.
    for kode in (TELANG, BERINGIN, KECAMATAN, KABUPATEN):
        assert get(client, EXACT.format(kode), keys["admin"]).status_code == 200, kode
    assert get(client, EXACT.format(TELANG), keys["nobody"]).status_code == 403


def test_token_scheme_and_whoami(client, keys):
    for scheme in ("Bearer", "Token", "bearer"):
        response = get(client, "/api/v1/saya/", keys["op_a"], scheme=scheme)
        assert response.status_code == 200, scheme
        body = response.json()
        assert body["terautentikasi"] is True and body["pengguna"] == "op_telang"
        village = {"kode": TELANG, "nama": "Sungai Telang", "level": "dusun"}
        assert body["peran"] == [{"peran": "operator", "wilayah": village}]
        assert body["token"]["awalan"] == keys["op_a"][:10]


@pytest.mark.parametrize(
    "header",
    ["Bearer dsn_not-a-real-key", "Bearer ", "Basic dXNlcjpwYXNz", "Token", "Bearer " + "x" * 500],
)
def test_bad_token_is_401_even_on_public_data(client, reference_data, header):
    for path in ("/api/v1/saya/", f"/api/v1/wilayah/{TELANG}/", "/api/v1/wilayah/", EXACT.format(TELANG)):
        response = client.get(path, headers={"Authorization": header})
        assert response.status_code == 401, (path, header)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_missing_token_on_protected_endpoint_is_401(client, reference_data):
    response = get(client, EXACT.format(TELANG))
    assert response.status_code == 401
    assert "Authorization" in response.json()["detail"]


def test_revoked_expired_and_inactive(client, users, keys):
    token = ApiToken.objects.get(user=users["op_a"])
    assert tokens.revoke_token(users["op_a"], token.pk)
    assert get(client, "/api/v1/saya/", keys["op_a"]).status_code == 401

    ApiToken.objects.filter(user=users["admin"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert get(client, "/api/v1/saya/", keys["admin"]).status_code == 401

    users["camat"].is_active = False
    users["camat"].save()
    assert get(client, "/api/v1/saya/", keys["camat"]).status_code == 401
    # Someone else's token cannot be revoked by id.
    other = ApiToken.objects.get(user=users["op_b"])
    assert not tokens.revoke_token(users["op_a"], other.pk)
    assert get(client, "/api/v1/saya/", keys["op_b"]).status_code == 200


def test_only_the_hash_is_stored_and_last_used_is_recorded(client, users):
    token, key = tokens.create_token(users["op_a"], "dasbor", days=30)
    assert key.startswith("dsn_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.last_used_at is None
    assert get(client, "/api/v1/saya/", key).status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert stored.expires_at > timezone.now() + timedelta(days=29)


def test_exact_statistics_differ_from_public_only_for_authorised(client, keys, world):
    public = get(client, f"/api/v1/wilayah/{TELANG}/penduduk/").json()
    exact = get(client, EXACT.format(TELANG), keys["op_a"]).json()
    assert exact["persis"] is True
    assert isinstance(exact["penduduk"]["semua"]["jumlah"], int) and exact["penduduk"]["semua"]["jumlah"] > 0
    # The public body is the same with or without a token, and identical to the census module's own API.
    assert get(client, f"/api/v1/wilayah/{TELANG}/penduduk/", keys["op_a"]).json() == public
    assert client.get(f"/api/v1/dusun/{TELANG}/statistik/").json() == public
    # The exact body carries no personal data: only aggregates.
    from dusun.warga.models import Resident

    text = json.dumps(exact, ensure_ascii=False)
    assert not re.search(r"\d{16}", text)  # no NIK or KK number
    names = list(Resident.objects.filter(dusun__kode=TELANG).values_list("name", flat=True)[:50])
    assert names and not [n for n in names if n in text]


def test_every_documented_operation_refuses_a_bad_token(client, reference_data):
    """No operation forgets the token check (a bad key must never fall back to anonymous)."""
    schema = client.get("/api/v1/openapi.json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        url = path.replace("{kode}", TELANG).replace("{tahun}", "2024")
        for method in operations:
            response = client.generic(method.upper(), url, headers={"Authorization": "Bearer dsn_salah"})
            assert response.status_code == 401, (method, url, response.status_code)
            checked += 1
    assert checked == len(schema["paths"]) >= 18

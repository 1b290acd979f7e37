"""The token page (/akun/token/): a signed-in user creates a token (the key is shown once, only its hash is
kept), sees their own tokens only, and revokes them; the revoked key is refused by the API."""

import re

import pytest
from django.test import Client

from dusun.akun import tokens
from dusun.akun.models import ApiToken

pytestmark = pytest.mark.django_db


def test_login_required(client):
    response = client.get("/akun/token/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


def test_create_shows_key_once_and_it_works(client, users):
    client.force_login(users["op_a"])
    response = client.post("/akun/token/", {"name": "dasbor Bappeda", "days": "90"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'id="new-token-key">([^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=users["op_a"])
    assert token.name == "dasbor Bappeda" and token.expires_at is not None
    assert key not in token.key_hash
    # Shown once: the list page shows the prefix, never the key.
    page = client.get("/akun/token/").content.decode()
    assert key not in page and token.prefix in page
    api = Client().get("/api/v1/saya/", headers={"Authorization": f"Bearer {key}"})
    assert api.json()["pengguna"] == "op_telang"


def test_bad_form_says_what_is_wrong(client, users):
    client.force_login(users["op_a"])
    response = client.post("/akun/token/", {"name": "   ", "days": "90"})
    assert response.status_code == 400
    assert "Isi nama token" in response.content.decode()
    assert not ApiToken.objects.exists()
    response = client.post("/akun/token/", {"name": "x", "days": "7"})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_list_is_own_tokens_only_and_revoke(client, users):
    mine, key = tokens.create_token(users["op_a"], "milik saya")
    theirs, their_key = tokens.create_token(users["op_b"], "milik orang lain")
    client.force_login(users["op_a"])
    page = client.get("/akun/token/").content.decode()
    assert "milik saya" in page and "milik orang lain" not in page
    # Revoking someone else's token does nothing.
    client.post(f"/akun/token/{theirs.pk}/cabut/")
    assert Client().get("/api/v1/saya/", headers={"Authorization": f"Bearer {their_key}"}).status_code == 200
    response = client.post(f"/akun/token/{mine.pk}/cabut/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert Client().get("/api/v1/saya/", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert client.get(f"/akun/token/{mine.pk}/cabut/").status_code == 405


def test_number_of_active_tokens_is_limited(client, users):
    for i in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.create_token(users["op_a"], f"t{i}")
    client.force_login(users["op_a"])
    response = client.post("/akun/token/", {"name": "satu lagi", "days": "30"})
    assert response.status_code == 400
    assert ApiToken.objects.filter(user=users["op_a"]).count() == tokens.MAX_ACTIVE_TOKENS

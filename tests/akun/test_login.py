"""Login: Argon2 hashes, CSRF on the form, and throttling of repeated failures."""

import pytest
from django.test import Client

from dusun.akun.models import User

PASSWORD = "rahasia-sekali-123"


@pytest.fixture
def operator(db):
    return User.objects.create_user("operator", password=PASSWORD)


def test_passwords_are_hashed_with_argon2(operator):
    assert operator.password.startswith("argon2$argon2id$")


def test_login_and_logout(client, operator):
    response = client.post("/akun/masuk/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    assert client.post("/akun/keluar/").status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_login_form_requires_csrf_token(operator):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/akun/masuk/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 403


def test_wrong_password_shows_a_message_in_bahasa(client, operator):
    response = client.post("/akun/masuk/", {"username": "operator", "password": "salah"})
    assert response.status_code == 200
    assert "nama pengguna dan sandi" in response.content.decode().lower()


def test_repeated_failures_lock_the_login_even_with_the_right_password(client, operator):
    for _ in range(5):
        client.post("/akun/masuk/", {"username": "operator", "password": "salah"})
    response = client.post("/akun/masuk/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_session_cookie_is_http_only(client, operator):
    response = client.post("/akun/masuk/", {"username": "operator", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_admin_is_in_bahasa(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Administrasi" in response.content.decode() or "Situs administrasi" in response.content.decode()

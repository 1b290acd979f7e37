"""Who may write: the village's operator and the kabupaten admin; nobody else (API and editor page)."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client

from dusun.ruang.models import Facility, FeatureRevision

from .conftest import BERINGIN, PASSWORD, TELANG, client_for, feature

pytestmark = pytest.mark.django_db

WRITERS = {"operator": 201, "kabupaten_admin": 201}
REFUSED = {"other_operator": 403, "kecamatan_staff": 403, "anonymous": 401}


@pytest.fixture
def users(operator, other_operator, kecamatan_staff, kabupaten_admin):
    return {
        "operator": operator,
        "other_operator": other_operator,
        "kecamatan_staff": kecamatan_staff,
        "kabupaten_admin": kabupaten_admin,
        "anonymous": None,
    }


@pytest.fixture
def school(operator, inside):
    lon, lat = inside
    response = client_for(operator).post(
        "/api/v1/ruang/fasilitas/",
        feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="sd", name="SD 1"),
        content_type="application/json",
    )
    return Facility.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize(("who", "status"), list((WRITERS | REFUSED).items()))
def test_create(users, inside, who, status):
    lon, lat = inside
    response = client_for(users[who]).post(
        "/api/v1/ruang/fasilitas/",
        feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="masjid"),
        content_type="application/json",
    )
    assert response.status_code == status
    assert Facility.objects.filter(kind="masjid").exists() == (status == 201)
    if status != 201:
        assert response.json()["errors"]["__all__"]  # a message in Bahasa, as JSON
    if who == "anonymous":
        assert response["WWW-Authenticate"] and response.json()["login_url"] == "/akun/masuk/"


@pytest.mark.parametrize(("who", "status"), list(REFUSED.items()))
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_refused_users_cannot_change_or_delete(users, school, inside, who, status, method):
    lon, lat = inside
    body = feature({"type": "Point", "coordinates": [lon + 0.001, lat]}, dusun=TELANG, kind="smp", name="diambil alih")
    client = client_for(users[who])
    url = f"/api/v1/ruang/fasilitas/{school.pk}/"
    response = client.delete(url) if method == "delete" else getattr(client, method)(url, body, "application/json")
    assert response.status_code == status
    school.refresh_from_db()
    assert school.name == "SD 1" and school.kind == "sd"
    assert FeatureRevision.objects.filter(layer="fasilitas", feature_id=school.pk).count() == 1


def test_kabupaten_admin_can_change_and_delete_any_village(kabupaten_admin, school):
    client = client_for(kabupaten_admin)
    url = f"/api/v1/ruang/fasilitas/{school.pk}/"
    patch = client.patch(url, json.dumps({"type": "Feature", "properties": {"condition": "baik"}}), "application/json")
    assert patch.status_code == 200
    assert client.delete(url).status_code == 204


def test_operator_cannot_create_in_another_village_even_with_a_valid_geometry(other_operator, inside):
    lon, lat = inside  # inside Sungai Telang, sent by Sungai Beringin's operator
    response = client_for(other_operator).post(
        "/api/v1/ruang/fasilitas/",
        feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="sd"),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "tidak berwenang" in response.json()["errors"]["__all__"][0]


def test_operator_cannot_move_a_feature_to_another_village(operator, school):
    response = client_for(operator).patch(
        f"/api/v1/ruang/fasilitas/{school.pk}/",
        json.dumps({"type": "Feature", "properties": {"dusun": BERINGIN}}),
        "application/json",
    )
    assert response.status_code == 400 and "dusun" in response.json()["errors"]
    school.refresh_from_db()
    assert school.dusun.kode == TELANG


# --- CSRF: session writes need the token, and failures answer in JSON ----------------------------------


def logged_in_strict_client(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    response = client.get("/akun/masuk/")
    token = response.cookies["csrftoken"].value
    client.post("/akun/masuk/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    return client


def test_session_writes_without_the_csrf_token_are_refused(operator, inside):
    client = logged_in_strict_client("op-telang")
    lon, lat = inside
    body = feature({"type": "Point", "coordinates": [lon, lat]}, dusun=TELANG, kind="sd")
    refused = client.post("/api/v1/ruang/fasilitas/", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["errors"]["__all__"][0]
    assert not Facility.objects.exists()

    # The editor page carries the token; sent back in X-CSRFToken, the same request succeeds.
    page = client.get(f"/dusun/{TELANG}/peta/sunting/?lapisan=fasilitas")
    token = page.context["csrf_token"]
    accepted = client.post(
        "/api/v1/ruang/fasilitas/", body, content_type="application/json", HTTP_X_CSRFTOKEN=str(token)
    )
    assert accepted.status_code == 201, accepted.content
    pk = accepted.json()["id"]
    assert client.delete(f"/api/v1/ruang/fasilitas/{pk}/").status_code == 403  # no token again
    assert client.delete(f"/api/v1/ruang/fasilitas/{pk}/", HTTP_X_CSRFTOKEN=str(token)).status_code == 204


def test_reads_need_no_token(operator, school):
    client = logged_in_strict_client("op-telang")
    assert client.get(f"/api/v1/ruang/fasilitas/{school.pk}/").status_code == 200


# --- The editor page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("operator", 200), ("kabupaten_admin", 200), ("other_operator", 403), ("kecamatan_staff", 403)],
)
def test_editor_page_is_only_for_those_who_may_edit(users, snapshot, who, status):
    response = client_for(users[who]).get(f"/dusun/{TELANG}/peta/sunting/")
    assert response.status_code == status
    content = response.content.decode()
    if status == 200:
        assert 'id="editor-config"' in content and "vendor/terra-draw.umd.js" in content
    else:
        assert "Tidak berwenang" in content and "editor-config" not in content


def test_editor_page_sends_anonymous_users_to_the_login(reference_data):
    response = client_for(None).get(f"/dusun/{TELANG}/peta/sunting/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/?next=")


def test_edit_link_is_shown_only_to_editors(users, telang):
    template = Template('{% include "ruang/_edit_link.html" %}')
    for who in users:
        user = users[who] or AnonymousUser()
        html = template.render(Context({"user": user, "village": telang, "village_word": "Dusun"}))
        shown = f"/dusun/{TELANG}/peta/sunting/" in html
        assert shown == (who in WRITERS), who

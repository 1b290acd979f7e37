"""Who may enter scores (the dusun's operator, the kabupaten admin) and import official results (admin only)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dusun.indeks.models import Result

from .conftest import RAW

ENTER = "/indeks/dusun/15.08.02.2005/2023/isi/"
DERIVE = "/indeks/dusun/15.08.02.2005/2023/turunkan/"
IMPORT = "/indeks/impor/"


@pytest.mark.parametrize(
    "path",
    ["/indeks/", "/indeks/kecamatan/15.08.02/", "/indeks/dusun/15.08.02.2005/2023/", "/api/v1/idm/15.08.02.2005/2023/"],
)
def test_public_pages_need_no_login(client, idm, path):
    assert client.get(path).status_code == 200


def test_anonymous_is_sent_to_login(client, idm):
    for path in (ENTER, IMPORT):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/akun/")
    assert client.post(DERIVE).status_code == 302


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("operator", True),
        ("other_operator", False),
        ("camat", False),  # kecamatan staff verify; they do not enter scores
        ("admin", True),
        ("superuser", True),
    ],
)
def test_entering_scores(client, users, who, allowed):
    client.force_login(users[who])
    assert client.get(ENTER).status_code == (200 if allowed else 403)
    response = client.post(ENTER, {"base_version": 1, "IKS.02": "5"})
    versions = Result.objects.filter(dusun__kode="15.08.02.2005", year=2023, series="hitung").count()
    if allowed:
        assert response.status_code == 302 and versions == 2
    else:
        assert response.status_code == 403 and versions == 1
    assert client.post(DERIVE).status_code == (302 if allowed else 403)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("operator", False),
        ("camat", False),
        ("admin", True),
        ("superuser", True),
    ],
)
def test_official_import_is_for_the_kabupaten_admin(client, users, who, allowed):
    client.force_login(users[who])
    assert client.get(IMPORT).status_code == (200 if allowed else 403)
    payload = json.loads((RAW / "1508022005" / "2023.json").read_text("utf-8"))
    payload["mapData"]["ROW"][0]["KETERANGAN"] = "revisi"
    upload = SimpleUploadedFile("2023.json", json.dumps(payload).encode(), content_type="application/json")
    response = client.post(IMPORT, {"files": [upload]})
    official = Result.objects.filter(dusun__kode="15.08.02.2005", year=2023, series="resmi").count()
    if allowed:
        assert response.status_code == 200 and official == 2
        assert "versi 2 (baru)" in response.content.decode()
    else:
        assert response.status_code == 403 and official == 1


def test_upload_with_a_bad_file_shows_every_problem_and_imports_nothing(client, users):
    client.force_login(users["admin"])
    good = SimpleUploadedFile("baik.json", (RAW / "1508022001" / "2021.json").read_bytes())
    bad = SimpleUploadedFile("rusak.json", b'{"mapData": 1}')
    response = client.post(IMPORT, {"files": [good, bad]})
    html = response.content.decode()
    assert "Tidak ada yang diimpor" in html and "rusak.json: bagian &#x27;mapData&#x27; tidak ada" in html
    assert Result.objects.filter(series="resmi").count() == 44


def test_edit_link_only_for_those_who_may_edit(client, users):
    page = "/indeks/dusun/15.08.02.2005/2023/"
    assert "Isi/ubah skor" not in client.get(page).content.decode()
    client.force_login(users["other_operator"])
    assert "Isi/ubah skor" not in client.get(page).content.decode()
    client.force_login(users["operator"])
    assert "Isi/ubah skor" in client.get(page).content.decode()


def test_no_form_for_a_kelurahan_or_an_impossible_year(client, users):
    client.force_login(users["superuser"])
    assert client.get("/indeks/dusun/15.08.03.1006/2024/isi/").status_code == 404  # a kelurahan
    assert client.get("/indeks/dusun/15.08.02.2005/1990/isi/").status_code == 404
    assert client.get("/indeks/dusun/15.08.02.2005/2099/isi/").status_code == 404

"""The public pages: kabupaten, kecamatan, village, health, language and the village-word setting."""

import re

import pytest
from django.db import OperationalError
from django.test import override_settings


def test_home_lists_every_village_grouped_by_kecamatan(client, reference_data):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r'href="/dusun/15\.08\.\d\d\.\d{4}/"', html)) == 153
    assert len(re.findall(r'<details open class="kecamatan-group">', html)) == 17
    assert "Kabupaten Bungo" in html and "141 dusun" in html and "12 kelurahan" in html
    assert 'id="map"' in html and "map-config" in html


def test_home_search_filters_the_list(client, reference_data):
    html = client.get("/", {"q": "telang"}).content.decode()
    assert "Sungai Telang" in html and "Tanjung Belit" not in html
    partial = client.get("/", {"q": "Bathin III Ulu"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()  # htmx gets only the list
    assert len(re.findall(r'href="/dusun/15\.08\.14\.\d{4}/"', partial.content.decode())) == 9
    assert "Tidak ada wilayah yang cocok" in client.get("/", {"q": "zzzz"}).content.decode()


def test_village_page_shows_codes_area_kecamatan_and_neighbours(client, reference_data):
    response = client.get("/dusun/15.08.14.2009/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Dusun Sungai Telang</h1>" in html
    assert "15.08.14.2009" in html and "1509032001" in html
    assert "15.580,01 ha" in html  # Indonesian number format
    assert 'href="/kecamatan/15.08.14/"' in html
    neighbours = response.context["neighbours"]
    assert neighbours and all(n.level == 4 for n in neighbours)
    assert "15.08.14.2009" not in {n.kode for n in neighbours}


def test_lubuk_beringin_neighbours_are_plausible(client, reference_data):
    names = {n.nama for n in client.get("/dusun/15.08.14.2008/").context["neighbours"]}
    assert {"Buat", "Laman Panjang"} <= names


def test_kelurahan_is_labelled_kelurahan(client, reference_data):
    html = client.get("/dusun/15.08.03.1006/").content.decode()
    assert "<h1>Kelurahan Tanjung Gedang</h1>" in html


def test_kecamatan_page_lists_its_villages(client, reference_data):
    response = client.get("/kecamatan/15.08.14/")
    assert response.status_code == 200
    assert len(response.context["villages"]) == 9
    assert len(response.context["map_config"]["features"]["features"]) == 10  # outline + 9 villages


def test_kecamatan_page_links_its_idm_open_data_and_thematic_map(client, reference_data):
    page = client.get("/kecamatan/15.08.14/").content.decode()
    for link in ('href="/indeks/kecamatan/15.08.14/"', 'href="/data/kecamatan/15.08.14/"', "/peta-tematik/?tingkat"):
        assert link in page, link


@pytest.mark.parametrize(
    "path",
    [
        "/dusun/15.08.14.9999/",
        "/dusun/15.08.14/",
        "/kecamatan/15.08.14.2009/",
        "/dusun/not-a-code/",
        "/kecamatan/99.99.99/",
    ],
)
def test_unknown_or_wrong_level_codes_are_404(client, reference_data, path):
    assert client.get(path).status_code == 404


def test_village_word_setting_is_used_in_labels(client, reference_data):
    with override_settings(DUSUN_VILLAGE_WORD="Desa"):
        html = client.get("/dusun/15.08.14.2009/").content.decode()
        assert "<h1>Desa Sungai Telang</h1>" in html
        assert "141 desa" in client.get("/").content.decode()


def test_english_is_available(client, reference_data):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/dusun/15.08.14.2009/").content.decode()
    assert 'lang="en"' in html
    assert "Neighbouring areas" in html and "Area" in html


def test_default_language_is_bahasa_indonesia(client, reference_data):
    html = client.get("/dusun/15.08.14.2009/").content.decode()
    assert 'lang="id"' in html and "Berbatasan dengan" in html


def test_nothing_is_loaded_from_another_host(client, reference_data):
    for path in ("/", "/dusun/15.08.14.2009/", "/kecamatan/15.08.14/", "/akun/masuk/"):
        html = client.get(path).content.decode()
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            if url.startswith("http://testserver/"):
                continue  # the canonical link names this site itself (absolute, as search engines want it)
            assert not url.startswith(("http:", "https:", "//")), f"{path} loads {url}"


def test_healthz_reports_database_and_postgis(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["postgis"].startswith("3.")


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    from dusun.portal import views

    class BrokenConnection:
        def cursor(self):
            raise OperationalError("database is down")

    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unavailable"


def test_browser_language_preference_does_not_override_bahasa(client, reference_data):
    html = client.get("/dusun/15.08.14.2009/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="id"' in html


def test_favicon_ico_points_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")

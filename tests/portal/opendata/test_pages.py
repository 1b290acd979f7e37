"""The catalogue, area and dictionary pages, the thematic map and the comparison (server side)."""

import pytest
from django.urls import reverse

from dusun.portal import opendata

from .conftest import BERINGIN, KECAMATAN, SECRET_NAME, SECRET_NIK, TELANG

pytestmark = pytest.mark.django_db


def test_catalogue_and_area_pages_list_every_dataset(client, world):
    for url in (
        reverse("opendata:catalogue"),
        reverse("opendata:village", kwargs={"kode": TELANG}),
        reverse("opendata:kecamatan", kwargs={"kode": KECAMATAN}),
    ):
        html = client.get(url).content.decode()
        for slug in opendata.datasets():
            assert f'id="dataset-{slug}"' in html


def test_dictionary_page_shows_fields_licence_source_and_date(client, world):
    html = client.get(reverse("opendata:dataset", kwargs={"slug": "idm"})).content.decode()
    assert "Kemendesa" in html and "Terakhir diperbarui" in html
    for field in opendata.get_dataset("idm").dictionary():
        assert f"<code>{field.name}</code>" in html


def test_thematic_page_keeps_state_in_the_url_and_shows_legend_and_table(client, world):
    url = reverse("opendata:thematic") + "?indikator=fasilitas&tingkat=kecamatan&klasifikasi=jenks&kelas=4"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-method="jenks"' in html
    assert html.count('<tr data-kode="15.08.') == 17  # one row per kecamatan
    assert 'value="kecamatan" checked' in html


def test_thematic_page_shows_disembunyikan_for_suppressed_population(client, world):
    html = client.get(reverse("opendata:thematic")).content.decode()
    row = html.split(f'data-kode="{BERINGIN}"')[1].split("</tr>")[0]
    assert "disembunyikan" in row and ">3<" not in row


def test_thematic_bad_parameters_get_a_message_not_a_500(client, world):
    response = client.get(reverse("opendata:thematic") + "?indikator=%3Cscript%3E&kelas=99&klasifikasi=x&tingkat=rt")
    html = response.content.decode()
    assert response.status_code == 400
    assert "tidak dikenal" in html and "3 sampai 7" in html and "<script>" not in html


def test_kecamatan_geojson(client, world):
    data = client.get(reverse("opendata:kecamatan-geojson")).json()
    assert len(data["features"]) == 17


def test_comparison_side_by_side_and_bad_codes(client, world):
    url = reverse("opendata:compare") + f"?dusun={TELANG}&dusun={BERINGIN}&dusun=15.08.99.9999"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 400 and "Kode tidak dikenal: 15.08.99.9999" in html
    assert 'id="compare-table"' in html and "disembunyikan" in html
    assert SECRET_NAME not in html and SECRET_NIK not in html
    ok = client.get(reverse("opendata:compare") + f"?dusun={TELANG}&dusun={BERINGIN}")
    assert ok.status_code == 200
    too_many = "&".join(f"dusun=15.08.14.20{n:02d}" for n in range(1, 8))
    assert "Paling banyak 5" in client.get(reverse("opendata:compare") + "?" + too_many).content.decode()


def test_comparison_search_offers_villages_to_add(client, world):
    html = client.get(reverse("opendata:compare-search") + f"?q=Telang&dusun={BERINGIN}").content.decode()
    assert "Sungai Telang" in html and f"dusun={BERINGIN}&amp;dusun={TELANG}" in html


def test_categorical_indicator_cannot_be_mapped(client, world):
    response = client.get(reverse("opendata:thematic") + "?indikator=idm-status-2024")
    assert response.status_code == 400 and "tidak dikenal" in response.content.decode()


def test_thematic_page_says_when_the_numbers_are_demo(client, world):
    from dusun.ruang.models import Facility

    Facility.objects.create(dusun=world["telang"], kind="sd", geom=world["telang"].geom.point_on_surface, is_demo=True)
    assert 'id="demo-note"' in client.get(reverse("opendata:thematic") + "?indikator=fasilitas").content.decode()
    assert 'id="demo-note"' not in client.get(reverse("opendata:thematic") + "?indikator=luas").content.decode()


def test_no_page_shows_a_resident_name_nik_or_kk(client, world):
    from dusun.portal import indicators as ind

    from .conftest import SECRET_KK

    urls = [
        reverse("opendata:catalogue") + "?q=Telang",
        reverse("opendata:village", kwargs={"kode": TELANG}),
        reverse("opendata:kecamatan", kwargs={"kode": KECAMATAN}),
        reverse("opendata:compare") + f"?dusun={TELANG}&dusun={BERINGIN}",
        reverse("opendata:compare-search") + "?q=Telang",
        reverse("opendata:kecamatan-geojson"),
    ]
    urls += [reverse("opendata:dataset", kwargs={"slug": slug}) for slug in opendata.datasets()]
    urls += [reverse("opendata:dictionary-csv", kwargs={"slug": slug}) for slug in opendata.datasets()]
    for code, indicator in ind.registry().items():
        for level in indicator.levels if indicator.mappable else ():
            urls.append(reverse("opendata:thematic") + f"?indikator={code}&tingkat={level}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in (SECRET_NAME, SECRET_NIK, SECRET_KK, "Rahmawati"):
            assert secret not in body, (url, secret)

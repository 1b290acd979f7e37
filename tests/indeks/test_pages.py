"""Public pages, the JSON API, the Excel export and the simulator."""

import re
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from dusun.indeks import services
from dusun.wilayah.models import Wilayah

from .conftest import raw_records


def test_kabupaten_page_counts_statuses_per_year(client, idm):
    response = client.get("/indeks/")
    assert response.status_code == 200
    chart = response.context["chart"]
    # From the 44 official records: 2021 has 2 Tertinggal, 4 Berkembang, 5 Maju.
    table = {year: counts for year, counts, _total in chart.table}
    assert table[2021] == [0, 2, 4, 5, 0] and table[2024] == [0, 0, 5, 4, 2]
    html = response.content.decode()
    assert 'data-year="2024" data-total="11"' in html
    assert "Peringkat 2024" in html and 'id="kecamatan-summary"' in html
    assert "Dusun" in html  # the village word, not a hard-coded "Desa"
    ranked = response.context["ranked"]
    assert [r.nama for r in ranked[:2]] == ["Sirih Sekapur", "Rantau Ikil"] and ranked[0].rank == 1
    assert len(response.context["rows"]) == 141  # desa only; kelurahan have no IDM
    colours = response.context["map_config"]["colours"]
    assert colours["15.08.04.2004"] == "#4575b4"  # Mandiri
    assert "15.08.14.2009" not in colours


def test_official_series_and_year_filter(client, idm):
    response = client.get("/indeks/", {"tahun": 2022, "seri": "resmi"})
    assert response.context["year"] == 2022 and response.context["series"] == "resmi"
    movers = response.context["movers"]
    assert {r.nama for r in movers["status_up"]} == {"Rantau Ikil"}  # Maju 2021 → Mandiri 2022


def test_kecamatan_page_and_summary(client, idm):
    response = client.get("/indeks/kecamatan/15.08.04/?tahun=2023")
    assert response.status_code == 200
    assert len(response.context["ranked"]) == 6
    kabupaten = client.get("/indeks/?tahun=2023").context["kecamatan_rows"]
    jujuhan = next(k for k in kabupaten if k["kode"] == "15.08.04")
    assert jujuhan["with_result"] == 6 and jujuhan["counts"]["MANDIRI"] == 2


def test_village_page_explains_and_plans(client, idm):
    response = client.get("/indeks/dusun/15.08.02.2005/2023/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="idm-value">0,6976<' in html  # Indonesian decimal comma
    plan = response.context["plan"]
    assert plan.steps[0].item.code == "IKL.03" and plan.steps[0].activity.startswith("Pembangunan/Pengadaan 2")
    assert [row.item.code for row in plan.path] == ["IKL.03"]
    assert plan.path_result.status.code == "MAJU"
    assert "Menaikkan 1 indikator berikut ke skor 5 membawa IDM ke 0,7421 dan status Maju" in html
    assert "Kabupaten: DPBD, DINSOS" in html  # responsible actors


def test_village_without_results_and_redirect_to_latest_year(client, idm):
    assert client.get("/indeks/dusun/15.08.02.2005/").url == "/indeks/dusun/15.08.02.2005/2024/"
    empty = client.get("/indeks/dusun/15.08.14.2009/")
    assert empty.status_code == 200 and "Belum ada hasil IDM" in empty.content.decode()
    assert client.get("/indeks/dusun/99.99.99.9999/2023/").status_code == 404


def test_simulator_with_htmx_and_without_javascript(client, idm):
    url = "/indeks/dusun/15.08.02.2005/2023/simulasi/"
    partial = client.get(url, {"IKS.12": 5, "IKS.13": 5}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html
    assert 'id="sim-value">0,7129<' in html and 'id="sim-status">Maju<' in html and "naik dari Berkembang" in html
    fallback = client.get(url, {"IKS.12": 5})
    assert fallback.status_code == 302 and "simulasi=1" in fallback.url
    page = client.get(fallback.url)
    assert page.context["simulation"]["after"].value > page.context["simulation"]["before"].value
    ignored = client.get(url, {"IKS.12": "lima"}, headers={"HX-Request": "true"})
    assert "IKS.12: skor &#x27;lima&#x27; diabaikan" in ignored.content.decode()


def test_api_gives_both_series_with_provenance(client, idm):
    response = client.get("/api/v1/idm/15.08.04.2003/2022/")
    assert response.status_code == 200
    body = response.json()
    assert body["kode"] == "15.08.04.2003" and body["kode_kemendesa"] == "1508042003"
    computed, official = body["hitung"], body["resmi"]
    assert computed["status"] == official["status"] == "MAJU"
    assert round(computed["IDM"], 6) == round(official["IDM"], 6) == 0.815397  # 0.000003 below Mandiri
    assert computed["jumlah_skor"] == {"IKS": 151, "IKE": 43, "IKL": 13}
    assert computed["skor_minimal"] == "0.8156" and computed["target_status"] == "MANDIRI"
    assert round(computed["penambahan"], 6) == round(official["penambahan"], 6)
    assert len(computed["indikator"]) == 50
    first = computed["indikator"][0]
    assert first["kode"] == "IKS.01" and first["asal"] == "diimpor" and first["nilai_tambah"] == 0.0
    assert official["dilaporkan"]["SKOR_MINIMAL"] == "0.8156"
    assert body["selisih"] == {"jumlah": 0, "indikator": []}


def test_api_errors_are_json(client, idm):
    assert client.get("/api/v1/idm/15.08.14.2009/2023/").json()["detail"].startswith("Belum ada hasil IDM")
    assert client.get("/api/v1/idm/15.08.99.2001/2023/").status_code == 404


def test_api_after_an_entry_shows_the_difference(client, idm, users):
    dusun = Wilayah.objects.get(kode="15.08.04.2003")
    services.save_entries(dusun, 2022, {"IKE.07": 3}, user=users["admin"], base_version=1)
    body = client.get("/api/v1/idm/15.08.04.2003/2022/").json()
    assert body["hitung"]["status"] == "MANDIRI"  # one bank pushes Pulau Jelmu over 0.8155
    assert body["resmi"]["status"] == "MAJU"
    assert body["selisih"]["indikator"] == [{"kode": "IKE.07", "hitung": 3, "resmi": 0}]
    item = next(i for i in body["hitung"]["indikator"] if i["kode"] == "IKE.07")
    assert item["asal"] == "diisi" and "bappeda" not in str(body)  # no user names in public data


def test_excel_export(client, idm):
    response = client.get("/indeks/ekspor/2024.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="idm-15.08-2024-hitung.xlsx"'
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Status per tahun", "Peringkat 2024", "Skor indikator 2024", "Keterangan"]
    status = list(book["Status per tahun"].iter_rows(min_row=3, values_only=True))
    assert status[0][:7] == (2021, 0, 2, 4, 5, 0, 0)
    ranking = list(book["Peringkat 2024"].iter_rows(min_row=2, values_only=True))
    top = ranking[0]
    assert top[:3] == (1, "15.08.04.2004", "Sirih Sekapur") and top[8] == "Mandiri"
    assert abs(top[7] - 0.883651) < 1e-6
    assert len(ranking) == 141
    items = list(book["Skor indikator 2024"].iter_rows(min_row=2, max_row=12, values_only=True))
    assert len(items[0]) == 53 and all(isinstance(v, int) for v in items[0][3:])


def test_every_official_year_page_renders(client, idm):
    for kode, year, _payload in raw_records():
        html = client.get(f"/indeks/dusun/{kode}/{year}/").content.decode()
        assert re.search(r'id="idm-status"><span class="status"', html), (kode, year)


def test_editors_can_start_only_years_the_definition_covers(client, idm, users):
    import datetime as dt

    from django.contrib.messages import get_messages

    this_year = dt.date.today().year
    client.force_login(users["other_operator"])  # Sungai Telang: no result yet
    empty = client.get("/indeks/dusun/15.08.14.2009/").content.decode()
    options = [int(y) for y in re.findall(r'<option value="(\d{4})"', empty)]
    assert options and min(options) == idm.first_year == 2016 and 2015 not in options
    assert max(options) == this_year + 1
    assert client.get("/indeks/dusun/15.08.14.2009/mulai/", {"tahun": "2016"}).url.endswith("/2016/isi/")
    refused = client.get("/indeks/dusun/15.08.14.2009/mulai/", {"tahun": "2015"})
    assert refused.status_code == 302 and "/isi/" not in refused.url
    assert "definisi IDM berlaku untuk tahun 2016" in " ".join(str(m) for m in get_messages(refused.wsgi_request))

    # A village that already has results: its operator gets a "new year" control with the other years.
    anonymous = Client()
    assert 'id="new-year"' not in anonymous.get("/indeks/dusun/15.08.02.2005/2024/").content.decode()
    client.force_login(users["operator"])
    page = client.get("/indeks/dusun/15.08.02.2005/2024/").content.decode()
    assert 'id="new-year"' in page and "Mulai tahun penilaian baru" in page
    form = page[page.index('id="new-year"') :]
    offered = [int(y) for y in re.findall(r'<option value="(\d{4})"', form[: form.index("</form>")])]
    assert this_year in offered and 2024 not in offered and 2015 not in offered


@pytest.fixture
def fake_english(settings, tmp_path):
    """Install an English catalogue of our own for a few msgids: proves that a text goes through gettext
    (and that its placeholders are named), whatever the shipped catalogue holds."""

    def install(messages: dict[str, str]) -> None:
        import subprocess

        folder = tmp_path / "locale" / "en" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        entries = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in messages.items())
        po = folder / "django.po"
        po.write_text(f'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n{entries}', encoding="utf-8")
        subprocess.run(["msgfmt", "-o", str(folder / "django.mo"), str(po)], check=True)  # noqa: S603, S607
        settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]

    return install


def test_api_errors_are_translated_with_named_placeholders(client, idm, settings, fake_english):
    fake_english(
        {
            "Kode %(kode)s bukan %(word)s yang dikenal; periksa kodenya, mis. 15.08.14.2009.": "EN unknown %(kode)s",
            "Tidak ada definisi indeks untuk tahun %(year)s; pilih tahun %(first)s atau sesudahnya.": "EN no "
            "definition %(year)s, from %(first)s",
            "Belum ada hasil IDM %(nama)s tahun %(year)s: belum diisi dan belum ada hasil resmi. "
            "Lihat tahun lain di /api/v1/idm/%(kode)s/<tahun>/.": "EN no result %(nama)s %(year)s",
        }
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/api/v1/idm/15.08.99.2001/2023/").json()["detail"] == "EN unknown 15.08.99.2001"
    assert client.get("/api/v1/idm/15.08.14.2009/2010/").json()["detail"] == "EN no definition 2010, from 2016"
    assert client.get("/api/v1/idm/15.08.14.2009/2023/").json()["detail"] == "EN no result Sungai Telang 2023"

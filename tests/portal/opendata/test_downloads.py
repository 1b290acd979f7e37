"""Open-data downloads: every dataset in every format opens in its tool (GeoPackage with ogrinfo, XLSX with
openpyxl), carries its data dictionary, and holds no personal data; bad input gets a clear 400/404."""

import csv
import io
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dusun.portal import opendata

from .conftest import KECAMATAN, SECRET_KK, SECRET_NAME, SECRET_NIK, TELANG

pytestmark = pytest.mark.django_db
OGRINFO = shutil.which("ogrinfo") or "/usr/bin/ogrinfo"
SECRETS = [SECRET_NAME, SECRET_NIK, SECRET_KK, "Rahmawati", "Jalan Rahasia Uji"]


def _get(client, slug, kode, fmt):
    return client.get(reverse("opendata:download", kwargs={"slug": slug, "kode": kode, "fmt": fmt}))


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _texts(fmt: str, content: bytes) -> bytes:
    """Everything readable in a file: the members of an XLSX zip, a GeoPackage's raw pages (SQLite stores
    text as UTF-8), plain text as is."""
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            return b"\n".join(zf.read(n) for n in zf.namelist())
    return content


def _every_download():
    for d in opendata.datasets().values():
        for fmt in d.formats:
            for kode in (TELANG, KECAMATAN, "15.08"):
                yield d, fmt, kode


def test_no_download_contains_a_resident_name_nik_or_kk(client, world):
    checked = 0
    for d, fmt, kode in _every_download():
        response = _get(client, d.slug, kode, fmt)
        if kode == "15.08" and response.status_code == 400:
            assert d.layer and d.layer not in opendata.KABUPATEN_LAYERS  # only the big layers are refused
            continue
        assert response.status_code == 200, (d.slug, fmt, kode, response.content[:300])
        text = _texts(fmt, _content(response))
        for secret in SECRETS:
            assert secret.encode() not in text, (d.slug, fmt, kode, secret)
        checked += 1
    assert checked > 60
    # The seeded resident is really there (so the search above could have found it).
    from dusun.warga.models import Resident

    assert Resident.objects.filter(name=SECRET_NAME, nik=SECRET_NIK).exists()


def test_small_population_is_disembunyikan_in_the_indicator_download(client, world):
    rows = list(csv.DictReader(io.StringIO(_content(_get(client, "indikator", KECAMATAN, "csv")).decode())))
    by_kode = {r["kode"]: r for r in rows}
    assert by_kode[TELANG]["penduduk"] == "12"
    assert by_kode["15.08.14.2008"]["penduduk"] == "disembunyikan"
    assert by_kode["15.08.14.2008"]["keluarga"] != "3"


@pytest.mark.parametrize(
    "slug", ["batas-dusun", "indikator", "idm", "kegiatan", "perubahan-hutan", "lapisan-fasilitas"]
)
def test_csv_header_is_the_dictionary(client, world, slug):
    d = opendata.get_dataset(slug)
    header = next(csv.reader(io.StringIO(_content(_get(client, slug, TELANG, "csv")).decode())))
    names = [f.name for f in d.dictionary()]
    if d.layer:  # GDAL's CSV carries the geometry as a WKT column, the dictionary calls it geom
        assert [h for h in header if h != "WKT"] == [n for n in names if n != "geom"]
    else:
        assert header == names


def test_xlsx_has_data_and_kamus_data_sheets(client, world):
    for slug in ("indikator", "lapisan-tutupan-lahan"):
        wb = load_workbook(io.BytesIO(_content(_get(client, slug, TELANG, "xlsx"))), read_only=True)
        assert wb.sheetnames == [slug.removeprefix("lapisan-").replace("-", "_"), "kamus_data", "tentang"]
        header = [c.value for c in next(wb.worksheets[0].iter_rows(max_row=1))]
        kamus = [row[0] for row in wb["kamus_data"].iter_rows(min_row=2, values_only=True)]
        assert header == [k for k in kamus if k != "geom"]
        about = dict(wb["tentang"].iter_rows(values_only=True))
        assert about["Dataset"].endswith(f"({slug})")
        assert "CC BY 4.0" in about["Lisensi"]


def test_gpkg_opens_with_ogrinfo_and_holds_the_dictionary(client, world, tmp_path):
    for slug, kode, layer, count in [
        ("batas-dusun", "15.08", "batas_dusun", 153),
        ("lapisan-tutupan-lahan", TELANG, "tutupan_lahan", 2),
        ("lapisan-fasilitas", KECAMATAN, "fasilitas", 2),
    ]:
        path = tmp_path / f"{slug}.gpkg"
        path.write_bytes(_content(_get(client, slug, kode, "gpkg")))
        out = subprocess.run([OGRINFO, "-so", "-ro", str(path), layer], capture_output=True, text=True, check=True)  # noqa: S603
        assert f"Feature Count: {count}" in out.stdout
        kamus = subprocess.run(  # noqa: S603 (our own temporary file)
            [OGRINFO, "-ro", "-q", str(path), "kamus_data"], capture_output=True, text=True, check=True
        )
        assert "kolom (String)" in kamus.stdout and "lisensi" in kamus.stdout


def test_csv_and_geojson_link_their_sidecar_dictionary_and_licence(client, world):
    response = _get(client, "batas-dusun", TELANG, "geojson")
    assert 'rel="describedby"' in response["Link"] and "/data/kamus/batas-dusun.csv" in response["Link"]
    assert 'rel="license"' in response["Link"]
    sidecar = client.get(reverse("opendata:dictionary-csv", kwargs={"slug": "batas-dusun"}))
    rows = list(csv.reader(io.StringIO(sidecar.content.decode())))
    assert rows[0] == opendata.DICTIONARY_HEADER
    assert "MIT" in sidecar.content.decode()


def test_bad_input_is_a_clear_400_or_404(client, world):
    assert _get(client, "tidak-ada", TELANG, "csv").status_code == 404
    response = _get(client, "indikator", TELANG, "pdf")
    assert response.status_code == 400 and "Pilih salah satu" in response.content.decode()
    assert _get(client, "indikator", TELANG, "geojson").status_code == 400
    response = _get(client, "batas-dusun", "99.99", "csv")
    assert response.status_code == 404 and "tidak ada" in response.content.decode()
    response = _get(client, "lapisan-tutupan-lahan", "15.08", "gpkg")
    assert response.status_code == 400 and "per kecamatan" in response.content.decode()
    assert client.get("/data/unduh/indikator/15.08.14.2009.csv'%20OR%201=1").status_code == 404
    assert client.get(reverse("opendata:village", kwargs={"kode": "15.08.14"})).status_code == 404
    assert client.get(reverse("opendata:village", kwargs={"kode": "<script>"})).status_code == 404
    assert client.get(reverse("opendata:dataset", kwargs={"slug": "nope"})).status_code == 404

"""The village profile (issue 8): the model's checks, the operator's edit form and who may use it, the public
page, the printable PDF (text read back with pypdf), sitemap, robots.txt and meta tags."""

import io
import re
import time

import pypdf
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.wilayah import services
from dusun.wilayah.models import Jenis, Level, ProfilDusun, Wilayah

TELANG, BERINGIN = "15.08.14.2009", "15.08.14.2008"
PASSWORD = "rahasia-sekali-123"
GOOD = {
    "sejarah": "Dusun ini dibuka oleh para peladang dari hulu Batang Bungo.\n\nKini dikenal karena kebun karetnya.",
    "rio_nama": "Rio Contoh Alamsyah",
    "rio_mulai": 2021,
    "rio_selesai": 2027,
    "alamat_kantor": "Jl. Lintas Bungo km 40",
    "telepon": "0747 21234",
    "email": "kantor@sungaitelang.desa.id",
    "situs_web": "https://sungaitelang.desa.id",
}


def make_user(username, role=None, kode=None):
    user = User.objects.create_user(username, password=PASSWORD)
    if role:
        assign_role(user, role, Wilayah.objects.get(kode=kode))
    return user


@pytest.fixture
def telang(reference_data):
    return Wilayah.objects.get(kode=TELANG)


@pytest.fixture
def admin(reference_data):
    """The kabupaten admin: may write any village's profile (the service checks scope itself)."""
    return make_user("bappeda", Role.KABUPATEN, "15.08")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


# --- Model and service -------------------------------------------------------------------------------------


def test_save_profil_creates_then_updates_one_row(telang):
    operator = make_user("op", Role.OPERATOR, TELANG)
    services.save_profil(telang, GOOD, operator)
    services.save_profil(telang, {**GOOD, "rio_nama": "  Rio Baru  "}, operator)
    profil = ProfilDusun.objects.get(wilayah=telang)
    assert ProfilDusun.objects.count() == 1
    assert profil.rio_nama == "Rio Baru" and profil.diperbarui_oleh == operator
    assert profil.periode == "2021–2027"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"rio_mulai": 2027, "rio_selesai": 2021}, "rio_selesai", "lebih awal"),
        ({"rio_mulai": None, "rio_selesai": 2027}, "rio_mulai", "tahun mulai"),
        ({"rio_mulai": 1800}, "rio_mulai", "antara 1900 dan 2100"),
        ({"rio_nama": "", "rio_mulai": 2021}, "rio_nama", "nama Rio"),
        ({"telepon": "telp 123"}, "telepon", "tidak valid"),
        ({"situs_web": "ftp://x.id"}, "situs_web", "https://"),
        ({"email": "bukan-surel"}, "email", ""),
        ({"sejarah": "Dibuka oleh warga NIK 1508 1234 5678 9012."}, "sejarah", "NIK atau nomor KK"),
        ({"alamat_kantor": "Rumah KK 1508123456789012"}, "alamat_kantor", "16 digit"),
    ],
)
def test_bad_profile_values_are_refused_in_bahasa_and_nothing_is_written(telang, changes, field, words, admin):
    with pytest.raises(ValidationError) as error:
        services.save_profil(telang, {**GOOD, **changes}, admin)
    assert field in error.value.message_dict
    assert words in " ".join(error.value.message_dict[field])
    assert not ProfilDusun.objects.exists()


def test_profile_only_for_villages(reference_data, admin):
    kecamatan = Wilayah.objects.get(kode="15.08.14")
    with pytest.raises(ValidationError) as error:
        services.save_profil(kecamatan, GOOD, admin)
    assert "bukan dusun" in str(error.value)


# --- Edit form and scope -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, telang):
    response = client.get(f"/dusun/{TELANG}/profil/ubah/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    assert client.post(f"/dusun/{TELANG}/profil/ubah/", GOOD).status_code == 302
    assert not ProfilDusun.objects.exists()


@pytest.mark.parametrize(
    ("role", "kode", "allowed"),
    [
        (Role.OPERATOR, TELANG, True),
        (Role.KABUPATEN, "15.08", True),
        (Role.OPERATOR, BERINGIN, False),  # another village's operator
        (Role.KECAMATAN, "15.08.14", False),  # verifies, does not edit
        (None, None, False),
    ],
)
def test_only_the_villages_operator_or_kabupaten_edits(client, telang, role, kode, allowed):
    client.force_login(make_user("u", role, kode))
    get = client.get(f"/dusun/{TELANG}/profil/ubah/")
    post = client.post(f"/dusun/{TELANG}/profil/ubah/", GOOD)
    if allowed:
        assert get.status_code == 200
        assert post.status_code == 302 and post["Location"] == f"/dusun/{TELANG}/"
        assert ProfilDusun.objects.get(wilayah=telang).rio_nama == GOOD["rio_nama"]
    else:
        assert get.status_code == 403 and post.status_code == 403
        assert not ProfilDusun.objects.exists()


def test_form_shows_bahasa_errors_next_to_fields_and_keeps_input(client, telang):
    client.force_login(make_user("op", Role.OPERATOR, TELANG))
    response = client.post(
        f"/dusun/{TELANG}/profil/ubah/", {**GOOD, "rio_mulai": "2027", "rio_selesai": "2021", "email": "x@"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "lebih awal dari tahun mulai" in html and "Alamat surel tidak valid" in html
    assert GOOD["sejarah"].split("\n")[0] in html  # what was typed stays in the form
    assert not ProfilDusun.objects.exists()
    # every input of the form has a label
    ids = re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', html)
    form_ids = [i for i in ids if i.startswith("id_")]
    assert len(form_ids) == 8
    for control in form_ids:
        assert f'for="{control}"' in html


def test_edit_link_only_for_editors(client, telang):
    assert "Ubah profil" not in client.get(f"/dusun/{TELANG}/").content.decode()
    client.force_login(make_user("op", Role.OPERATOR, TELANG))
    assert f'href="/dusun/{TELANG}/profil/ubah/"' in client.get(f"/dusun/{TELANG}/").content.decode()


# --- Public page -------------------------------------------------------------------------------------------


def test_village_page_shows_profile_subunits_and_links(client, telang, admin):
    services.save_profil(telang, GOOD, admin)
    Wilayah.objects.create(kode=TELANG + ".RT01", nama="RT 01", level=Level.SUBUNIT, jenis=Jenis.RT, parent=telang)
    Wilayah.objects.create(
        kode=TELANG + ".K1", nama="Simpang Tiga", level=Level.SUBUNIT, jenis=Jenis.KAMPUNG, parent=telang
    )
    html = client.get(f"/dusun/{TELANG}/").content.decode()
    assert "Rio Contoh Alamsyah" in html and "2021–2027" in html
    assert "dibuka oleh para peladang" in html and "<p>Kini dikenal" in html  # paragraphs kept
    assert 'href="tel:074721234"' in html and 'href="mailto:kantor@sungaitelang.desa.id"' in html
    assert "<li>RT 01</li>" in html and "<li>Kampung Simpang Tiga</li>" in html
    assert f'href="/dusun/{TELANG}/profil.pdf"' in html and "Unduh profil (PDF)" in html


def test_village_page_without_profile_says_so(client, telang):
    html = client.get(f"/dusun/{TELANG}/").content.decode()
    assert "belum diisi" in html and "Belum ada kampung/RT" in html


def test_meta_tags_canonical_and_language(client, telang, admin):
    services.save_profil(telang, GOOD, admin)
    html = client.get(f"/dusun/{TELANG}/?x=1").content.decode()
    assert f'<link rel="canonical" href="http://testserver/dusun/{TELANG}/">' in html  # no query string
    assert '<meta property="og:title" content="Dusun Sungai Telang · Dusun Online">' in html
    assert re.search(r'<meta property="og:description" content="Dusun ini dibuka[^"]*">', html)
    assert '<meta name="description" content="Dusun Sungai Telang, Kecamatan Bathin III Ulu' in html
    assert '<html lang="id">' in html
    kec = client.get("/kecamatan/15.08.14/").content.decode()
    assert '<meta property="og:title" content="Kecamatan Bathin III Ulu · Dusun Online">' in kec
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(f"/dusun/{TELANG}/").content.decode()


# --- PDF ---------------------------------------------------------------------------------------------------


def test_pdf_profile_has_every_section_and_is_cached_with_etag(client, telang, admin):
    cache.clear()
    services.save_profil(telang, GOOD, admin)
    started = time.perf_counter()
    response = client.get(f"/dusun/{TELANG}/profil.pdf")
    first = time.perf_counter() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in (
        "Profil Dusun Sungai Telang",
        "Kecamatan Bathin III Ulu",
        "Rio Contoh Alamsyah (2021–2027)",
        "Jl. Lintas Bungo km 40",
        "dibuka oleh para peladang",
        "Penduduk (angka agregat)",
        "Indeks Desa Membangun",
        "Tutupan lahan",
        "Hutan dan karbon",
        "Kegiatan pembangunan",
        "15.580,01 ha",
    ):
        assert expected in text, expected
    assert b"<path" not in response.content  # the outline is drawn, not pasted as text
    etag = response["ETag"]
    started = time.perf_counter()
    again = client.get(f"/dusun/{TELANG}/profil.pdf")
    assert time.perf_counter() - started < first and again.content == response.content
    assert client.get(f"/dusun/{TELANG}/profil.pdf", headers={"If-None-Match": etag}).status_code == 304
    # A change to the profile gives a new version: new ETag, new text.
    services.save_profil(telang, {**GOOD, "rio_nama": "Rio Pengganti"}, admin)
    changed = client.get(f"/dusun/{TELANG}/profil.pdf", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Rio Pengganti" in pdf_text(changed.content)


def test_outline_svg_follows_the_boundary(telang):
    from dusun.portal.selectors import outline_svg_path

    d, width, height = outline_svg_path(telang)
    assert max(width, height) == 360 and min(width, height) > 50
    assert d.startswith("M") and d.count("Z") >= 1 and len(d.split("L")) > 20


def test_pdf_of_unknown_village_is_404(client, reference_data):
    assert client.get("/dusun/15.08.14.9999/profil.pdf").status_code == 404
    assert client.get("/dusun/15.08.14/profil.pdf").status_code == 404


# --- Sitemap and robots ------------------------------------------------------------------------------------


def test_sitemap_lists_kabupaten_kecamatan_villages_and_modules(client, reference_data):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    locs = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert "http://testserver/" in locs
    assert "http://testserver/indeks/" in locs and "http://testserver/hutan/" in locs
    assert sum(bool(re.fullmatch(r"http://testserver/kecamatan/15\.08\.\d\d/", u)) for u in locs) == 17
    assert sum(bool(re.fullmatch(r"http://testserver/dusun/15\.08\.\d\d\.\d{4}/", u)) for u in locs) == 153
    assert sum(u.endswith("/profil.pdf") for u in locs) == 153
    try:  # the open-data pages of every village, once that module is installed
        reverse("opendata:village", args=[TELANG])
    except NoReverseMatch:
        pass
    else:
        assert sum(bool(re.fullmatch(r"http://testserver/data/dusun/15\.08\.\d\d\.\d{4}/", u)) for u in locs) == 153
    assert not any(p in u for u in locs for p in ("/warga/", "/lapangan/", "/akun/", "/admin/"))
    # (module pages such as /indeks/ need their reference data, not loaded here; the crawl test opens them)
    for url in [u for u in locs if "/dusun/" in u or "/kecamatan/" in u][:3] + locs[-3:]:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_robots_txt_points_at_sitemap_and_disallows_private_areas(client, reference_data):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    for path in ("/warga/", "/lapangan/", "/akun/", "/admin/"):
        assert f"Disallow: {path}\n" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /\n" not in body  # the public pages stay crawlable


def test_idm_history_prefers_the_official_result_and_marks_computed_years(client, reference_data):
    from django.core.management import call_command

    from dusun.indeks.models import Result, Series
    from dusun.portal.selectors import idm_by_year

    call_command("load_idm", verbosity=0)
    official = (
        Result.objects.filter(series=Series.OFFICIAL, is_current=True).select_related("dusun").order_by("-year").first()
    )
    village, year = official.dusun, official.year
    Result.objects.filter(dusun=village, series=Series.COMPUTED).delete()  # load_idm may derive some
    for y, value, status in ((year, "0.9", "MANDIRI"), (year + 1, "0.7", "MAJU")):
        Result.objects.create(
            definition=official.definition, dusun=village, year=y, series=Series.COMPUTED, version=1,
            value=value, status=status, is_complete=True,
        )  # fmt: skip
    history = idm_by_year(village)
    assert [h.year for h in history][:2] == [year + 1, year]
    assert (history[0].status, history[0].official) == ("MAJU", False)
    assert history[1].status == official.status and history[1].official  # not the computed MANDIRI
    html = client.get(f"/dusun/{village.kode}/").content.decode()
    assert f"({year + 1}, 0,7000, dihitung Dusun Online)" in html


def test_the_service_itself_refuses_an_operator_of_another_village(telang):
    from django.core.exceptions import PermissionDenied

    other = make_user("op_beringin", Role.OPERATOR, BERINGIN)
    with pytest.raises(PermissionDenied):
        services.save_profil(telang, GOOD, other)
    assert not ProfilDusun.objects.exists()

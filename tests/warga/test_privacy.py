"""Privacy of the census (UU 27/2022): area isolation on every endpoint, no personal data in public
output or URLs, masking for verification roles, noindex/no-store on private pages, and the access log.

The isolation test walks the URL patterns of the warga and ekonomi apps through `get_resolver()`, so an
endpoint added later is checked automatically: it either appears in PUBLIC (and then must leak nothing)
or must refuse another dusun's operator.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dusun.akun.models import AccessLog
from dusun.ekonomi.models import Enterprise
from dusun.warga import services
from dusun.warga.models import CensusImport, Household, Resident
from dusun.wilayah.models import Wilayah

from .conftest import BERINGIN, PASSWORD, TELANG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_census")]

# Endpoints anyone may call: aggregates only. Everything else must refuse another dusun's operator.
PUBLIC = {
    "warga:statistik_dusun",
    "warga:statistik_kecamatan",
    "warga:statistik_kabupaten",
    "warga:statistik_dusun_xlsx",
    "warga:statistik_kecamatan_xlsx",
    "warga:statistik_kabupaten_xlsx",
    "warga:api_statistik_dusun",
    "warga:api_statistik_kecamatan",
    "warga:api_statistik_kabupaten",
    "ekonomi:dusun",
    "ekonomi:kecamatan",
    "ekonomi:kabupaten",
    "ekonomi:api_dusun",
}
# Endpoints not about one dusun's records (menus, the blank template, the admin's log): for these the
# check is that B's personal data never shows up in what A receives.
NOT_AREA_BOUND = {"warga:home", "warga:import_start", "warga:template", "warga:audit"}
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def walk(patterns, namespace=""):
    for item in patterns:
        if isinstance(item, URLResolver):
            yield from walk(item.url_patterns, item.namespace or namespace)
        elif isinstance(item, URLPattern) and namespace in ("warga", "ekonomi"):
            yield f"{namespace}:{item.name}", item


def endpoints():
    return list(walk(get_resolver().url_patterns))


def test_every_endpoint_is_classified():
    names = {name for name, _p in endpoints()}
    assert len(names) >= 25
    assert names >= PUBLIC and names >= NOT_AREA_BOUND


@pytest.fixture
def samples(users, django_capture_on_commit_callbacks):
    """One record of dusun B (Lubuk Beringin) for every kind of URL parameter."""
    beringin = Wilayah.objects.get(kode=BERINGIN)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(users["op_b"], beringin, SimpleUploadedFile("b.xlsx", b"not really a workbook"))
    household = Household.objects.filter(dusun=beringin).order_by("kk_number").first()
    return {
        "kode": BERINGIN,
        "household": household.uuid,
        "resident": household.members.first().uuid,
        "import": job.uuid,
        "enterprise": Enterprise.objects.filter(dusun=beringin).first().pk,
    }


UUID_KIND = {
    "warga:household": "household",
    "warga:add_member": "household",
    "ekonomi:household_commodity": "household",
    "warga:resident": "resident",
    "warga:departure": "resident",
    "warga:import_detail": "import",
    "warga:import_commit": "import",
    "warga:import_cancel": "import",
}


def kwargs_for(name: str, pattern: URLPattern, samples: dict) -> dict:
    kwargs = {}
    for param in pattern.pattern.converters:
        if param == "kode":
            level = pattern.default_args.get("level")
            kwargs["kode"] = {"kecamatan": "15.08.14", "kabupaten": "15.08"}.get(level, samples["kode"])
        elif param == "uuid":
            assert name in UUID_KIND, f"{name}: new endpoint with a record id; add it to UUID_KIND"
            kwargs["uuid"] = samples[UUID_KIND[name]]
        elif param == "kind":
            kwargs["kind"] = "usaha"
        elif param == "pk":
            kwargs["pk"] = samples["enterprise"]
        else:
            raise AssertionError(f"{name}: unknown URL parameter {param!r}; teach this test how to fill it")
    return kwargs


def personal_of(kode: str) -> tuple[set[str], set[str]]:
    """(NIK and KK numbers, full names) of one dusun."""
    numbers = set(Resident.objects.filter(dusun__kode=kode).values_list("nik", flat=True))
    numbers |= set(Household.objects.filter(dusun__kode=kode).values_list("kk_number", flat=True))
    names = set(Resident.objects.filter(dusun__kode=kode).values_list("name", flat=True))
    return numbers, names


def leaks(body: str, numbers: set[str], names: set[str]) -> list[str]:
    found = [n for n in SIXTEEN_DIGITS.findall(body) if n in numbers]
    found += [name for name in names if name in body]
    return found


def test_operator_of_one_dusun_cannot_reach_another_dusuns_records(client, users, samples):
    b_numbers, b_names = personal_of(BERINGIN)
    a_names = set(Resident.objects.filter(dusun__kode=TELANG).values_list("name", flat=True))
    only_b_names = b_names - a_names  # the demo draws names from one list: compare only B's own
    owner = client.__class__()
    owner.force_login(users["op_b"])
    client.force_login(users["op_a"])
    checked = 0
    for name, pattern in endpoints():
        url = reverse(name, kwargs=kwargs_for(name, pattern, samples))
        responses = {
            "GET": client.get(url),
            "POST": client.post(url, {"q": "", "reason": "x" * 20, "kind": "meninggal"}),
        }
        if name in PUBLIC or name in NOT_AREA_BOUND:
            for method, response in responses.items():
                body = b"" if response.get("Content-Type", "").startswith("application/vnd") else response.content
                assert not leaks(body.decode(errors="ignore"), b_numbers, only_b_names), (name, method)
            continue
        statuses = {m: r.status_code for m, r in responses.items()}
        assert set(statuses.values()) <= {403, 404, 405}, (name, statuses)
        assert {403, 404} & set(statuses.values()), (name, statuses)
        # Positive control: the same URL works for B's own operator, so the refusal above is about scope.
        own = owner.get(url) if statuses["GET"] != 405 else owner.post(url, {"kind": "x"})
        assert own.status_code not in (403, 404), (name, own.status_code)
        checked += 1
    assert checked >= 12


def test_import_into_another_dusun_is_refused_even_with_a_forged_form(client, users):
    client.force_login(users["op_a"])
    upload = SimpleUploadedFile("x.xlsx", b"x")
    response = client.post(
        reverse("warga:import_start"), {"wilayah": BERINGIN, "file_format": "template", "upload": upload}
    )
    assert response.status_code == 403
    assert not CensusImport.objects.filter(wilayah__kode=BERINGIN).exists()


def test_public_pages_and_api_contain_no_personal_data(client):
    numbers, names = set(), set()
    for kode in Wilayah.objects.villages().filter(parent__kode="15.08.14").values_list("kode", flat=True):
        n, m = personal_of(kode)
        numbers |= n
        names |= m
    assert len(numbers) > 1000 and len(names) > 500
    urls = [reverse("portal:home"), reverse("portal:kecamatan", args=["15.08.14"])]
    for kode in Wilayah.objects.villages().filter(parent__kode="15.08.14").values_list("kode", flat=True):
        urls += [
            reverse("portal:village", args=[kode]),
            reverse("warga:statistik_dusun", args=[kode]),
            reverse("warga:api_statistik_dusun", args=[kode]),
            reverse("ekonomi:dusun", args=[kode]),
            reverse("ekonomi:api_dusun", args=[kode]),
        ]
        for sex in ("L", "P"):
            urls.append(reverse("warga:api_statistik_dusun", args=[kode]) + f"?jenis_kelamin={sex}")
            urls.append(reverse("warga:statistik_dusun", args=[kode]) + f"?sex={sex}")
    urls += [
        reverse("warga:statistik_kecamatan", args=["15.08.14"]),
        reverse("warga:statistik_kabupaten", args=["15.08"]),
        reverse("warga:api_statistik_kabupaten", args=["15.08"]),
        reverse("ekonomi:kabupaten", args=["15.08"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not SIXTEEN_DIGITS.search(body), url  # no NIK/KK, not even a masked-less number
        assert not [name for name in names if name in body], url
        assert "noindex" not in body  # public pages stay findable
    # The public statistics and the village page never carry the "private" markers.


def test_kecamatan_staff_see_masked_kk_numbers_and_no_names(client, users):
    client.force_login(users["camat"])
    response = client.get(reverse("warga:households", args=[BERINGIN]))
    assert response.status_code == 200
    body = response.content.decode()
    numbers, names = personal_of(BERINGIN)
    assert not leaks(body, numbers, names)
    masked = re.findall(r"\d{4}\*{8}\d{4}", body)
    assert len(masked) == 50  # a full page, every number masked like 1508********0001
    assert (
        client.get(
            reverse("warga:household", args=[Household.objects.filter(dusun__kode=BERINGIN).first().uuid])
        ).status_code
        == 404
    )


def test_superuser_without_a_role_gets_no_personal_data(client, users):
    """A technical administrator sees the masked verification view, never names or full numbers."""
    client.force_login(users["root"])
    response = client.get(reverse("warga:households", args=[TELANG]))
    assert response.status_code == 200
    numbers, names = personal_of(TELANG)
    assert not leaks(response.content.decode(), numbers, names)
    household = Household.objects.filter(dusun__kode=TELANG).first()
    assert client.get(reverse("warga:household", args=[household.uuid])).status_code == 404
    assert client.post(reverse("warga:export", args=[TELANG]), {"reason": "x" * 30}).status_code == 403


def test_private_pages_are_noindex_no_store_and_logged(client, users):
    client.force_login(users["op_a"])
    household = Household.objects.filter(dusun__kode=TELANG).order_by("kk_number").first()
    resident = household.members.first()
    before = AccessLog.objects.count()
    for url in [
        reverse("warga:households", args=[TELANG]),
        reverse("warga:household", args=[household.uuid]),
        reverse("warga:resident", args=[resident.uuid]),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    rows = list(AccessLog.objects.order_by("-at", "-pk")[: AccessLog.objects.count() - before])
    assert {r.action for r in rows} == {"daftar", "lihat"}
    view = next(r for r in rows if r.object_type == "warga.resident")
    assert view.username == "op_telang" and view.object_ref == str(resident.uuid) and view.wilayah.kode == TELANG
    assert resident.nik not in str([(r.object_ref, r.reason) for r in rows])  # opaque references only


def test_search_goes_by_post_and_no_nik_reaches_a_url(client, users):
    client.force_login(users["op_a"])
    resident = Resident.objects.filter(dusun__kode=TELANG).first()
    response = client.post(reverse("warga:households", args=[TELANG]), {"q": resident.nik})
    assert response.status_code == 200
    assert resident.household.kk_number in response.content.decode()
    assert AccessLog.objects.filter(action="cari", wilayah__kode=TELANG).exists()
    # A query string is ignored: a NIK put in a URL finds nothing and is not echoed.
    by_get = client.get(reverse("warga:households", args=[TELANG]) + f"?q={resident.nik}")
    assert by_get.context["query"] == ""
    for page in (response, by_get):
        for href in re.findall(r'href="([^"]+)"', page.content.decode()):
            assert not SIXTEEN_DIGITS.search(href), href


def test_export_needs_a_reason_which_is_logged(client, users):
    client.force_login(users["op_a"])
    url = reverse("warga:export", args=[TELANG])
    refused = client.post(url, {"reason": "perlu"})
    assert refused.status_code == 200 and "Content-Disposition" not in refused
    assert not AccessLog.objects.filter(action="ekspor").exists()
    response = client.post(url, {"reason": "Verifikasi penerima BLT Dana Desa 2026"})
    assert response["Content-Disposition"].startswith("attachment;")
    assert TELANG in response["Content-Disposition"] and not SIXTEEN_DIGITS.search(response["Content-Disposition"])
    log = AccessLog.objects.get(action="ekspor")
    assert log.reason == "Verifikasi penerima BLT Dana Desa 2026"
    assert log.record_count == Resident.objects.filter(dusun__kode=TELANG).count()
    assert client.post(reverse("warga:export", args=[BERINGIN]), {"reason": "x" * 30}).status_code == 403


def test_access_log_is_append_only_and_visible_to_the_kabupaten_admin(client, users):
    client.force_login(users["op_a"])
    client.get(reverse("warga:households", args=[TELANG]))
    row = AccessLog.objects.latest("at")
    row.reason = "diubah"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()
    assert client.get(reverse("warga:audit")).status_code == 403
    client.force_login(users["admin"])
    page = client.get(reverse("warga:audit"))
    assert page.status_code == 200 and "op_telang" in page.content.decode()


def test_login_page_is_used_for_anonymous_visitors(client):
    response = client.get(reverse("warga:households", args=[TELANG]))
    assert response.status_code == 302 and reverse("akun:login") in response["Location"]
    assert PASSWORD  # users log in with it in the browser test


def test_verification_list_and_access_log_show_labels_not_codes(client, users):
    client.force_login(users["camat"])
    body = client.get(reverse("warga:households", args=[BERINGIN])).content.decode()
    cells = re.findall(r"<td>([^<]*)</td>", body)
    codes = {"pln_meteran", "sumur_terlindung", "sumur_bor", "semen", "seng", "sendiri", "kayu"}
    assert not codes & set(cells), codes & set(cells)
    assert any(cell.startswith("Listrik PLN") for cell in cells)

    client.force_login(users["op_a"])
    client.get(reverse("warga:households", args=[TELANG]))
    client.force_login(users["admin"])
    audit = client.get(reverse("warga:audit")).content.decode()
    assert "<td>Keluarga</td>" in audit and "warga.household" not in audit


def test_demo_badges_are_translated(client, users, settings, fake_english):
    fake_english({"demo": "DEMO-EN"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(users["op_a"])
    household = Household.objects.filter(dusun__kode=TELANG, is_demo=True).order_by("kk_number").first()
    resident = household.members.first()
    for url in (
        reverse("warga:households", args=[TELANG]),
        reverse("warga:household", args=[household.uuid]),
        reverse("warga:resident", args=[resident.uuid]),
        reverse("ekonomi:dusun", args=[TELANG]),
    ):
        body = client.get(url).content.decode()
        assert 'class="demo-badge">DEMO-EN<' in body and 'class="demo-badge">demo<' not in body, url

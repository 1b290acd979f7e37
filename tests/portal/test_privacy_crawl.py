"""Privacy crawl (issue 8, done-when): an anonymous visitor follows every link of the site from the portal home,
over the demo data of every module, and no response (HTML, JSON/GeoJSON, CSV, XML, sitemap, XLSX/zip members,
GeoPackage, the PDF profile's text, vector tiles) contains a resident's NIK, KK number or name.

The data are the real demo generators at their small scale: ruang (3 villages), warga (the 9 dusun of Bathin III
Ulu, ~thousands of residents), rencana (planning with accepted projects), hutan (carbon factors, the Bujang Raba
ledger, the change matrix), the IDM definition and official results; plus a filled village profile with sub-units.

Runtime bound (CI ≤ ~5 min): every page of the areas that hold residents (kabupaten, kecamatan Bathin III Ulu and
its villages) is fetched; for the other 144 villages and 16 kecamatan, whose pages hold no personal data to leak
and are the same templates, at most `OTHER_AREAS_PER_SHAPE` URLs per URL shape (path with area codes replaced).
"""

import gzip
import io
import math
import re
import time
import zipfile
from collections import Counter, deque
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

import pypdf
import pytest
from django.core.management import call_command

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.warga.models import Household, Resident
from dusun.wilayah import services as wilayah_services
from dusun.wilayah.models import Jenis, Level, Wilayah

HOST = "http://testserver"
TELANG = "15.08.14.2009"
RESIDENT_AREAS = ("15.08", "15.08.14")  # the kabupaten and the kecamatan of the small demo census
OTHER_AREAS_PER_SHAPE = 1
ID_PER_SHAPE = 5
MAX_URLS = 4000  # a runaway guard: the crawl fails (not silently stops) if the site grows past it
SKIP_PREFIXES = ("/static/", "/akun/", "/admin/", "/i18n/", "/favicon.ico")
RIO = "Rio Contoh Pamungkas"  # a public office holder: must show, and must not be taken for a resident

CODE_RE = re.compile(r"\b\d{2}(?:\.\d{2}){1,2}(?:\.\d{4})?(?:\.[0-9A-Z-]+)*\b")
LINK_RE = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"'#][^"']*)["']""", re.I)
JSON_URL_RE = re.compile(r'"((?:https?://testserver)?/[^"\s{}<>]*)"')
LOC_RE = re.compile(r"<loc>([^<]+)</loc>")
DIGITS16_RE = re.compile(r"(?<!\d)\d{16}(?!\d)")
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.U)


@pytest.fixture
def demo_world(reference_data):
    """Every module's demo data, made inside the test's transaction: rolled back afterwards, so no other test
    ever sees it (the pages then skip ruang's per-process cache, which only makes the crawl stricter)."""
    call_command("load_idm", verbosity=0)
    call_command("generate_demo_ruang", scale="small", seed=1, verbosity=0)
    call_command("generate_demo_warga", scale="small", verbosity=0)
    call_command("generate_demo_rencana", villages=3, verbosity=0)
    call_command("generate_demo_hutan", verbosity=0)
    telang = Wilayah.objects.get(kode=TELANG)
    if not Wilayah.objects.filter(level=Level.SUBUNIT, kode__startswith=TELANG + ".").exists():
        Wilayah.objects.create(kode=TELANG + ".RT01", nama="RT 01", level=Level.SUBUNIT, jenis=Jenis.RT, parent=telang)
    operator = User.objects.create_user("op_crawl")
    assign_role(operator, Role.OPERATOR, telang)
    wilayah_services.save_profil(
        telang,
        {"sejarah": "Dusun tua di hulu Batang Bungo.", "rio_nama": RIO, "rio_mulai": 2021, "alamat_kantor": "Jl. Rio"},
        operator,
    )


# --- What must never appear --------------------------------------------------------------------------------


def personal_secrets() -> tuple[set[str], set[tuple[str, ...]], int]:
    """(16-digit numbers: every NIK and KK number; names as lower-case word tuples; longest name in words).

    Names rule: a name counts when it has ≥ 2 words, or one word of ≥ 6 letters. A full-name match is what
    identifies a person; one short word ("Ani", "Budi", "Siti") is also a common word or part of a place or
    group name, and would flag pages that say nothing about anybody. A name that is exactly a public place
    name (a village, kecamatan or sub-unit) or the Rio's is public geography or office, not a resident."""
    numbers = set(Resident.objects.values_list("nik", flat=True)) | set(
        Household.objects.values_list("kk_number", flat=True)
    )
    public = {w.lower() for w in Wilayah.objects.values_list("nama", flat=True)} | {RIO.lower()}
    names = set()
    for name in Resident.objects.values_list("name", flat=True).distinct():
        words = tuple(w.lower() for w in WORD_RE.findall(name))
        if not words or " ".join(words) in public:
            continue
        if len(words) >= 2 or len(words[0]) >= 6:
            names.add(words)
    return numbers, names, max((len(n) for n in names), default=1)


def leaks(text: str, numbers: set[str], names: set[tuple[str, ...]], longest: int) -> list[str]:
    found = [n for n in DIGITS16_RE.findall(text) if n in numbers]
    words = [w.lower() for w in WORD_RE.findall(text)]
    for size in range(1, longest + 1):
        for i in range(len(words) - size + 1):
            gram = tuple(words[i : i + size])
            if gram in names:
                found.append(" ".join(gram))
    return found


# --- Reading any response as text ---------------------------------------------------------------------------


def texts_of(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    kind = response.get("Content-Type", "")
    if content.startswith(b"%PDF"):
        pdf = pypdf.PdfReader(io.BytesIO(content))
        return ["\n".join(page.extract_text() for page in pdf.pages)]
    if content.startswith(b"PK"):  # xlsx, zipped shapefile, kmz: search every member
        out = []
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.namelist():
                data = archive.read(member)
                out += [data.decode("utf-8", "replace"), data.decode("latin-1")]
        return out
    text = content.decode("utf-8", "replace")
    return [unescape(text) if "html" in kind or "xml" in kind else text]


def links_of(path: str, response, text: str) -> set[str]:
    kind = response.get("Content-Type", "")
    raw = []
    if "html" in kind:  # links, and the URLs inside the pages' JSON map configurations
        raw = LINK_RE.findall(text) + JSON_URL_RE.findall(text)
    elif "json" in kind:
        raw = JSON_URL_RE.findall(text)
    elif "xml" in kind:
        raw = LOC_RE.findall(text)
    elif "text/plain" in kind:
        raw = re.findall(r"(?:Sitemap|Allow):\s*(\S+)", text)
    found = set()
    for link in raw:
        link = urldefrag(urljoin(HOST + path, unescape(link).strip()))[0]
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver" or "{" in link:
            continue
        found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


TILE_LAYERS = ["tutupan-lahan", "bangunan", "fasilitas", "jaringan", "kawasan", "potensi", "bencana", "persil"]


def api_urls(client) -> list[str]:
    """The REST API's operations are templates in its OpenAPI document ({kode}, {tahun}), never plain links:
    fill every GET operation with a village, its kecamatan and the kabupaten, and the newest IDM year."""
    from dusun.indeks.models import Result

    year = Result.objects.order_by("-year").values_list("year", flat=True).first() or 2020
    urls = []
    for template, operations in client.get("/api/v1/openapi.json").json()["paths"].items():
        if "get" in operations:
            for kode in (TELANG, "15.08.14", "15.08"):
                urls.append(template.replace("{kode}", kode).replace("{tahun}", str(year)))
    return list(dict.fromkeys(urls))


def tile_urls(village: Wilayah, client) -> list[str]:
    """Vector tiles are reached through URL templates ({z}/{x}/{y}), never plain links: ask each layer's
    TileJSON for its template and fetch the tiles over the village at two zoom levels."""
    point = village.geom.point_on_surface
    urls = []
    for layer in TILE_LAYERS:
        urls.append(f"/tiles/{layer}.json")
        response = client.get(f"/tiles/{layer}.json")
        if response.status_code != 200:
            continue
        doc = response.json()
        template = doc["tiles"][0].removeprefix(HOST)
        for z in sorted({max(doc.get("minzoom", 0), 12), min(doc.get("maxzoom", 14), 14)}):
            n = 2**z
            x = int((point.x + 180) / 360 * n)
            y = int((1 - math.asinh(math.tan(math.radians(point.y))) / math.pi) / 2 * n)
            urls.append(template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y)))
    urls.append(
        f"/tiles/dusun/12/{int((point.x + 180) / 360 * 4096)}/"
        f"{int((1 - math.asinh(math.tan(math.radians(point.y))) / math.pi) / 2 * 4096)}.pbf"
    )
    return urls


NUMBER_RE = re.compile(r"(?<=[/=])\d+(?=[/?&.]|$)")


def budget_of(url: str) -> tuple[str, int | None]:
    """(the URL's shape, how many URLs of that shape to fetch; None: all).

    The shape replaces area codes with <kode> and numbers (feature ids, years, offsets) with <n>. Every URL of
    the areas that hold residents is fetched; a shape of other areas once (same template, no residents); a shape
    with numbers (single features, photos, pages of a paged list) five times: the lists they come from are read
    in full anyway."""
    codes = CODE_RE.findall(url)
    shape = NUMBER_RE.sub("<n>", CODE_RE.sub("<kode>", url))
    if "<n>" in shape:
        return shape, ID_PER_SHAPE
    if all(c in RESIDENT_AREAS or c.startswith("15.08.14.") for c in codes):
        return shape, None
    return shape, OTHER_AREAS_PER_SHAPE


def test_no_personal_data_on_any_public_page_or_api(client, demo_world):
    numbers, names, longest = personal_secrets()
    checker_finds_what_it_looks_for(numbers, names, longest)
    assert len(numbers) > 1000 and len(names) > 1000  # the census is there to leak
    assert not Resident.objects.filter(name__iexact=RIO).exists()  # so excluding the Rio's name hides nobody
    public_pages_seed = [
        "/",
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/openapi.json",
        "/ogc/",
        f"/dusun/{TELANG}/profil.pdf",
    ]
    public_pages_seed += api_urls(client)
    for kode in ("15.08.14.2009", "15.08.14.2008"):
        public_pages_seed += tile_urls(Wilayah.objects.get(kode=kode), client)
    collections = client.get("/ogc/collections", {"f": "json"})
    if collections.status_code == 200:  # every feature of every OGC collection, in as few pages as it allows
        for c in collections.json().get("collections", []):
            public_pages_seed.append(f"/ogc/collections/{c['id']}/items?f=json&limit=10000")
    public_pages_seed = list(dict.fromkeys(public_pages_seed))
    queue, seen, shapes, ok = deque(public_pages_seed), set(public_pages_seed), Counter(), set()
    tiles = Counter()
    fetched, statuses, problems, server_errors = 0, Counter(), [], []
    started = time.perf_counter()
    while queue:
        url = queue.popleft()
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 (a crash is reported with the others, the crawl goes on)
            server_errors.append(f"{url}: {error!r}")
            continue
        fetched += 1
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            server_errors.append(f"{url}: {response.status_code}")
        if ".pbf" in url and response.status_code in (200, 204):
            tiles[response.status_code] += 1
        if response.status_code != 200:
            continue  # a login redirect, a 404 of a module without data: nothing public to read
        ok.add(url)
        for text in texts_of(response):
            found = leaks(text, numbers, names, longest)
            if found:
                problems.append(f"{url}: {sorted(set(found))[:5]}")
            for link in links_of(url, response, text):
                if link in seen or link.startswith(SKIP_PREFIXES):
                    continue
                seen.add(link)
                shape, limit = budget_of(link)
                if limit is not None:
                    shapes[shape] += 1
                    if shapes[shape] > limit:
                        continue
                queue.append(link)
        assert fetched <= MAX_URLS, "the crawl grew past MAX_URLS; raise it or tighten the shape rule"
    seconds = time.perf_counter() - started
    print(f"\nprivacy crawl: {fetched} responses in {seconds:.0f} s, statuses {dict(statuses)}")
    assert not server_errors, "server errors while crawling:\n" + "\n".join(server_errors[:30])
    assert not problems, "personal data on public responses:\n" + "\n".join(problems[:30])
    # The crawl reached every module's public pages (it is no proof if it never got there).
    for expected in (
        f"/dusun/{TELANG}/",
        f"/dusun/{TELANG}/profil.pdf",
        f"/dusun/{TELANG}/statistik/",
        f"/ekonomi/dusun/{TELANG}/",
        f"/indeks/dusun/{TELANG}/",
        f"/hutan/dusun/{TELANG}/",
        f"/rencana/publik/{TELANG}/",
        "/kecamatan/15.08.14/",
        "/indeks/",
        "/hutan/",
    ):
        assert expected in seen, f"the crawl never reached {expected}"
    assert statuses[200] > 300
    assert tiles[200] >= 2 and tiles[200] + tiles[204] >= 16, f"vector tiles were not read: {dict(tiles)}"
    assert sum(u.startswith("/api/v1/") for u in ok) >= 20, "the JSON APIs were not read"
    assert any("/ekspor/" in u and not u.endswith("/") for u in ok), "no layer download was read"


def checker_finds_what_it_looks_for(numbers, names, longest) -> None:
    """The crawl can fail: a resident's NIK, KK number or full name planted in a text is found."""
    resident = Resident.objects.exclude(name="").select_related("household").first()
    text = f"<p>Nama: {resident.name.upper()} · NIK {resident.nik} · KK {resident.household.kk_number}</p>"
    found = leaks(unescape(text), numbers, names, longest)
    assert resident.nik in found and resident.household.kk_number in found
    words = [w.lower() for w in WORD_RE.findall(resident.name)]
    if len(words) >= 2 or len(words[0]) >= 6:
        assert " ".join(words) in found
    assert leaks(f"Rio {RIO} · Dusun Sungai Telang · 1234567890123456", numbers, names, longest) == []

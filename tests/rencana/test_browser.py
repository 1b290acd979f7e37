"""In a real browser, the whole musrenbang loop: an operator records two problems (one placed by clicking
the map), creates three proposals linked to them and the musyawarah agrees them; the kecamatan forwards
two; Bappeda accepts one and rejects one with a reason; the RKPDes DOCX and PDF carry the agreed proposals
with beneficiary numbers counted from the census."""

import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from dusun.rencana import spatial
from dusun.rencana.models import Proposal, ProposalEvent, Status

from .conftest import PASSWORD, TELANG, centre, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username, next_url):
    page.context.clear_cookies()
    page.goto(f"{base}/akun/masuk/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_musrenbang_from_problem_to_rkpdes(page, live_server, reference_data, telang, census):
    from dusun.akun.models import Role

    make_user("op_telang", Role.OPERATOR, TELANG)
    make_user("camat", Role.KECAMATAN, "15.08.14")
    make_user("bappeda", Role.KABUPATEN, "15.08")
    c = centre(telang)
    base = live_server.url
    village = f"/rencana/dusun/{TELANG}/?tahun=2027"
    login(page, base, "op_telang", f"/rencana/dusun/{TELANG}/")
    page.goto(base + village)

    # Problem 1: placed by clicking the map at a point inside the village.
    page.wait_for_selector("#issue-map[data-ready]")
    page.locator("#issue-map").scroll_into_view_if_needed()
    xy = page.evaluate(f"() => window.rencanaMaps['issue-map'].project([{c.x}, {c.y}])")
    box = page.locator("#issue-map").bounding_box()
    page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
    assert json.loads(page.input_value("#id_m-location"))["type"] == "Point"
    page.select_option("#id_m-kind", "masalah")
    page.select_option("#id_m-category", "air_sanitasi")
    page.fill("#id_m-title", "Air bersih sulit di RT 03")
    page.select_option("#id_m-census_condition", "air_tidak_layak")
    page.click("#form-masalah button[type=submit]")
    page.wait_for_selector("#issue-list >> text=Air bersih sulit di RT 03")

    # Problem 2: a line pasted as GeoJSON (the field accepts what a GPS track exports).
    line = {"type": "LineString", "coordinates": [[c.x - 0.0008, c.y], [c.x + 0.0008, c.y]]}
    page.select_option("#id_m-category", "infrastruktur")
    page.fill("#id_m-title", "Jalan tanah berlumpur")
    page.fill("#id_m-location", json.dumps(line))
    page.click("#form-masalah button[type=submit]")
    page.wait_for_selector("#issue-list >> text=Jalan tanah berlumpur")

    # A location outside the village is refused with a clear message, nothing saved.
    page.fill("#id_u-title", "Di luar desa")
    page.fill("#id_u-location", json.dumps({"type": "Point", "coordinates": [103.0, -1.0]}))
    page.fill("#id_u-volume", "1")
    page.fill("#id_u-unit", "unit")
    page.fill("#id_u-cost", "1000000")
    page.click("#form-usulan button[type=submit]")
    assert "di luar batas" in page.locator("#form-usulan .error").first.inner_text()

    proposals = [
        (
            "Sumur bor RT 03",
            "2.4",
            {"type": "Point", "coordinates": [c.x, c.y]},
            "150000000",
            "Air bersih sulit di RT 03",
        ),
        ("Rabat beton jalan usaha tani", "2.3", line, "420000000", "Jalan tanah berlumpur"),
        (
            "Pelatihan pengolahan karet",
            "4.2",
            {"type": "Point", "coordinates": [c.x + 0.0004, c.y]},
            "60000000",
            "Jalan tanah berlumpur",
        ),
    ]
    for title, sub, geom, cost, issue in proposals:
        page.fill("#id_u-year", "2027")
        page.fill("#id_u-title", title)
        page.select_option("#id_u-sub_bidang", sub)
        page.fill("#id_u-location", json.dumps(geom))
        page.fill("#id_u-volume", "1")
        page.fill("#id_u-unit", "paket")
        page.fill("#id_u-cost", cost)
        page.select_option("#id_u-issues", label=f"Masalah: {issue}")
        page.click("#form-usulan button[type=submit]")
        page.wait_for_selector(f'#proposal-table tr[data-title="{title}"]')
    assert page.locator("#proposal-table tbody tr").count() == 3
    assert page.locator("#proposal-table .reasons li").count() == 15

    # The musyawarah: minutes and attendance, then the three are agreed.
    page.fill("#id_r-place", "Balai Desa Sungai Telang")
    page.fill("#id_r-attendees_male", "31")
    page.fill("#id_r-attendees_female", "24")
    page.fill("#id_r-minutes", "Musyawarah menyepakati tiga usulan.")
    page.click("#form-musyawarah button[type=submit]")
    page.wait_for_selector("#agree")
    for box_ in page.locator('#proposal-table input[name="proposal"]').all():
        box_.check()
    page.click("#agree")
    page.wait_for_selector("text=3 usulan disepakati musyawarah")
    assert page.locator("#proposal-table .status-disepakati").count() == 3

    # The kecamatan forwards two (the server would refuse the operator: no buttons shown there).
    login(page, base, "camat", "/rencana/wilayah/15.08.14/")
    page.goto(f"{base}/rencana/wilayah/15.08.14/?tahun=2027")
    for title in ("Sumur bor RT 03", "Rabat beton jalan usaha tani"):
        page.locator(f'#area-proposals tr[data-title="{title}"] button[data-action="forward"]').click()
        page.wait_for_selector(f'#area-proposals tr[data-title="{title}"] .status-diteruskan')

    # Bappeda accepts one and rejects one with a reason.
    login(page, base, "bappeda", "/rencana/wilayah/15.08/")
    page.goto(f"{base}/rencana/wilayah/15.08/?tahun=2027")
    page.locator('#area-proposals tr[data-title="Sumur bor RT 03"] button[data-action="accept"]').click()
    page.wait_for_selector('#area-proposals tr[data-title="Sumur bor RT 03"] .status-diterima')
    row = page.locator('#area-proposals tr[data-title="Rabat beton jalan usaha tani"]')
    row.locator('button[data-action="reject"]').click()
    page.wait_for_selector("text=wajib beralasan")  # no reason: refused
    row = page.locator('#area-proposals tr[data-title="Rabat beton jalan usaha tani"]')
    row.locator('form:has(button[data-action="reject"]) input[name="reason"]').fill(
        "Masuk program jalan kabupaten 2027"
    )
    row.locator('button[data-action="reject"]').click()
    page.wait_for_selector('#area-proposals tr[data-title="Rabat beton jalan usaha tani"] .status-ditolak')
    assert ProposalEvent.objects.get(action="reject").reason == "Masuk program jalan kabupaten 2027"
    statuses = dict(Proposal.objects.values_list("title", "status"))
    assert statuses == {
        "Sumur bor RT 03": Status.ACCEPTED,
        "Rabat beton jalan usaha tani": Status.REJECTED,
        "Pelatihan pengolahan karet": Status.AGREED,
    }

    # The RKPDes, downloaded by the operator, carries the three agreed proposals and their census numbers.
    login(page, base, "op_telang", f"/rencana/dusun/{TELANG}/")
    page.goto(base + village)
    with page.expect_download() as info:
        page.click("#rkpdes-docx")
    docx = zipfile.ZipFile(info.value.path()).read("word/document.xml").decode()
    with page.expect_download() as info:
        page.click("#rkpdes-pdf")
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(info.value.path().read_bytes())).pages)
    pdf = " ".join(pdf.split())
    for p in Proposal.objects.all():
        households, persons = spatial.beneficiaries(telang, p.geom, p.buffer_m)
        assert households > 0
        assert (p.beneficiary_households, p.beneficiary_persons) == (households, persons)
        assert p.title in docx and f"{households} KK / {persons} jiwa" in docx
        assert p.title in pdf and f"{households} KK / {persons} jiwa" in pdf
    assert page.console_errors == []

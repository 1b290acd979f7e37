"""A shipped XForm in a real form engine (ODK Web Forms, from npm) in headless Chromium: filled and sent
to the OpenRosa endpoint the way a client does (HEAD, then POST); the submission waits in the review
queue; the operator approves it in the browser and the village map gains the facility; sending the
same submission again changes nothing."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command

from dusun.akun.models import Role
from dusun.lapangan import services
from dusun.lapangan.models import Kiriman
from dusun.ruang.models import Facility
from dusun.wilayah.models import Wilayah

from .conftest import JPEG, PASSWORD, TELANG, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_web_forms_submission_reaches_the_map_after_review(page, live_server, reference_data):
    vendor = settings.BASE_DIR / "static" / "vendor"
    assert (vendor / "web-forms" / "index.js").exists() and (vendor / "vue.esm-browser.prod.js").exists(), (
        "ODK Web Forms is not vendored: run scripts/dev (or copy node_modules/@getodk/web-forms/dist)"
    )
    call_command("load_formulir", verbosity=0)
    telang = Wilayah.objects.get(kode=TELANG)
    make_user("op-telang", Role.OPERATOR, TELANG)
    inside = telang.geom.point_on_surface
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": inside.y, "longitude": inside.x, "accuracy": 4})

    # The operator creates a device on the village page: URL, settings QR code and browser-form links.
    queue = f"/lapangan/dusun/{TELANG}/"
    page.goto(f"{live_server.url}/akun/masuk/?next={quote(queue)}")
    page.fill("#id_username", "op-telang")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + queue)
    page.fill("#id_name", "HP Rudi")
    page.click("form.lapangan-device button[type=submit]")
    assert page.locator("#setup-qr svg").is_visible()
    token = page.inner_text("#new-device-url code").rsplit("/", 1)[1]
    device = services.authenticate(token)
    form_pk = next(f.pk for f in services.device_forms(device) if f.form_id == "dusun_survei_fasilitas")

    # The enumerator fills the facility survey in ODK Web Forms, opened from that link.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Isi Survei fasilitas di peramban").click()
    form_page = opened.value
    form_page.console_errors = []
    form_page.on("console", lambda msg: msg.type == "error" and form_page.console_errors.append(msg.text))
    calls = []
    form_page.on("request", lambda r: "/submission" in r.url and calls.append(r.method))
    form_page.wait_for_load_state()
    assert form_page.url == f"{live_server.url}/lapangan/odk/{token}/formulir/{form_pk}/isi/"
    form_page.get_by_text("Data baru").click()
    form_page.get_by_text("Posyandu", exact=True).click()
    form_page.get_by_label("Nama fasilitas").fill("Posyandu Mawar")
    form_page.get_by_role("button", name="Get location").click()
    form_page.get_by_role("button", name="Save location").click()
    form_page.locator("input[type=file]").set_input_files(
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    )
    form_page.get_by_role("button", name="Send").click()
    form_page.wait_for_selector("#webform-status[data-state=sent]")
    assert calls[-2:] == ["HEAD", "POST"]
    assert form_page.console_errors == []
    form_page.close()

    kiriman = Kiriman.objects.get()
    assert kiriman.status == Kiriman.Status.PENDING and kiriman.formulir.pk == form_pk
    assert kiriman.data["jenis"] == "posyandu" and kiriman.data["nama"] == "Posyandu Mawar"
    assert kiriman.is_complete and kiriman.lampiran.get().content_type == "image/jpeg"
    assert not Facility.objects.exists()

    # The operator reviews it: queue → side by side → approve.
    page.goto(live_server.url + queue)
    page.click(f"#queue a[href='/lapangan/kiriman/{kiriman.uuid}/']")
    diff = page.inner_text("#diff")
    assert "Posyandu Mawar" in diff and f"{inside.y:.6f}" in diff
    assert page.locator(".lapangan-files img").count() == 1
    # The map shows the village outline and the submitted point.
    page.wait_for_function("() => window.dusunReviewMap && window.dusunReviewMap.loaded()")
    rendered = page.evaluate(
        "() => window.dusunReviewMap.queryRenderedFeatures().map(f => f.layer.id + ':' + f.properties.role)"
    )
    assert "point:kiriman" in rendered and "line:desa" in rendered
    page.click("#approve button")
    page.wait_for_selector("#status.disetujui")
    facility = Facility.objects.get()
    assert facility.name == "Posyandu Mawar" and facility.kind == "posyandu" and facility.dusun == telang
    assert facility.geom.distance(inside) < 1e-6
    assert page.console_errors == []

    # The phone did not get the answer and sends the same submission again: nothing changes.
    again = page.request.post(
        f"{live_server.url}/lapangan/odk/{token}/submission",
        headers={"X-OpenRosa-Version": "1.0"},
        multipart={
            "xml_submission_file": {"name": "submission.xml", "mimeType": "text/xml", "buffer": kiriman.xml.encode()}
        },
    )
    assert again.status == 201
    assert Kiriman.objects.count() == 1 and Facility.objects.count() == 1
    assert Kiriman.objects.get().status == Kiriman.Status.APPROVED


@pytest.mark.parametrize(
    "form_id, question",
    [("dusun_kuesioner_idm", "Tahun IDM yang diisi"), ("dusun_kemajuan_kegiatan", "Kegiatan yang diperiksa")],
)
def test_new_forms_load_in_web_forms(page, live_server, reference_data, form_id, question):
    """pyxform runs without the Java validator here, so a real form engine checks the new XForms load."""
    call_command("load_formulir", verbosity=0)
    call_command("load_idm", "--no-official", verbosity=0)
    telang = Wilayah.objects.get(kode=TELANG)
    operator = make_user("op-telang", Role.OPERATOR, TELANG)
    device, token = services.create_device(operator, telang, "HP Rudi")
    form_pk = next(f.pk for f in services.device_forms(device) if f.form_id == form_id)
    page.goto(f"{live_server.url}/lapangan/odk/{token}/formulir/{form_pk}/isi/")
    page.get_by_text(question).first.wait_for()
    if form_id == "dusun_kuesioner_idm":
        assert page.get_by_text("IKS.04 Skor Nakes Lain").count() == 1
    assert page.console_errors == []

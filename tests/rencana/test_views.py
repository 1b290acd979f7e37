"""The pages: login and area scope on every private page, workflow enforced on the server whatever the
page shows, a public transparency page without personal data, documents and weights pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dusun.rencana import services
from dusun.rencana.models import PriorityWeights, Proposal, Status

from .conftest import TELANG
from .test_rencana import bring_to, data

pytestmark = pytest.mark.django_db


def test_private_pages_need_login_and_scope(client, users, telang):
    p = bring_to(Status.DRAFT, users, telang)
    urls = [
        reverse("rencana:village", args=[TELANG]),
        reverse("rencana:proposal", args=[p.pk]),
        reverse("rencana:area", args=["15.08.14"]),
        reverse("rencana:document", args=[TELANG, "rkpdes", 2027, "pdf"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login form
    client.force_login(users["other_operator"])
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(users["operator"])
    for url in urls[:2] + urls[3:]:
        assert client.get(url).status_code == 200
    assert client.get(reverse("rencana:document", args=[TELANG, "apbdes", 2027, "pdf"])).status_code == 404
    assert client.get(reverse("rencana:document", args=[TELANG, "rkpdes", 2027, "odt"])).status_code == 404


def test_a_forged_transition_post_is_refused_by_the_server(client, users, telang):
    p = bring_to(Status.AGREED, users, telang)
    client.force_login(users["operator"])  # the page shows the operator no forward button; post anyway
    assert client.post(reverse("rencana:transition", args=[p.pk, "forward"])).status_code == 403
    client.force_login(users["kabupaten"])
    response = client.post(reverse("rencana:transition", args=[p.pk, "accept"]), follow=True)
    assert "tidak dapat langsung" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.AGREED


def test_village_page_form_errors_say_what_is_wrong(client, users, telang):
    client.force_login(users["operator"])
    fields = {"year": 2027, "title": "Jalan", "sub_bidang": "2.3", "location": "POINT (103 -1)", "volume": "1"}
    fields |= {"unit": "m", "cost": "-10", "funding": "dana_desa", "urgency": 3}
    form = {f"u-{k}": v for k, v in fields.items()}
    response = client.post(reverse("rencana:village", args=[TELANG]) + "?tahun=2027", {"form": "usulan", **form})
    text = response.content.decode()
    assert response.status_code == 200 and "di luar batas" in text and "lebih dari Rp 0" in text
    assert not Proposal.objects.exists()


def test_public_page_shows_projects_without_personal_data(client, users, telang, census):
    p = services.save_proposal(users["operator"], telang, data(telang, title="Sumur bor", buffer_m=30))
    p.refresh_from_db()
    assert 0 < p.beneficiary_households < 5
    services.agree(users["operator"], p, services.save_meeting(
        users["operator"], telang, year=2027, date=dt.date(2026, 11, 1), place="Balai", minutes="ok",
        attendees_male=3, attendees_female=4, attendance_list="Siti Aminah\nBudi Santoso"))  # fmt: skip
    services.forward(users["kecamatan"], p)
    services.accept(users["kabupaten"], p)
    text = client.get(reverse("rencana:public", args=["15.08"])).content.decode()
    assert "Sumur bor" in text and "&lt;5 KK" in text
    for private in ("Siti Aminah", "Warga 0-0", census[0].kk_number, "op_telang"):
        assert private not in text
    assert "Sumur bor" in client.get(reverse("rencana:public", args=[TELANG])).content.decode()


def test_weights_page_for_the_kabupaten_admin_only(client, users, reference_data):
    url = reverse("rencana:weights", args=["15.08"])
    client.force_login(users["kecamatan"])
    assert client.get(url).status_code == 403
    client.force_login(users["kabupaten"])
    values = {"beneficiaries": 50, "idm_gain": 10, "urgency": 10, "cost_efficiency": 20, "equity": 10}
    assert client.post(url, values).status_code == 302
    assert PriorityWeights.objects.get(kabupaten=reference_data).as_dict() == values
    bad = client.post(url, values | {"equity": 400})
    assert bad.status_code == 200 and PriorityWeights.objects.get().equity == 10


def test_progress_report_page_and_photo(client, users, telang):
    p = bring_to(Status.FORWARDED, users, telang)
    services.accept(users["kabupaten"], p)
    client.force_login(users["operator"])
    url = reverse("rencana:project", args=[p.project.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": "2026-11-02", "progress_pct": 30, "realised": "1000", "note": "pondasi"})
    assert response.status_code == 302
    p.project.refresh_from_db()
    assert (p.project.progress_pct, p.project.realised) == (30, Decimal("1000"))
    client.force_login(users["other_operator"])
    assert client.post(url, {"date": "2026-11-03", "progress_pct": 90, "realised": "1"}).status_code == 403


def test_agreeing_several_is_all_or_nothing_and_documents_download(client, users, telang):
    first = bring_to(Status.DRAFT, users, telang)
    done = bring_to(Status.AGREED, users, telang)  # already agreed: the batch must fail as a whole
    meeting = done.meeting
    client.force_login(users["operator"])
    url = reverse("rencana:village", args=[TELANG]) + "?tahun=2027"
    response = client.post(
        url, {"form": "sepakati", "meeting": meeting.pk, "proposal": [first.pk, done.pk]}, follow=True
    )
    assert "tidak dapat langsung" in response.content.decode()
    first.refresh_from_db()
    assert first.status == Status.DRAFT and first.meeting is None
    for name, args in [("document", [TELANG, "rpjmdes", 2027, "docx"]), ("minutes", [meeting.pk, "pdf"])]:
        response = client.get(reverse(f"rencana:{name}", args=args))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    client.force_login(users["kecamatan"])
    client.post(reverse("rencana:comment", args=[done.pk]), {"text": "Lengkapi gambar teknis"})
    assert done.comments.get().level == "kecamatan"


def test_budget_ceiling_set_by_the_kabupaten_and_shown_against_accepted_totals(client, users, telang):
    p = bring_to(Status.FORWARDED, users, telang)
    services.accept(users["kabupaten"], p)
    url = reverse("rencana:weights", args=["15.08"])
    client.force_login(users["kabupaten"])
    assert client.post(url, {"form": "pagu", "year": 2027, "amount": "100000000"}).status_code == 302
    text = client.get(reverse("rencana:area", args=["15.08"]) + "?tahun=2027").content.decode()
    assert "Rp 100.000.000" in text and "melebihi pagu" in text
    with pytest.raises(PermissionDenied):
        services.save_ceiling(users["kecamatan"], users["kabupaten"].roles.get().wilayah, 2027, Decimal(1))


def test_progress_controls_only_for_those_who_may_report(client, users, telang):
    p = bring_to(Status.FORWARDED, users, telang)
    services.accept(users["kabupaten"], p)
    url = reverse("rencana:project", args=[p.project.pk])
    public = reverse("rencana:public", args=[TELANG])
    client.force_login(users["kecamatan"])  # may view the project, may not report on it
    assert client.get(url).status_code == 200
    assert "Simpan laporan" not in client.get(url).content.decode()
    assert url not in client.get(public).content.decode()
    client.force_login(users["operator"])
    assert "Simpan laporan" in client.get(url).content.decode()
    assert url in client.get(public).content.decode()

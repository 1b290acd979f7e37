"""Planning: beneficiaries equal a direct count, the workflow's roles and order, versions, bad input,
documents, priorities and monitoring photos."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pyproj import Geod

from dusun.rencana import documents, services, spatial
from dusun.rencana.models import Meeting, Project, Proposal, ProposalEvent, Status

from .conftest import add_household, centre

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")


def data(dusun, **over):
    c = centre(dusun)
    base = {
        "year": 2027,
        "title": "Sumur bor RT 03",
        "description": "",
        "sub_bidang": "2.4",
        "location": json.dumps({"type": "Point", "coordinates": [c.x, c.y]}),
        "buffer_m": None,
        "volume": Decimal("1"),
        "unit": "unit",
        "cost": Decimal("150000000"),
        "funding": "dana_desa",
        "urgency": 4,
        "issues": [],
        "idm_items": [],
    }
    return base | over


def meeting(user, dusun):
    import datetime as dt

    return services.save_meeting(
        user, dusun, year=2027, date=dt.date(2026, 11, 1), place="Balai desa", minutes="Sepakat.",
        attendees_male=20, attendees_female=15,
    )  # fmt: skip


# --- beneficiaries ---------------------------------------------------------------------------------------


def test_point_beneficiaries_equal_a_direct_geodesic_count(telang, census, users):
    p = services.save_proposal(users["operator"], telang, data(telang, buffer_m=60))
    c = centre(telang)
    expected = [h for h in census if GEOD.inv(c.x, c.y, h.location.x, h.location.y)[2] <= 60]
    assert 0 < len(expected) < len(census)
    assert p.beneficiary_households == len(expected)
    assert p.beneficiary_persons == sum(h.members.count() for h in expected)


def test_polygon_beneficiaries_equal_households_inside_and_default_buffers(telang, census, users):
    c = centre(telang)
    ring = Polygon.from_bbox((c.x - 0.0009, c.y - 0.0003, c.x + 0.0001, c.y + 0.0003))
    ring.srid = 4326
    p = services.save_proposal(users["operator"], telang, data(telang, location=ring.geojson))
    expected = [h for h in census if ring.covers(h.location)]
    assert p.buffer_m == 0 and p.beneficiary_households == len(expected) > 0
    line = LineString((c.x - 0.001, c.y), (c.x + 0.001, c.y), srid=4326)
    assert spatial.default_buffer(line) == 100 and spatial.default_buffer(c) == 250
    # A household of another village at the same spot is never counted.
    beringin = telang.__class__.objects.get(kode="15.08.14.2008")
    add_household(beringin, 999, c.x, c.y)
    assert spatial.beneficiaries(telang, ring, 0)[0] == len(expected)


# --- workflow: every transition, every role ---------------------------------------------------------------

ROLES = ["operator", "other_operator", "kecamatan", "other_kecamatan", "kabupaten", "superuser"]
RIGHT = {
    ("agree", Status.DRAFT): "operator",
    ("forward", Status.AGREED): "kecamatan",
    ("reject", Status.AGREED): "kecamatan",
    ("carry_over", Status.AGREED): "kecamatan",
    ("accept", Status.FORWARDED): "kabupaten",
    ("reject", Status.FORWARDED): "kabupaten",
    ("carry_over", Status.FORWARDED): "kabupaten",
    ("carry_over", Status.REJECTED): "kabupaten",
}


def bring_to(status, users, telang):
    p = services.save_proposal(users["operator"], telang, data(telang))
    if status == Status.DRAFT:
        return p
    services.agree(users["operator"], p, meeting(users["operator"], telang))
    if status == Status.AGREED:
        return p
    services.forward(users["kecamatan"], p)
    if status == Status.FORWARDED:
        return p
    services.reject(users["kabupaten"], p, "Bukan kewenangan kabupaten")
    return p


def act(action, user, p, telang):
    if action == "agree":
        return services.agree(user, p, Meeting.objects.filter(dusun=telang).first() or meeting_any(telang))
    return getattr(services, action)(user, p, "alasan uji")


def meeting_any(telang):
    import datetime as dt

    return Meeting.objects.create(dusun=telang, year=2027, date=dt.date(2026, 11, 1), place="x", minutes="x",
                                  attendees_male=1, attendees_female=0)  # fmt: skip


@pytest.mark.parametrize(("action", "status"), list(RIGHT))
@pytest.mark.parametrize("role", ROLES)
def test_only_the_right_role_moves_each_status(users, telang, action, status, role):
    p = bring_to(status, users, telang)
    before = ProposalEvent.objects.filter(proposal=p).count()
    if role == RIGHT[(action, status)]:
        moved = act(action, users[role], p, telang)
        assert moved.status == services.TRANSITIONS[action][1]
        event = ProposalEvent.objects.filter(proposal=p).last()
        assert (event.action, event.from_status, event.user) == (action, status, users[role])
    else:
        with pytest.raises(PermissionDenied):
            act(action, users[role], p, telang)
        p.refresh_from_db()
        assert p.status == status and ProposalEvent.objects.filter(proposal=p).count() == before


def test_skipping_a_level_is_refused_and_reasons_are_required(users, telang):
    p = bring_to(Status.AGREED, users, telang)
    with pytest.raises(ValidationError, match="tidak dapat langsung"):
        services.accept(users["kabupaten"], p)
    with pytest.raises(ValidationError, match="alasan"):
        services.reject(users["kecamatan"], p, "  ")
    draft = bring_to(Status.DRAFT, users, telang)
    with pytest.raises(ValidationError):
        services.forward(users["kecamatan"], draft)
    p.refresh_from_db()
    assert p.status == Status.AGREED and not Project.objects.exists()


def test_accept_makes_a_project_and_carry_over_a_draft_for_next_year(users, telang):
    p = bring_to(Status.FORWARDED, users, telang)
    services.accept(users["kabupaten"], p)
    assert Project.objects.get(proposal=p).budget == p.cost
    q = bring_to(Status.REJECTED, users, telang)
    services.carry_over(users["kabupaten"], q, "Pagu habis")
    nxt = Proposal.objects.get(previous=q)
    assert (nxt.year, nxt.status) == (2028, Status.DRAFT)


def test_editing_after_forwarding_creates_a_new_version(users, telang):
    p = bring_to(Status.FORWARDED, users, telang)
    v2 = services.save_proposal(users["operator"], telang, data(telang, title="Sumur bor dua titik"), p)
    p.refresh_from_db()
    assert (v2.version, v2.status, v2.previous_id, v2.is_current) == (2, Status.DRAFT, p.pk, True)
    assert (p.status, p.is_current, p.title) == (Status.FORWARDED, False, "Sumur bor RT 03")
    with pytest.raises(ValidationError, match="versi"):
        services.accept(users["kabupaten"], p)
    draft = services.save_proposal(users["operator"], telang, data(telang, title="draf diubah"), v2)
    assert draft.pk == v2.pk and draft.title == "draf diubah"


# --- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"cost": Decimal("-5")}, "cost"),
        ({"cost": Decimal("900000000000000")}, "cost"),
        ({"volume": Decimal("0")}, "volume"),
        ({"location": json.dumps({"type": "Point", "coordinates": [103.0, -1.0]})}, "location"),
        ({"location": "bukan geometri"}, "location"),
        ({"sub_bidang": "9.9"}, "sub_bidang"),
        ({"idm_items": ["IKS99"]}, "idm_items"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_written(users, telang, over, field):
    with pytest.raises(ValidationError) as exc:
        services.save_proposal(users["operator"], telang, data(telang, **over))
    assert field in exc.value.error_dict
    assert not Proposal.objects.exists() and not ProposalEvent.objects.exists()


def test_only_editors_of_the_village_write(users, telang):
    for role in ("other_operator", "kecamatan", "superuser"):
        with pytest.raises(PermissionDenied):
            services.save_proposal(users[role], telang, data(telang))
    assert services.save_proposal(users["kabupaten"], telang, data(telang)).pk


def test_issue_evidence_from_census_and_location_inside(users, telang, census):
    c = centre(telang)
    census[5].drinking_water = "sungai"
    census[5].save()
    issue = services.save_issue(
        users["operator"], telang, kind="masalah", category="air_sanitasi", title="Air bersih",
        description="", location=c.geojson, census_condition="air_tidak_layak", buffer_m=2000,
    )  # fmt: skip
    assert issue.evidence[0]["value"] == 1 and "1 KK tanpa air minum layak dari 12 KK" in issue.evidence[0]["text"]
    with pytest.raises(ValidationError, match="di luar batas"):
        services.save_issue(users["operator"], telang, kind="masalah", category="lainnya", title="x", description="",
                            location=Point(103.0, -1.0, srid=4326).geojson)  # fmt: skip


# --- priorities -------------------------------------------------------------------------------------------


def test_priority_ranks_by_weights_with_reasons_and_override(users, telang, census):
    many = services.save_proposal(users["operator"], telang, data(telang, title="banyak", buffer_m=500))
    few = services.save_proposal(users["operator"], telang, data(telang, title="sedikit", buffer_m=10, urgency=1))
    many.refresh_from_db()
    few.refresh_from_db()
    assert (many.rank, few.rank) == (1, 2) and many.priority_score > few.priority_score
    assert any("12 KK" in r for r in many.priority_reasons)
    kab = telang.__class__.objects.get(kode="15.08")
    services.save_weights(users["kabupaten"], kab, {"beneficiaries": 0, "idm_gain": 0, "urgency": 0,
                                                    "cost_efficiency": 0, "equity": 10})  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.save_weights(users["operator"], kab, {"beneficiaries": 1, "idm_gain": 0, "urgency": 0,
                                                       "cost_efficiency": 0, "equity": 0})  # fmt: skip
    services.override_rank(users["operator"], few, 1, "Musyawarah: jalan ini akses sekolah")
    few.refresh_from_db()
    assert few.effective_rank == 1 and ProposalEvent.objects.filter(proposal=few, action="peringkat").exists()
    with pytest.raises(ValidationError):
        services.override_rank(users["operator"], few, 1, "")


# --- documents --------------------------------------------------------------------------------------------


def test_rkpdes_docx_and_pdf_hold_the_agreed_proposals(users, telang, census):
    p = services.save_proposal(users["operator"], telang, data(telang, title="Jalan usaha tani", buffer_m=500))
    services.save_proposal(users["operator"], telang, data(telang, title="Masih draf"))
    services.agree(users["operator"], p, meeting(users["operator"], telang))
    doc = documents.rkpdes(telang, 2027)
    text = zipfile.ZipFile(io.BytesIO(documents.to_docx(doc))).read("word/document.xml").decode()
    assert "Jalan usaha tani" in text and "12 KK" in text and "Masih draf" not in text
    assert f"{spatial.shape_label(p.geom)} (500 m)" in text and p.geom.geom_type not in text  # Bahasa, not GEOS
    pdf = documents.to_pdf(doc)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    assert "BAB III PRIORITAS KEGIATAN" in documents.to_html(doc)
    assert "Jalan usaha tani" in documents.to_html(documents.minutes(p.meeting))


# --- monitoring photos ------------------------------------------------------------------------------------


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "green")
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (1.0, 30.0, 0.0), 3: "E", 4: (102.0, 15.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_progress_photo_geotag_read_then_stripped_and_bad_files_refused(users, telang, settings):
    import datetime as dt

    p = bring_to(Status.FORWARDED, users, telang)
    services.accept(users["kabupaten"], p)
    project = p.project
    upload = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    update = services.record_progress(users["operator"], project, date=dt.date(2026, 11, 2), progress_pct=40,
                                      realised=Decimal("50000000"), photo=upload)  # fmt: skip
    assert update.photo_location.y == pytest.approx(-1.5) and update.photo_location.x == pytest.approx(102.25)
    with Image.open(update.photo.path) as stored:
        assert 0x8825 not in stored.getexif()
    assert str(settings.MEDIA_ROOT) in update.photo.path
    for bad, message in [
        (SimpleUploadedFile("x.jpg", b"not an image at all"), "bukan foto"),
        (SimpleUploadedFile("big.jpg", b"0" * (services.MAX_PHOTO_BYTES + 1)), "terlalu besar"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.record_progress(users["operator"], project, date=dt.date(2026, 11, 3), progress_pct=50,
                                     realised=Decimal("1"), photo=bad)  # fmt: skip
    project.refresh_from_db()
    assert project.progress_pct == 40 and project.updates.count() == 1
    assert services.is_delayed(project, dt.date(2028, 1, 1))


# --- evidence from the other modules ----------------------------------------------------------------------


def test_idm_items_at_score_zero_and_bad_roads_are_evidence_and_raise_the_score(users, reference_data):
    from django.contrib.gis.geos import MultiLineString
    from django.core.management import call_command

    from dusun.akun.models import Role
    from dusun.indeks.models import Result, ResultItem
    from dusun.rencana import evidence
    from dusun.ruang.models import LineFeature

    from .conftest import make_user

    call_command("load_idm", verbosity=0)
    # A village whose latest IDM result has an item at score 0.
    latest = [evidence.latest_result(r.dusun) for r in Result.objects.filter(is_current=True).order_by("dusun__kode")]
    result = next(r for r in latest if r.items.filter(score=0).exists())
    dusun = result.dusun
    operator = make_user("op_idm", Role.OPERATOR, dusun.kode)
    zero = ResultItem.objects.filter(result=result, score=0).select_related("item").first().item.code
    choices = evidence.idm_choices(dusun)
    assert "skor 0" in choices[0][1] and zero in [code for code, _label in choices]
    c = dusun.geom.point_on_surface
    road = LineFeature.objects.create(
        dusun=dusun, kind="jalan", condition="rusak_berat", name="Jalan Lingkar",
        geom=MultiLineString(LineString((c.x, c.y), (c.x + 0.0001, c.y), srid=4326), srid=4326), length_m=11,
    )  # fmt: skip
    assert list(evidence.bad_roads(dusun)) == [road]
    issue = services.save_issue(operator, dusun, kind="masalah", category="infrastruktur", title="Jalan rusak",
                                description="", location=c.geojson, idm_items=[zero], road=road)  # fmt: skip
    texts = [e["text"] for e in issue.evidence]
    assert any(f"indikator {zero}" in t and "skor 0" in t for t in texts) and any("Jalan Lingkar" in t for t in texts)
    with pytest.raises(ValidationError, match="IDM"):
        services.save_issue(operator, dusun, kind="masalah", category="lainnya", title="x", description="",
                            location=c.geojson, idm_items=["TIDAK-ADA"])  # fmt: skip
    raising = services.save_proposal(operator, dusun, data(dusun, title="naik", idm_items=[zero]))
    flat = services.save_proposal(operator, dusun, data(dusun, title="datar"))
    raising.refresh_from_db()
    flat.refresh_from_db()
    assert raising.priority_score > flat.priority_score
    assert (
        "5 poin" in raising.priority_reasons[1]
        and f"{float(result.value):.4f}".replace(".", ",") in raising.priority_reasons[4]
    )


def test_demo_data_is_generated_from_the_demo_census_and_removed_in_one_step(users, telang, census):
    from dusun.rencana import demo
    from dusun.rencana.models import Issue

    real = services.save_proposal(users["operator"], telang, data(telang))
    Household = type(census[0])
    Household.objects.filter(pk__in=[h.pk for h in census]).update(is_demo=True)
    assert demo.generate(limit=5, year=2027) == 1
    assert demo.generate(limit=5, year=2027) == 0  # a village is planned once
    demo_rows = Proposal.objects.filter(is_demo=True)
    assert demo_rows.count() == 3 and Issue.objects.filter(is_demo=True).count() == 2
    accepted = demo_rows.get(status=Status.ACCEPTED)
    assert accepted.project.progress_pct == 45
    assert [e.to_status for e in accepted.events.all()] == ["draf", "disepakati", "diteruskan", "diterima"]
    for p in demo_rows:
        assert (p.beneficiary_households, p.beneficiary_persons) == spatial.beneficiaries(telang, p.geom, p.buffer_m)
    services.save_proposal(users["operator"], telang, data(telang, title="v2"), accepted)  # a new version
    counts = demo.remove()
    assert counts["usulan"] == 4 and not Proposal.objects.filter(is_demo=True).exists()
    assert list(Proposal.objects.all()) == [real] and not Meeting.objects.exists()

"""The IDM questionnaire and the project progress form, end to end as ODK Collect sends them: form list →
form → manifest → media → HEAD → POST → review → approve → the data appears in `dusun.indeks` /
`dusun.rencana`, written through their own services (same checks as their web forms)."""

import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from defusedxml import ElementTree as ET
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from dusun.indeks import services as indeks_services
from dusun.indeks.models import Provenance, Result, Series
from dusun.lapangan import services
from dusun.lapangan.models import Kiriman
from dusun.lapangan.xform import inspect
from dusun.rencana.models import Project, ProjectUpdate, Proposal, Status

from .conftest import VERSION, _el

LIST_NS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST_NS = "{http://openrosa.org/xforms/xformsManifest}"
YEAR = 2025


@pytest.fixture
def idm_definition(db):
    call_command("load_idm", "--no-official", verbosity=0)


def _entries(device, form_id: str) -> dict:
    root = ET.fromstring(device.get("formList").content)
    return {x.findtext(f"{LIST_NS}formID"): x for x in root.findall(f"{LIST_NS}xform")}


def _media(device, entry) -> dict[str, str]:
    manifest = ET.fromstring(device.get(entry.findtext(f"{LIST_NS}manifestUrl")).content)
    return {
        m.findtext(f"{MANIFEST_NS}filename"): device.get(m.findtext(f"{MANIFEST_NS}downloadUrl")).content.decode()
        for m in manifest
    }


def _xml(form_id: str, fields: dict, *, instance: str | None = None, version: str = VERSION) -> str:
    body = "".join(_el(k, v) for k, v in fields.items())
    return (
        f'<?xml version="1.0"?><data id="{form_id}" version="{version}">{body}'
        f"<meta><instanceID>{instance or f'uuid:{uuid.uuid4()}'}</instanceID></meta></data>"
    )


def _send(device, xml, *files) -> Kiriman:
    assert device.head_submission().status_code == 204
    response = device.submit(xml, *files)
    assert response.status_code == 201, response.content
    return Kiriman.objects.get(instance_id=xml.split("<instanceID>")[1].split("<")[0])


# --- IDM questionnaire ----------------------------------------------------------------------------------


def idm_xml(*, year=YEAR, versi="0", answers: dict | None = None, instance=None) -> str:
    fields = {"mulai": "2026-11-28T09:00:00.000+07:00", "tahun": year, "tahun_versi": versi, "petunjuk": ""}
    fields |= answers if answers is not None else {"IKS_04": "3", "IKS_05": "4", "IKL_01": "5"}
    fields["catatan"] = "rapat dengan kader"
    return _xml("dusun_kuesioner_idm", fields, instance=instance)


def computed(village):
    """This village's computed results of the year: the only ones a questionnaire may create (other tests and
    the reference data may hold official results of other villages)."""
    return Result.objects.filter(dusun=village, year=YEAR, series=Series.COMPUTED)


def test_idm_questionnaire_end_to_end(device, users, telang, idm_definition):
    entry = _entries(device, "dusun_kuesioner_idm")["dusun_kuesioner_idm"]
    form = device.get(entry.findtext(f"{LIST_NS}downloadUrl")).content.decode()
    # Only the items the village enters: the derived ones (doctor, midwife, PAUD, … from the map) are not asked.
    assert "IKS_04" in form and "IKS_02" not in form and "IKE_12" not in form
    assert "jr://file-csv/tahun_idm.csv" in form
    media = _media(device, entry)
    assert f"{YEAR},{YEAR},0" in media["tahun_idm.csv"]
    kiriman = _send(device, idm_xml())
    assert not computed(telang).exists()  # nothing before review

    services.approve(users["op_a"], kiriman)
    result = Result.objects.get(dusun=telang, year=YEAR, series=Series.COMPUTED, is_current=True)
    scores = {ri.item.code: (ri.score, ri.provenance) for ri in result.items.select_related("item")}
    assert scores == {"IKS.04": (3, Provenance.ENTERED), "IKS.05": (4, Provenance.ENTERED), "IKL.01": (5, "diisi")}
    kiriman.refresh_from_db()
    assert kiriman.status == Kiriman.Status.APPROVED and kiriman.result_ref == f"indeks.result:{result.pk}"
    # The phone's next download carries the new version stamp.
    assert f"{YEAR},{YEAR},1" in _media(device, entry)["tahun_idm.csv"]


def test_idm_bad_score_is_refused_like_the_web_form(device, users, telang, idm_definition):
    kiriman = _send(device, idm_xml(answers={"IKS_04": "9", "IKX_99": "1"}))
    with pytest.raises(ValidationError) as exc:
        services.approve(users["op_a"], kiriman)
    text = " ".join(exc.value.messages)
    assert "IKX.99" in text and "IKS.04" in text
    assert not computed(telang).exists()
    kiriman.refresh_from_db()
    assert kiriman.status == Kiriman.Status.PENDING
    empty = _send(device, idm_xml(answers={}))
    with pytest.raises(ValidationError, match="tidak berisi satu pun jawaban"):
        services.approve(users["op_a"], empty)


def test_idm_office_saved_since_is_a_conflict(client, device, users, telang, idm_definition):
    kiriman = _send(device, idm_xml(versi="0"))
    indeks_services.save_entries(telang, YEAR, {"IKS.04": 1}, user=users["op_a"])
    client.force_login(users["op_a"])
    html = client.get(reverse("lapangan:detail", args=[kiriman.uuid])).content.decode()
    assert 'id="conflict"' in html and "IKS.04" in html
    with pytest.raises(ValidationError, match="diubah orang lain"):
        services.approve(users["op_a"], kiriman)
    services.approve(users["op_a"], kiriman, accept_conflict=True)
    result = Result.objects.get(dusun=telang, year=YEAR, series=Series.COMPUTED, is_current=True)
    assert result.version == 2 and result.items.get(item__code="IKS.04").score == 3


# --- Project progress with photos -----------------------------------------------------------------------


def photo(colour: str = "green", gps: tuple[float, float] | None = None) -> bytes:
    image = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"  # Make: must not survive the re-encoding either
    if gps:
        ifd = exif.get_ifd(0x8825)
        ifd.update({1: "S", 2: (abs(gps[0]), 0.0, 0.0), 3: "E", 4: (gps[1], 0.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def project(telang, users):
    centre = telang.geom.point_on_surface
    proposal = Proposal.objects.create(
        dusun=telang, year=2026, title="Rabat beton jalan RT 01", bidang="2", sub_bidang="2.1",
        geom=Point(centre.x, centre.y, srid=4326), buffer_m=200, volume=Decimal("100"), unit="m",
        cost=Decimal("150000000"), funding="dana_desa", urgency=4, status=Status.ACCEPTED,
    )  # fmt: skip
    return Project.objects.create(
        proposal=proposal, budget=proposal.cost, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31)
    )


def progress_xml(project, *, photos=("f1.jpg", "f2.jpg"), instance=None, pct="60", realisasi="90000000") -> str:
    fields = {
        "mulai": "2026-11-28T09:00:00.000+07:00",
        "kegiatan": str(project.pk),
        "kegiatan_versi": project.updated_at.isoformat(),
        "tanggal": "2026-11-27",
        "kemajuan": pct,
        "realisasi": realisasi,
        "catatan": "Pengecoran 60 m selesai",
    }
    for n in range(1, 4):
        name = photos[n - 1] if n <= len(photos) else ""
        fields[f"foto_{n}"] = name
        fields[f"lokasi_{n}"] = f"-1.61{n} 102.01{n} 80 4" if name else ""
    return _xml("dusun_kemajuan_kegiatan", fields, instance=instance)


def test_progress_with_photos_end_to_end(device, users, telang, project, settings):
    finished = Project.objects.create(
        proposal=Proposal.objects.create(
            dusun=telang, year=2025, title="Sumur bor selesai", bidang="2", sub_bidang="2.1",
            geom=project.proposal.geom, buffer_m=100, volume=Decimal("1"), unit="unit", cost=Decimal("50000000"),
            funding="dana_desa", urgency=3, status=Status.ACCEPTED,
        ),
        budget=Decimal("50000000"), start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31), progress_pct=100,
    )  # fmt: skip
    entry = _entries(device, "dusun_kemajuan_kegiatan")["dusun_kemajuan_kegiatan"]
    info = inspect(device.get(entry.findtext(f"{LIST_NS}downloadUrl")).content.decode())
    assert info.binary_paths == ("foto_1", "foto_2", "foto_3") and info.media == ("kegiatan.csv",)
    media = _media(device, entry)["kegiatan.csv"]
    assert f"{project.pk},Rabat beton jalan RT 01 (2026) · 0%" in media and "Sumur bor selesai" not in media
    assert f"\n{finished.pk}," not in media

    with_gps, without = photo("green", gps=(-1.5, 102.25)), photo("blue")
    kiriman = _send(
        device, progress_xml(project), ("f1.jpg", with_gps, "image/jpeg"), ("f2.jpg", without, "image/jpeg")
    )
    assert kiriman.is_complete and not ProjectUpdate.objects.exists()
    services.approve(users["op_a"], kiriman)

    project.refresh_from_db()
    assert project.progress_pct == 60 and project.realised == Decimal("90000000")
    first, second = ProjectUpdate.objects.filter(project=project).order_by("pk")
    assert first.note == "Pengecoran 60 m selesai" and "foto 2 dari 2" in second.note
    assert first.date == dt.date(2026, 11, 27) and first.created_by == users["op_a"]
    # Photo 1: the geotag in its EXIF (read by rencana's service); photo 2 has none: the form's geopoint.
    assert first.photo_location.y == pytest.approx(-1.5) and first.photo_location.x == pytest.approx(102.25)
    assert second.photo_location.y == pytest.approx(-1.612) and second.photo_location.x == pytest.approx(102.012)
    for update in (first, second):
        with Image.open(update.photo.path) as stored:
            assert stored.format == "JPEG" and not stored.getexif()  # re-encoded, every tag dropped
    kiriman.refresh_from_db()
    assert kiriman.result_ref == f"rencana.project:{project.pk}"


def test_progress_checks_of_rencana_apply(device, users, telang, project):
    too_much = _send(device, progress_xml(project, photos=(), realisasi="999999999999"))
    with pytest.raises(ValidationError, match="tidak masuk akal"):
        services.approve(users["op_a"], too_much)
    not_a_photo = _send(
        device, progress_xml(project, photos=("x.jpg",)), ("x.jpg", b"\xff\xd8\xff" + b"0" * 50, "image/jpeg")
    )
    with pytest.raises(ValidationError, match="bukan foto"):
        services.approve(users["op_a"], not_a_photo)
    project.refresh_from_db()
    assert project.progress_pct == 0 and not ProjectUpdate.objects.exists()


def test_progress_for_another_villages_project_is_refused(device, users, project):
    from dusun.wilayah.models import Wilayah

    from .conftest import BERINGIN

    project.proposal.dusun = Wilayah.objects.get(kode=BERINGIN)
    project.proposal.save()
    response = device.submit(progress_xml(project, photos=()))
    assert response.status_code == 403 and b"bukan kegiatan" in response.content
    assert not Kiriman.objects.exists()


def test_progress_review_page_shows_both_columns(client, device, users, project):
    kiriman = _send(device, progress_xml(project, photos=("f1.jpg",)), ("f1.jpg", photo(), "image/jpeg"))
    client.force_login(users["op_a"])
    html = client.get(reverse("lapangan:detail", args=[kiriman.uuid])).content.decode()
    assert "Rabat beton jalan RT 01" in html and "90000000" in html and "lapangan-files" in html
    done = client.post(reverse("lapangan:detail", args=[kiriman.uuid]), {"action": "approve"}, follow=True)
    assert "disetujui" in done.content.decode().lower()
    assert ProjectUpdate.objects.filter(project=project).count() == 1


def test_imported_progress_without_photos(users, telang, project, forms):
    from dusun.lapangan import importer

    form = next(f for f in forms.values() if f.form_id == "dusun_kemajuan_kegiatan")
    csv = (
        "kegiatan,tanggal,kemajuan,realisasi,catatan,foto_1,lokasi_1-Latitude,lokasi_1-Longitude,_uuid\n"
        f"{project.pk},2026-11-20,35,40000000,dari Kobo,f.jpg,-1.6,102.0,abc-1\n"
    ).encode()
    result = importer.import_export(users["op_a"], telang, form, "kobo.csv", csv)
    assert result.created == 1 and not result.errors
    kiriman = Kiriman.objects.get()
    with pytest.raises(ValidationError, match="diubah orang lain"):  # the export has no version stamp
        services.approve(users["op_a"], kiriman)
    services.approve(users["op_a"], kiriman, accept_conflict=True)
    update = ProjectUpdate.objects.get(project=project)
    assert update.progress_pct == 35 and not update.photo and update.note == "dari Kobo"


def test_idm_questionnaire_only_for_desa(users, forms, idm_definition):
    from dusun.akun.models import Role
    from dusun.wilayah.models import Wilayah

    from .conftest import OdkClient, make_user

    kelurahan = Wilayah.objects.get(kode="15.08.03.1006")
    operator = make_user("op_kelurahan", Role.OPERATOR, kelurahan.kode)
    device, token = services.create_device(operator, kelurahan, "HP kelurahan")
    client = OdkClient(token, device)
    ids = [x.findtext(f"{LIST_NS}formID") for x in ET.fromstring(client.get("formList").content)]
    assert "dusun_kuesioner_idm" not in ids and "dusun_kemajuan_kegiatan" in ids
    assert client.submit(idm_xml()).status_code == 403

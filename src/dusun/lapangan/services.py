"""Writes of field collection: loading forms, devices (app users), receiving submissions, and the
review decisions that merge a submission into the register (`dusun.warga.services`) or the map
(`dusun.ruang.services`).

Scope is checked here, not in views: a device acts with its creator's rights in its one village, and
a reviewer needs edit rights on the submission's village (and the right to read personal data for a
census). Personal data never goes into a log line: messages carry UUIDs and counts only.
"""

import datetime as dt
import logging
import re
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry, LineString, Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from dusun.akun import scope
from dusun.akun.audit import Action, log_access
from dusun.ruang.layers import get_layer
from dusun.ruang.models import Facility
from dusun.ruang.services import create_feature, update_feature
from dusun.warga import choices as wc
from dusun.warga.models import Household, Resident, ResidentEvent
from dusun.warga.services import add_member, update_member
from dusun.wilayah.models import Level, Wilayah

from . import xform
from .models import FormKind, Formulir, Kiriman, Lampiran, Perangkat
from .selectors import conflict_of, device_forms, find_form, project_of
from .xform import SubmissionError
from .xlsforms import KOREKSI, PROGRESS_PHOTOS

logger = logging.getLogger(__name__)

KIND_BY_FORM_ID = {
    "dusun_sensus_keluarga": FormKind.SENSUS,
    "dusun_survei_fasilitas": FormKind.FASILITAS,
    "dusun_survei_potensi": FormKind.POTENSI,
    "dusun_kuesioner_idm": FormKind.IDM,
    "dusun_kemajuan_kegiatan": FormKind.KEMAJUAN,
}
MAX_XML_BYTES = 2 * 1024 * 1024


def max_submission_bytes() -> int:
    """Largest POST accepted (advertised as X-OpenRosa-Accept-Content-Length)."""
    return int(getattr(settings, "DUSUN_LAPANGAN_MAX_BYTES", 50 * 1024 * 1024))


# --- Forms ----------------------------------------------------------------------------------------------


class FormLoadError(Exception):
    pass


@transaction.atomic
def load_xlsform(path: Path) -> tuple[Formulir, bool]:
    try:
        text = xform.convert_xlsform(path)
    except Exception as exc:  # pyxform raises its own error types for every XLSForm mistake
        raise FormLoadError(f"{path.name}: XLSForm tidak dapat dikonversi ({exc}).") from exc
    info = xform.inspect(text)
    if info.form_id not in KIND_BY_FORM_ID:
        raise FormLoadError(f"{path.name}: form_id '{info.form_id}' bukan formulir yang dikenal Dusun Online.")
    if not info.version:
        raise FormLoadError(f"{path.name}: isi 'version' di lembar settings agar kiriman dapat dicocokkan.")
    existing = Formulir.objects.filter(form_id=info.form_id, version=info.version).first()
    if existing:
        return existing, False
    form = Formulir.objects.create(
        form_id=info.form_id,
        version=info.version,
        kind=KIND_BY_FORM_ID[info.form_id],
        title=info.title,
        xform=text,
        source_name=path.name,
    )
    return form, True


def set_form_open(user, form: Formulir, is_open: bool) -> None:
    if not (getattr(user, "is_superuser", False) or any(r.role == "kabupaten" for r in user.roles.all())):
        raise PermissionDenied(_("Hanya admin kabupaten yang dapat membuka atau menutup formulir."))
    Formulir.objects.filter(pk=form.pk).update(is_open=is_open)


# --- Devices ----------------------------------------------------------------------------------------------


def create_device(user, dusun: Wilayah, name: str) -> tuple[Perangkat, str]:
    """A new app user for one village; the token is returned once and only its hash is kept."""
    if dusun.level != Level.DESA or not scope.can_edit(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang membuat perangkat lapangan untuk wilayah ini."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Isi nama perangkat atau petugas, misalnya 'HP Pak Rudi'.")})
    token = secrets.token_urlsafe(24)
    device = Perangkat.objects.create(
        name=name[:80], dusun=dusun, created_by=user, token_sha256=Perangkat.hash_token(token)
    )
    return device, token


def revoke_device(user, device: Perangkat) -> None:
    if not scope.can_edit(user, device.dusun):
        raise PermissionDenied(_("Anda tidak berwenang mencabut perangkat ini."))
    Perangkat.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def authenticate(token: str) -> Perangkat | None:
    """The active device holding this token, or None (revoked, unknown, or its creator lost the rights)."""
    if not token or len(token) > 100:
        return None
    device = (
        Perangkat.objects.select_related("dusun", "created_by")
        .filter(token_sha256=Perangkat.hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if device is None or not device.created_by.is_active or not scope.can_edit(device.created_by, device.dusun):
        return None
    if device.last_seen_at is None or timezone.now() - device.last_seen_at > dt.timedelta(minutes=5):
        Perangkat.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())
    return device


# --- Submissions ------------------------------------------------------------------------------------------

# Attachment types a phone sends (photo, audio, video), recognised by their first bytes, not their name.
MAGIC = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"OggS", "audio/ogg"),
    (b"#!AMR", "audio/amr"),
    (b"ID3", "audio/mpeg"),
]


def sniff(head: bytes) -> str | None:
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        return "audio/mp4" if head[8:11] in (b"M4A", b"3gp") else "video/mp4"
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return "image/webp" if head[8:12] == b"WEBP" else "audio/wav"
    return None


def check_references(dusun: Wilayah, form: Formulir, data: dict) -> None:
    """Records a submission points at must belong to the submission's village."""
    if (rt := data.get("rt")) and not Wilayah.objects.filter(kode=rt, parent=dusun, level=Level.SUBUNIT).exists():
        raise SubmissionError(403, f"Kampung/RT {rt} bukan bagian dari {dusun.nama}.")
    if form.kind == FormKind.SENSUS and data.get("mode") == "perbarui":
        ref = data.get("keluarga", "")
        if not Household.objects.filter(uuid=_uuid_or_none(ref), dusun=dusun).exists():
            raise SubmissionError(403, f"Keluarga yang diperbarui tidak terdaftar di {dusun.nama}.")
    if form.kind == FormKind.FASILITAS and data.get("mode") == "perbarui":
        ref = data.get("fasilitas", "")
        if not (ref.isdigit() and Facility.objects.filter(pk=int(ref), dusun=dusun).exists()):
            raise SubmissionError(403, f"Fasilitas yang diperiksa tidak terdaftar di {dusun.nama}.")
    if form.kind == FormKind.KEMAJUAN and project_of(dusun, data.get("kegiatan", "")) is None:
        raise SubmissionError(403, f"Kegiatan yang diperiksa bukan kegiatan {dusun.nama}.")


def _uuid_or_none(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError):
        return None


def receive(device: Perangkat, raw_xml: bytes, files: list[UploadedFile]) -> tuple[Kiriman, bool]:
    """Store a submission (or more attachments of one already stored). Returns (submission, created).

    Idempotent on `meta/instanceID`: the same XML again adds only attachments not yet received (a
    resend after a lost response, or a large submission split over several POSTs); a different XML
    under the same instanceID is refused (409) rather than overwriting what was sent first.
    """
    if len(raw_xml) > MAX_XML_BYTES:
        raise SubmissionError(413, "Berkas XML kiriman terlalu besar (batas 2 MB).")
    root = xform.parse_submission(raw_xml)
    if xform.is_encrypted(root):
        # Our forms carry no public key, so a phone only encrypts a form from another server. The queue
        # must show the answers to a reviewer, and the server holds no private key: refuse, say why.
        raise SubmissionError(
            400,
            "Kiriman terenkripsi tidak diterima: formulir Dusun Online tidak memakai enkripsi karena setiap "
            "kiriman harus dibaca peninjau sebelum masuk data desa. Unduh ulang formulir dari server ini.",
        )
    form_id, version = root.get("id") or "", root.get("version") or ""
    form = find_form(form_id, version)
    if form is None:
        raise SubmissionError(404, f"Formulir '{form_id}' versi '{version}' tidak dikenal server ini.")
    if not form.is_open:
        raise SubmissionError(
            409,
            f"Formulir '{form_id}' versi '{version}' sudah ditutup oleh admin kabupaten dan tidak menerima kiriman "
            "lagi; unduh formulir terbaru (Dapatkan formulir kosong), isi ulang, lalu kirim.",
        )
    if form.form_id not in {f.form_id for f in device_forms(device)}:
        raise SubmissionError(403, f"Perangkat ini tidak berwenang mengirim formulir '{form_id}'.")
    data = xform.to_dict(root)
    instance_id = xform.find_text(data, "meta/instanceID")
    if not instance_id or len(instance_id) > 100:
        raise SubmissionError(400, "Kiriman tanpa meta/instanceID tidak dapat diterima.")
    deprecated_id = xform.find_text(data, "meta/deprecatedID")
    if deprecated_id == instance_id or len(deprecated_id) > 100:
        raise SubmissionError(400, "meta/deprecatedID harus menunjuk instanceID kiriman lain.")
    check_references(device.dusun, form, data)
    info = xform.inspect(form.xform)
    expected = [v for v in (xform.find_text(data, p) for p in info.binary_paths) if v]
    digest = xform.sha256(raw_xml)
    checked = _check_files(files, expected)
    with transaction.atomic():
        kiriman = Kiriman.objects.select_for_update().filter(instance_id=instance_id).first()
        created = kiriman is None
        if kiriman is None:
            earlier = _edited(device, form, deprecated_id) if deprecated_id else None
            try:
                with transaction.atomic():
                    kiriman = Kiriman.objects.create(
                        instance_id=instance_id,
                        formulir=form,
                        perangkat=device,
                        dusun=device.dusun,
                        xml=raw_xml.decode("utf-8"),
                        xml_sha256=digest,
                        data=data,
                        expected_files=expected,
                        deprecated_id=deprecated_id,
                        edit_of=earlier,
                    )
            except IntegrityError as exc:  # the same instanceID arriving twice at the same moment
                raise SubmissionError(409, "Kiriman ini sedang diterima dari permintaan lain; kirim ulang.") from exc
            if earlier is not None and earlier.status == Kiriman.Status.PENDING:
                # The edit replaces what is still waiting: only the newest content is reviewed.
                earlier.status = Kiriman.Status.SUPERSEDED
                earlier.reason = _("Digantikan oleh suntingan %(id)s.") % {"id": instance_id}
                earlier.save(update_fields=["status", "reason", "updated_at"])
        elif kiriman.xml_sha256 != digest or kiriman.dusun_id != device.dusun_id:
            raise SubmissionError(409, f"instanceID {instance_id} sudah dipakai kiriman lain dengan isi berbeda.")
        have = set(kiriman.lampiran.values_list("name", flat=True))
        for upload, content_type in checked:
            if upload.name in have:
                continue
            Lampiran.objects.create(
                kiriman=kiriman, name=upload.name, content_type=content_type, size=upload.size, file=upload
            )
            have.add(upload.name)
    logger.info("lapangan: submission %s %s (%d files)", kiriman.uuid, "new" if created else "resend", len(checked))
    return kiriman, created


def _edited(device: Perangkat, form: Formulir, deprecated_id: str) -> Kiriman | None:
    """The submission an edit (meta/deprecatedID) replaces, locked; None when it never reached this server
    (the edit is then reviewed as a submission of its own)."""
    earlier = Kiriman.objects.select_for_update().select_related("formulir").filter(instance_id=deprecated_id).first()
    if earlier is None:
        return None
    if earlier.dusun_id != device.dusun_id:
        raise SubmissionError(403, "Kiriman yang disunting bukan kiriman desa perangkat ini.")
    if earlier.formulir.form_id != form.form_id:
        raise SubmissionError(409, "Suntingan harus memakai formulir yang sama dengan kiriman yang disunting.")
    return earlier


def _check_files(files: list[UploadedFile], expected: list[str]) -> list[tuple[UploadedFile, str]]:
    """Attachments named in the XML, each of a photo/audio/video type; anything else refuses the POST."""
    out = []
    for upload in files:
        if upload.name not in expected:
            continue  # like Central: a file the submission does not reference is not kept
        if upload.size > max_submission_bytes():
            raise SubmissionError(413, f"Lampiran {upload.name} terlalu besar.")
        upload.seek(0)
        kind = sniff(upload.read(16))
        upload.seek(0)
        if kind is None:
            raise SubmissionError(
                415, f"Lampiran {upload.name} bukan foto, suara atau video yang dikenal (arsip zip tidak diterima)."
            )
        out.append((upload, kind))
    return out


# --- Review ----------------------------------------------------------------------------------------------


def _check_reviewer(user, kiriman: Kiriman) -> None:
    allowed = scope.can_edit(user, kiriman.dusun)
    if kiriman.formulir.kind == FormKind.SENSUS:
        allowed = allowed and scope.can_view_personal(user, kiriman.dusun)
    if not allowed:
        raise PermissionDenied(_("Anda tidak berwenang meninjau kiriman desa ini."))


def _lock_pending(kiriman: Kiriman) -> Kiriman:
    locked = Kiriman.objects.select_for_update().select_related("formulir", "dusun").get(pk=kiriman.pk)
    if locked.status != Kiriman.Status.PENDING:
        raise ValidationError(_("Kiriman ini sudah ditinjau (%(s)s).") % {"s": locked.get_status_display()})
    return locked


@transaction.atomic
def reject(user, kiriman: Kiriman, reason: str) -> Kiriman:
    _check_reviewer(user, kiriman)
    kiriman = _lock_pending(kiriman)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Tulis alasan penolakan (paling sedikit 5 huruf) agar petugas tahu.")})
    kiriman.status, kiriman.reason = Kiriman.Status.REJECTED, reason
    kiriman.reviewed_by, kiriman.reviewed_at = user, timezone.now()
    kiriman.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "updated_at"])
    return kiriman


@transaction.atomic
def approve(user, kiriman: Kiriman, *, accept_conflict: bool = False, request=None) -> Kiriman:
    """Merge the submission into the real data. All or nothing: any refused value leaves it pending."""
    _check_reviewer(user, kiriman)
    kiriman = _lock_pending(kiriman)
    if not kiriman.is_complete:
        raise ValidationError(
            _("Lampiran belum lengkap (%(f)s); tunggu ponsel mengirim sisanya.")
            % {"f": ", ".join(kiriman.missing_files)}
        )
    conflict = conflict_of(kiriman)
    if conflict and not accept_conflict:
        raise ValidationError(
            _("Data ini diubah orang lain sejak formulir diisi (%(when)s). Bandingkan, lalu centang "
              "'timpa perubahan itu' bila isian lapangan memang yang benar.") % {"when": conflict}
        )  # fmt: skip
    apply = {
        FormKind.SENSUS: _apply_census,
        FormKind.FASILITAS: _apply_facility,
        FormKind.POTENSI: _apply_potential,
        FormKind.IDM: _apply_idm,
        FormKind.KEMAJUAN: _apply_progress,
    }[kiriman.formulir.kind]
    if kiriman.formulir.kind == FormKind.IDM:
        kiriman.result_ref = apply(user, kiriman, request, accept_conflict=accept_conflict)
    else:
        kiriman.result_ref = apply(user, kiriman, request)
    kiriman.status, kiriman.reason = Kiriman.Status.APPROVED, ""
    kiriman.reviewed_by, kiriman.reviewed_at = user, timezone.now()
    kiriman.save(update_fields=["status", "reason", "result_ref", "reviewed_by", "reviewed_at", "updated_at"])
    return kiriman


def geopoint(value: str) -> Point | None:
    """ODK geopoint text `lat lon alt acc` → a 4326 point (x = longitude)."""
    parts = (value or "").split()
    if len(parts) < 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError as exc:
        raise ValidationError(_("Koordinat '%(v)s' tidak terbaca.") % {"v": value}) from exc
    return Point(lon, lat, srid=4326)


def geometry(kind: str, value: str) -> GEOSGeometry | None:
    """ODK geo text → GEOS: geopoint `lat lon alt acc`; geotrace/geoshape vertices of the same separated
    by `;` (a geoshape is closed; a missing closing vertex is added)."""
    if kind == "titik":
        return geopoint(value)
    points = [p for p in (geopoint(v) for v in (value or "").split(";")) if p is not None]
    if not points:
        return None
    coords = [(p.x, p.y) for p in points]
    try:
        if kind == "garis":
            return LineString(coords, srid=4326)
        if coords[0] != coords[-1]:
            coords.append(coords[0])
        return Polygon(coords, srid=4326)
    except (ValueError, TypeError, GEOSException) as exc:
        raise ValidationError(_("Geometri %(k)s kurang titik: %(e)s") % {"k": kind, "e": exc}) from exc


def filled_on(kiriman: Kiriman) -> dt.date:
    started = parse_datetime(kiriman.data.get("mulai") or "")
    return started.date() if started else kiriman.received_at.date()


HOUSEHOLD_FIELDS = {
    "alamat": "address",
    "lantai": "floor",
    "dinding": "wall",
    "atap": "roof",
    "air_minum": "drinking_water",
    "jamban": "toilet",
    "penerangan": "lighting",
}


def _edited_ref(kiriman: Kiriman, kind: str) -> str | None:
    """For an edit of an approved submission: the id of the record that approval wrote (so the edit
    changes that record instead of creating a second one)."""
    if not kiriman.edits_approved:
        return None
    ref_kind, _sep, ref = kiriman.edit_of.result_ref.partition(":")
    return ref if ref_kind == kind and ref else None


def _apply_census(user, kiriman: Kiriman, request) -> str:
    d, dusun = kiriman.data, kiriman.dusun
    if edited := _edited_ref(kiriman, "warga.household"):
        household = Household.objects.select_for_update().get(uuid=edited, dusun=dusun)
        if d.get("kk"):
            household.kk_number = d["kk"]
    elif d.get("mode") == "perbarui":
        household = Household.objects.select_for_update().get(uuid=d.get("keluarga"), dusun=dusun)
    else:
        household = Household(dusun=dusun, kk_number=d.get("kk", ""))
    for key, field in HOUSEHOLD_FIELDS.items():
        if d.get(key):
            setattr(household, field, d[key])
    if point := geopoint(d.get("lokasi", "")):
        household.location = point
    if d.get("rt"):
        household.subunit = Wilayah.objects.get(kode=d["rt"], parent=dusun)
    household.updated_by = user
    household.full_clean()
    household.save()
    for n, member in enumerate(d.get("anggota") or [], start=1):
        _add_member(user, household, member, filled_on(kiriman), n, request)
    log_access(
        user,
        Action.EDIT,
        wilayah=dusun,
        object_type="warga.household",
        object_ref=household.uuid,
        record_count=1 + len(d.get("anggota") or []),
        reason=_("persetujuan kiriman lapangan"),
        request=request,
    )
    return f"warga.household:{household.uuid}"


def _member_error(n: int, exc: ValidationError) -> ValidationError:
    messages = (
        [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()] if hasattr(exc, "error_dict") else exc.messages
    )
    return ValidationError(_("Anggota %(n)d: %(m)s") % {"n": n, "m": "; ".join(messages)})


def _add_member(user, household: Household, member: dict, on: dt.date, n: int, request) -> None:
    """A member of the submission: an active resident of this household with the same NIK is corrected
    (the fields that differ, through `update_member`); anyone else is added (`add_member`)."""
    kind = member.get("peristiwa") or wc.EventKind.PENDATAAN
    born = parse_date(member.get("tanggal_lahir") or "")
    if born is None:
        raise ValidationError(_("Anggota %(n)d: tanggal lahir kosong atau tidak terbaca.") % {"n": n})
    existing = (
        Resident.objects.filter(household=household, nik=member.get("nik") or "", status=wc.ResidentStatus.AKTIF)
        .order_by("pk")
        .first()
        if household.pk
        else None
    )
    if existing is not None:
        corrections = {
            "name": (member.get("nama") or "").strip(),
            "sex": member.get("jk"),
            "birth_date": born,
            "relationship": member.get("hubungan"),
        }
        try:
            update_member(user, existing, corrections, request=request)
        except ValidationError as exc:
            raise _member_error(n, exc) from exc
        return
    if kind == KOREKSI:
        raise ValidationError(
            _(
                "Anggota %(n)d: dipilih 'datanya dikoreksi', tetapi NIK ini tidak tercatat di keluarga ini. Periksa "
                "NIK-nya, atau tolak kiriman agar petugas memilih 'pendataan', 'lahir' atau 'pindah datang'."
            )
            % {"n": n}
        )
    data = {
        "nik": member.get("nik"),
        "name": (member.get("nama") or "").strip(),
        "sex": member.get("jk"),
        "birth_date": born,
        "relationship": member.get("hubungan"),
        "event_date": born if kind == wc.EventKind.LAHIR else on,
        "note": _("kiriman lapangan"),
    }
    # add_member knows births and moves in; a person found by the census ("pendataan") goes through the
    # same checks as a move in, and its event is then recorded as what it is.
    call_kind = wc.EventKind.PINDAH_DATANG if kind == wc.EventKind.PENDATAAN else kind
    try:
        resident = add_member(user, household, call_kind, data, request=request)
    except ValidationError as exc:
        raise _member_error(n, exc) from exc
    if kind == wc.EventKind.PENDATAAN:
        ResidentEvent.objects.filter(resident=resident).update(kind=wc.EventKind.PENDATAAN)


def _apply_facility(user, kiriman: Kiriman, request) -> str:
    d = kiriman.data
    spec = get_layer("fasilitas")
    geom = geopoint(d.get("lokasi", ""))
    if geom is None:
        raise ValidationError(_("Kiriman tanpa lokasi tidak dapat dimasukkan ke peta."))
    attributes = {
        "kind": d.get("jenis", ""),
        "name": (d.get("nama") or "")[:200],
        "condition": (d.get("kondisi") or "")[:20],
        "note": d.get("catatan") or "",
        "survey_date": filled_on(kiriman),
        "source": f"ODK {kiriman.formulir.form_id} v{kiriman.formulir.version}"[:200],
    }
    edited = _edited_ref(kiriman, "ruang.facility")
    if edited or d.get("mode") == "perbarui":
        feature = Facility.objects.get(pk=int(edited or d["fasilitas"]), dusun=kiriman.dusun)
        feature = update_feature(spec, feature, user=user, geom=geom, attributes=attributes)
    else:
        feature = create_feature(spec, user=user, dusun=kiriman.dusun, geom=geom, attributes=attributes)
    return f"ruang.facility:{feature.pk}"


def _apply_potential(user, kiriman: Kiriman, request) -> str:
    d = kiriman.data
    shape = d.get("bentuk", "")  # the answer names the question holding the geometry
    geom = geometry(shape, d.get(shape, "")) if shape in ("titik", "garis", "area") else None
    if geom is None:
        raise ValidationError(_("Kiriman tanpa geometri tidak dapat dimasukkan ke peta."))
    attributes = {
        "kind": d.get("jenis", ""),
        "name": (d.get("nama") or "")[:200],
        "description": d.get("uraian") or "",
        "survey_date": filled_on(kiriman),
        "source": f"ODK {kiriman.formulir.form_id} v{kiriman.formulir.version}"[:200],
    }
    spec = get_layer("potensi")
    if edited := _edited_ref(kiriman, "ruang.potential"):
        feature = spec.model.objects.get(pk=int(edited), dusun=kiriman.dusun)
        feature = update_feature(spec, feature, user=user, geom=geom, attributes=attributes)
    else:
        feature = create_feature(spec, user=user, dusun=kiriman.dusun, geom=geom, attributes=attributes)
    return f"ruang.potential:{feature.pk}"


IDM_FIELD = re.compile(r"^([A-Z]{2,5})_([0-9]{1,3})$")


def idm_entries(data: dict) -> dict[str, int]:
    """The answered IDM items of a questionnaire: {"IKS.04": 3, …}; a question left empty is not included
    (the stored score stays). Codes and scores are checked by `dusun.indeks.services.save_entries`."""
    entries = {}
    for key, value in data.items():
        match = IDM_FIELD.match(key)
        if not match or not isinstance(value, str) or not value:
            continue
        if not value.isdigit():
            raise ValidationError(_("Jawaban %(k)s '%(v)s' bukan skor.") % {"k": key, "v": value})
        entries[f"{match[1]}.{match[2]}"] = int(value)
    return entries


def idm_year(data: dict) -> int:
    value = data.get("tahun") or ""
    if not (value.isdigit() and len(value) == 4):
        raise ValidationError(_("Tahun IDM '%(v)s' tidak terbaca; pilih tahun dari daftar.") % {"v": value})
    return int(value)


def _apply_idm(user, kiriman: Kiriman, request, *, accept_conflict: bool = False) -> str:
    """The answers become that year's entry, exactly as if typed into the web entry form
    (`dusun.indeks.services.save_entries`: item codes, score ranges, year, village kind)."""
    from dusun.indeks import services as indeks

    d = kiriman.data
    year, entries = idm_year(d), idm_entries(d)
    if not entries:
        raise ValidationError(_("Kuesioner ini tidak berisi satu pun jawaban indikator; tidak ada yang disimpan."))
    stamp = d.get("tahun_versi") or ""
    # The version the phone saw; a save in the office since then is refused unless the reviewer overrides.
    base_version = None if accept_conflict or not stamp.isdigit() else int(stamp)
    try:
        result = indeks.save_entries(kiriman.dusun, year, entries, user=user, base_version=base_version)
    except indeks.InputError as exc:
        raise ValidationError(exc.problems) from exc
    return f"indeks.result:{result.pk}" if result else ""


def _amount(value: str, label: str) -> Decimal:
    try:
        amount = Decimal((value or "").strip())
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(_("%(l)s '%(v)s' bukan angka.") % {"l": label, "v": value})
    return amount.quantize(Decimal("1"))


def _apply_progress(user, kiriman: Kiriman, request) -> str:
    """A progress report of a village project through `dusun.rencana.services.record_progress` (its checks
    of progress, realisation and date; photos re-encoded there, EXIF and all metadata dropped). One report
    per photo, since a report holds one photo; the photo's location is the geotag the service read from the
    EXIF, or else the geopoint taken with the photo in the form."""
    from dusun.rencana import services as rencana

    d = kiriman.data
    project = project_of(kiriman.dusun, d.get("kegiatan", ""))
    if project is None:
        raise ValidationError(_("Kegiatan yang dilaporkan tidak ada lagi di rencana desa ini."))
    on = parse_date(d.get("tanggal") or "")
    if on is None:
        raise ValidationError(_("Tanggal pemeriksaan kosong atau tidak terbaca."))
    pct = d.get("kemajuan") or ""
    if not pct.isdigit():
        raise ValidationError(_("Kemajuan fisik '%(v)s' bukan bilangan bulat 0–100.") % {"v": pct})
    realised = _amount(d.get("realisasi", ""), _("Realisasi"))
    note = (d.get("catatan") or "").strip()[:440]
    files = {a.name: a for a in kiriman.lampiran.all()}
    # A phone's submission is complete before approval; an imported export carries no photos at all.
    names = [(d.get(f"foto_{n}"), d.get(f"lokasi_{n}", "")) for n in range(1, PROGRESS_PHOTOS + 1)]
    photos = [(name, where) for name, where in names if name and name in files]
    values = {"date": on, "progress_pct": int(pct), "realised": realised}
    try:
        if not photos:
            rencana.record_progress(user, project, note=note, **values)
        for n, (name, where) in enumerate(photos, start=1):
            label = note if n == 1 else f"{note} ({_('foto %(n)d dari %(t)d') % {'n': n, 't': len(photos)}})".strip()
            with files[name].file.open("rb") as handle:
                rencana.record_progress(
                    user,
                    project,
                    note=label[:500],
                    photo=File(handle, name=name),
                    photo_location=geopoint(where),
                    **values,
                )
    except PermissionDenied as exc:
        raise ValidationError(str(exc)) from exc
    return f"rencana.project:{project.pk}"

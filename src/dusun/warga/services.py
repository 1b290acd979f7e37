"""Writes and workflows of the census: imports (check, commit, cancel), register events, exports, and
keeping the statistics in step. Every function that touches personal data checks the area scope itself
(`dusun.akun.scope`) — services are called from views, tasks and commands alike — and every read or
write of personal data leaves an `AccessLog` row (`dusun.akun.audit`).
"""

import datetime as dt
import logging
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dusun.akun import scope
from dusun.akun.audit import Action, log_access
from dusun.wilayah.models import Level, Wilayah

from . import choices as c
from . import statistics
from .importer import reader
from .importer.validate import check
from .importer.writer import write
from .models import CensusImport, Household, Resident, ResidentEvent, StatRefresh
from .nik import NikChecker, normalise_number

logger = logging.getLogger(__name__)  # messages carry ids and counts only, never personal data
IMPORT_TTL = dt.timedelta(hours=24)


# --- Imports --------------------------------------------------------------------------------------------


def _check_importer(user, area: Wilayah) -> None:
    if area.level not in (Level.DESA, Level.KABUPATEN) or not (
        scope.can_edit(user, area) and scope.can_view_personal(user, area)
    ):
        raise PermissionDenied(_("Anda tidak berwenang mengimpor data warga untuk wilayah ini."))


def _store(job: CensusImport, field: str, upload: UploadedFile) -> None:
    # Stored under a random name: the original file name (often a person's or family's name) stays in
    # the database only, where the operator sees it, never in a path on disk or a URL.
    suffix = Path(upload.name or "").suffix.lower()[:6]
    getattr(job, field).save(f"{job.uuid}-{field}{suffix}", upload, save=False)


def start_import(
    user,
    area: Wilayah,
    upload: UploadedFile,
    *,
    residents_csv: UploadedFile | None = None,
    file_format: str = CensusImport.Format.TEMPLATE,
    request=None,
) -> CensusImport:
    """Store the upload and queue the dry run. Nothing reaches the register here."""
    _check_importer(user, area)
    for item in (upload, residents_csv):
        if item is not None:
            reader.check_size(item.size)
    expire_imports()
    job = CensusImport(wilayah=area, user=user, file_format=file_format, filename=(upload.name or "")[:255])
    _store(job, "upload", upload)
    if residents_csv is not None:
        _store(job, "upload_residents", residents_csv)
        job.filename = f"{job.filename} + {residents_csv.name}"[:255]
    job.save()
    log_access(
        user,
        Action.IMPORT,
        wilayah=area,
        object_type="warga.censusimport",
        object_ref=job.uuid,
        reason=_("unggah berkas sensus (pemeriksaan)"),
        request=request,
    )
    from .tasks import check_import_task

    transaction.on_commit(lambda: check_import_task.enqueue(str(job.uuid)))
    return job


def _files(job: CensusImport) -> list[tuple[Path, str]]:
    files = [(Path(job.upload.path), job.upload.name)]
    if job.upload_residents:
        files.append((Path(job.upload_residents.path), job.upload_residents.name))
    return files


def _progress(job: CensusImport, base: int, span: int, expected: int):
    def report(rows: int) -> None:
        value = base + min(span, int(span * rows / max(expected, 1)))
        CensusImport.objects.filter(pk=job.pk).update(progress=value, updated_at=timezone.now())

    return report


def _expected_rows(job: CensusImport) -> int:
    # A rough row count for the progress bar: about 60 bytes per compressed xlsx row, 150 per CSV row.
    size = sum(p.stat().st_size for p, _n in _files(job))
    return max(1, size // (60 if job.upload.name.endswith(".xlsx") else 150))


def run_check(job_uuid: str) -> None:
    """The dry run (background): read, check every row, compare with the register; write nothing."""
    job = CensusImport.objects.select_related("wilayah").get(uuid=job_uuid)
    if job.status not in (CensusImport.Status.UPLOADED, CensusImport.Status.CHECKING):
        return
    CensusImport.objects.filter(pk=job.pk).update(status=CensusImport.Status.CHECKING, progress=1)
    try:
        result = check(
            job.wilayah,
            _files(job),
            file_format=job.file_format,
            is_demo=job.is_demo,
            progress=_progress(job, 1, 97, _expected_rows(job)),
        )
    except Exception as exc:
        # Only the exception's class: a database error message can quote a NIK or a name.
        logger.error("census import %s: check failed (%s)", job.uuid, type(exc).__name__)
        _finish(
            job,
            CensusImport.Status.FAILED,
            _("Pemeriksaan gagal karena kesalahan sistem. Coba lagi atau hubungi admin."),
        )
        return
    job.report = result.as_report()
    job.status = CensusImport.Status.CHECKED
    job.progress = 100
    job.message = ""
    job.save(update_fields=["report", "status", "progress", "message", "updated_at"])
    if result.report.file_errors:
        _finish(job, CensusImport.Status.FAILED, _("Berkas ditolak; lihat laporan."))


def request_commit(user, job: CensusImport, request=None) -> None:
    _check_importer(user, job.wilayah)
    if not job.can_commit:
        raise ValidationError(_("Impor ini belum dapat disimpan: perbaiki semua kesalahan lalu unggah ulang."))
    updated = CensusImport.objects.filter(pk=job.pk, status=CensusImport.Status.CHECKED).update(
        status=CensusImport.Status.COMMITTING, progress=0
    )
    if not updated:
        raise ValidationError(_("Impor ini sedang atau sudah diproses."))
    log_access(
        user,
        Action.IMPORT,
        wilayah=job.wilayah,
        object_type="warga.censusimport",
        object_ref=job.uuid,
        record_count=job.report.get("summary", {}).get("rows", {}).get("residents", 0),
        reason=_("simpan hasil impor sensus"),
        request=request,
    )
    from .tasks import commit_import_task

    transaction.on_commit(lambda: commit_import_task.enqueue(str(job.uuid)))


def run_commit(job_uuid: str) -> None:
    """Check again (the register may have changed since the dry run) and write all or nothing."""
    job = CensusImport.objects.select_related("wilayah", "user").get(uuid=job_uuid)
    if job.status != CensusImport.Status.COMMITTING:
        return
    try:
        result = check(
            job.wilayah,
            _files(job),
            file_format=job.file_format,
            is_demo=job.is_demo,
            progress=_progress(job, 0, 70, _expected_rows(job)),
        )
        if result.report.errors:
            job.report = result.as_report()
            job.status = CensusImport.Status.CHECKED
            job.message = _("Data berubah sejak pemeriksaan: ada kesalahan baru, tidak ada yang disimpan.")
            job.save(update_fields=["report", "status", "message", "updated_at"])
            return
        CensusImport.objects.filter(pk=job.pk).update(progress=75)
        with transaction.atomic():
            counts = write(result, user=job.user, is_demo=job.is_demo, note=_("impor sensus"))
    except Exception as exc:
        logger.error("census import %s: commit failed, nothing written (%s)", job.uuid, type(exc).__name__)
        _finish(
            job,
            CensusImport.Status.FAILED,
            _("Penyimpanan gagal; tidak ada data yang berubah. Coba lagi atau hubungi admin."),
        )
        return
    job.report = {**job.report, "written": counts}
    job.save(update_fields=["report", "updated_at"])
    _finish(job, CensusImport.Status.DONE, "")
    request_statistics_refresh()


def cancel_import(user, job: CensusImport) -> None:
    _check_importer(user, job.wilayah)
    if job.status in (CensusImport.Status.COMMITTING, CensusImport.Status.DONE):
        raise ValidationError(_("Impor yang sedang atau sudah disimpan tidak dapat dibatalkan."))
    _finish(job, CensusImport.Status.CANCELLED, "")


def _finish(job: CensusImport, status: str, message: str) -> None:
    """End an import and delete its uploaded file(s): they hold personal data and are no longer needed."""
    for field in (job.upload, job.upload_residents):
        if field:
            field.delete(save=False)
    CensusImport.objects.filter(pk=job.pk).update(
        status=status, message=message, progress=100, upload="", upload_residents="", updated_at=timezone.now()
    )


def expire_imports() -> int:
    """Abandoned imports older than a day lose their files (storage limitation, UU 27/2022 art. 16)."""
    stale = CensusImport.objects.filter(
        updated_at__lt=timezone.now() - IMPORT_TTL,
        status__in=[CensusImport.Status.UPLOADED, CensusImport.Status.CHECKED, CensusImport.Status.CHECKING],
    )
    n = 0
    for job in stale:
        _finish(job, CensusImport.Status.CANCELLED, _("Kedaluwarsa: tidak disimpan dalam 24 jam."))
        n += 1
    return n


# --- Register events ------------------------------------------------------------------------------------


def _check_editor(user, dusun: Wilayah) -> None:
    if not (scope.can_edit(user, dusun) and scope.can_view_personal(user, dusun)):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data warga wilayah ini."))


@transaction.atomic
def record_departure(user, resident: Resident, kind: str, date: dt.date, note: str = "", request=None) -> ResidentEvent:
    """A death, a move out or a disappearance: the person stays in the register with the dated event."""
    _check_editor(user, resident.dusun)
    if kind not in (c.EventKind.MENINGGAL, c.EventKind.PINDAH_KELUAR, c.EventKind.HILANG):
        raise ValidationError(_("Jenis peristiwa tidak sah."))
    if resident.status != c.ResidentStatus.AKTIF:
        raise ValidationError(_("Penduduk ini sudah tidak tercatat tinggal di sini."))
    if date > timezone.localdate() or date < resident.birth_date:
        raise ValidationError(_("Tanggal peristiwa harus antara tanggal lahir dan hari ini."))
    resident.status = c.STATUS_AFTER_EVENT[kind]
    resident.save(update_fields=["status", "updated_at"])
    event = ResidentEvent.objects.create(
        resident=resident,
        household=resident.household,
        dusun=resident.dusun,
        kind=kind,
        date=date,
        note=note[:300],
        created_by=user,
    )
    log_access(
        user,
        Action.EDIT,
        wilayah=resident.dusun,
        object_type="warga.resident",
        object_ref=resident.uuid,
        record_count=1,
        request=request,
    )
    transaction.on_commit(request_statistics_refresh)
    return event


def _earlier_row(nik: str, dusun: Wilayah, kind: str) -> Resident | None:
    """Whether a NIK may join the register of `dusun`; returns the village's own earlier row, if any.

    NIK is unique among active residents only: a person recorded as moved out (or missing) elsewhere may
    move in here, and their old village keeps its row with the dated event."""
    rows = list(Resident.objects.select_for_update().filter(nik=nik))
    if not rows:
        return None
    if kind == c.EventKind.LAHIR:
        raise ValidationError(
            {"nik": _("NIK ini sudah terdaftar; bayi baru lahir mendapat NIK baru. Periksa NIK-nya.")}
        )
    if any(r.status == c.ResidentStatus.AKTIF and r.dusun_id == dusun.pk for r in rows):
        raise ValidationError(
            {"nik": _("NIK ini sudah terdaftar sebagai penduduk aktif di sini; cari orangnya di daftar.")}
        )
    if any(r.status == c.ResidentStatus.AKTIF for r in rows):
        raise ValidationError(
            {
                "nik": _(
                    "NIK ini masih terdaftar sebagai penduduk aktif di desa lain. Minta operator desa asal "
                    "mencatat pindah keluar dulu, lalu tambahkan lagi di sini."
                )
            }
        )
    if any(r.status == c.ResidentStatus.MENINGGAL for r in rows):
        raise ValidationError({"nik": _("NIK ini tercatat milik orang yang sudah meninggal; periksa NIK-nya.")})
    return next((r for r in rows if r.dusun_id == dusun.pk), None)


def _check_matches_nik(decoded, birth_date, sex) -> None:
    """Digits 7–12 of a NIK are the birth date (day + 40 for women): the entered ones must agree."""
    if (decoded.birth_date.day, decoded.birth_date.month, decoded.birth_date.year % 100) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        raise ValidationError({"birth_date": _("Tanggal lahir tidak cocok dengan angka 7–12 NIK.")})
    if (sex == c.Sex.PEREMPUAN) != decoded.female:
        raise ValidationError({"sex": _("Jenis kelamin tidak cocok dengan NIK (perempuan: tanggal + 40).")})


@transaction.atomic
def add_member(user, household: Household, kind: str, data: dict, request=None) -> Resident:
    """A birth or a person moving in: a new resident of the household, checked like an imported row."""
    _check_editor(user, household.dusun)
    if kind not in (c.EventKind.LAHIR, c.EventKind.PINDAH_DATANG):
        raise ValidationError(_("Jenis peristiwa tidak sah."))
    nik, problem = normalise_number(data.get("nik"))
    if problem or not nik:
        raise ValidationError({"nik": _("NIK %(p)s") % {"p": problem or _("wajib diisi")}})
    checker = NikChecker()
    if region := checker.region_problem(nik):
        raise ValidationError({"nik": _("NIK tidak sah: %(p)s") % {"p": region}})
    decoded = checker.decode(nik)
    if isinstance(decoded, str):
        raise ValidationError({"nik": _("NIK tidak sah: %(p)s") % {"p": decoded}})
    born = data["birth_date"]
    _check_matches_nik(decoded, born, data["sex"])
    if decoded.demo and not household.is_demo:
        raise ValidationError({"nik": _("NIK berpola data demo tidak boleh dipakai untuk data nyata.")})
    earlier = _earlier_row(nik, household.dusun, kind)
    event_date = data.get("event_date") or (born if kind == c.EventKind.LAHIR else timezone.localdate())
    if event_date > timezone.localdate():
        raise ValidationError({"event_date": _("Tanggal peristiwa tidak boleh di masa depan.")})
    attributes = {k: v for k, v in data.items() if k not in ("nik", "event_date", "note")}
    if earlier is not None:
        # The person lived here before and moved away: the village's own row comes back to life, so the
        # village keeps one row per person with all its events.
        resident = earlier
        for field, value in attributes.items():
            setattr(resident, field, value)
        resident.household = household
        resident.status = c.ResidentStatus.AKTIF
    else:
        resident = Resident(
            household=household, dusun=household.dusun, nik=nik, is_demo=household.is_demo, **attributes
        )
    resident.full_clean()
    resident.save()
    ResidentEvent.objects.create(
        resident=resident,
        household=household,
        dusun=household.dusun,
        kind=kind,
        date=event_date,
        note=(data.get("note") or "")[:300],
        created_by=user,
        is_demo=household.is_demo,
    )
    log_access(
        user,
        Action.EDIT,
        wilayah=household.dusun,
        object_type="warga.resident",
        object_ref=resident.uuid,
        record_count=1,
        request=request,
    )
    transaction.on_commit(request_statistics_refresh)
    return resident


CORRECTABLE = ("name", "sex", "birth_date", "relationship")


@transaction.atomic
def update_member(user, resident: Resident, data: dict, request=None) -> list[str]:
    """Correct a registered resident's name, sex, birth date or relationship (e.g. from an approved field
    census), checked against the NIK as a new member is. Returns the fields that changed; when none did,
    nothing is written or logged. The NIK itself is the person's key and is not changed here."""
    _check_editor(user, resident.dusun)
    unknown = sorted(set(data) - set(CORRECTABLE))
    if unknown:
        raise ValidationError(_("Kolom %(f)s tidak dapat dikoreksi di sini.") % {"f": ", ".join(unknown)})
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if resident.status != c.ResidentStatus.AKTIF:
        raise ValidationError(_("Penduduk ini sudah tidak tercatat tinggal di sini; datanya tidak dapat dikoreksi."))
    changed = [f for f in CORRECTABLE if data.get(f) not in (None, "") and getattr(resident, f) != data[f]]
    if not changed:
        return []
    for field in changed:
        setattr(resident, field, data[field])
    decoded = NikChecker().decode(resident.nik)
    if isinstance(decoded, str):
        raise ValidationError({"nik": _("NIK tidak sah: %(p)s") % {"p": decoded}})
    _check_matches_nik(decoded, resident.birth_date, resident.sex)
    resident.full_clean()
    resident.save()
    log_access(
        user,
        Action.EDIT,
        wilayah=resident.dusun,
        object_type="warga.resident",
        object_ref=resident.uuid,
        record_count=1,
        reason=_("koreksi data penduduk"),
        request=request,
    )
    transaction.on_commit(request_statistics_refresh)
    return changed


# --- Exports --------------------------------------------------------------------------------------------

MIN_REASON = 15


def export_register(user, dusun: Wilayah, reason: str, request=None) -> bytes:
    """The dusun's register as a spreadsheet, only with a stated reason, which is logged with the export."""
    from . import selectors, xlsx

    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            _("Tuliskan alasan ekspor (paling sedikit %(n)s huruf): untuk apa data ini dipakai.") % {"n": MIN_REASON}
        )
    residents = list(selectors.residents_for_export(user, dusun))
    households = (
        Household.objects.filter(scope.scope_q(user, "dusun__kode"), dusun=dusun)
        .select_related("dusun", "subunit__parent")
        .order_by("kk_number")
    )
    content = xlsx.personal_export(households, residents, dusun.kode)
    log_access(
        user,
        Action.EXPORT,
        wilayah=dusun,
        object_type="warga.resident",
        object_ref=f"ekspor:{dusun.kode}",
        record_count=len(residents),
        reason=reason,
        request=request,
    )
    return content


# --- Statistics -----------------------------------------------------------------------------------------


def request_statistics_refresh() -> None:
    """Queue a rebuild of the statistics; a rebuild that starts later than a request satisfies it."""
    from .tasks import refresh_statistics_task

    refresh_statistics_task.enqueue(timezone.now().isoformat())


def refresh_statistics_if_stale(requested_at: str) -> bool:
    requested = dt.datetime.fromisoformat(requested_at)
    latest = StatRefresh.objects.order_by("-refreshed_at").first()
    if latest is not None and latest.refreshed_at - dt.timedelta(milliseconds=latest.duration_ms) > requested:
        return False  # a rebuild that started after this request already ran
    statistics.refresh()
    return True

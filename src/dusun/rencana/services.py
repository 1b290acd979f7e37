"""All writes of the planning module: scope-checked, transactional, and recorded.

The musrenbang workflow is a state machine (docs/decisions/0008-musrenbang-workflow.md). One function per
transition; each checks that the actor holds the right role over the proposal's village (through
`dusun.akun.scope`), that the proposal is the current version and in the status the transition starts
from, then writes the new status and a `ProposalEvent` in one transaction:

    draft ─agree (operator, musyawarah)→ agreed ─forward (kecamatan)→ forwarded ─accept (kabupaten)→ accepted
                                          │ reject (kecamatan, reason)    │ reject (kabupaten, reason)
                                          │ carry_over (kecamatan)        │ carry_over (kabupaten)
    rejected ─carry_over (kabupaten)→ carried over (a draft copy is made for the next year)

A superuser without one of these roles cannot move a proposal: the musyawarah, the kecamatan and Bappeda
act, not the technical administrator.
"""

import datetime as dt
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dusun.akun import scope
from dusun.akun.models import Role
from dusun.wilayah.models import Level, Wilayah

from . import evidence, priority, spatial
from .classification import bidang_of, sub_bidang
from .models import (
    WEIGHT_FIELDS,
    BudgetCeiling,
    Comment,
    Issue,
    Meeting,
    PriorityWeights,
    Project,
    ProjectUpdate,
    Proposal,
    ProposalEvent,
    Status,
)

MAX_COST = Decimal("100000000000")  # Rp 100 miliar: above any single village-level activity in Bungo
MAX_VOLUME = Decimal("10000000000")  # Proposal.volume holds 12 digits, 2 after the comma
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000


# --- roles ------------------------------------------------------------------------------------------------


def holds(user, area: Wilayah, role: str) -> bool:
    """Whether the user holds exactly this role over the area (superusers are not treated specially)."""
    return scope.has_role(user, area, role)


def acting_role(user, area: Wilayah) -> str:
    for role in (Role.OPERATOR, Role.KECAMATAN, Role.KABUPATEN):
        if holds(user, area, role):
            return role
    return ""


def can_edit_plan(user, dusun: Wilayah) -> bool:
    """The village's operator or the kabupaten admin (pages show edit controls only to them)."""
    return holds(user, dusun, Role.OPERATOR) or holds(user, dusun, Role.KABUPATEN)


def _require_edit(user, dusun: Wilayah) -> None:
    if not can_edit_plan(user, dusun):
        raise PermissionDenied(_("Hanya operator desa ini atau admin kabupaten yang dapat mengubah rencana desa ini."))


def _event(proposal, user, action, from_status="", to_status="", reason="") -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal,
        action=action,
        from_status=from_status,
        to_status=to_status,
        user=user,
        username=user.get_username(),
        role=acting_role(user, proposal.dusun),
        reason=reason,
    )


# --- problems and potentials ------------------------------------------------------------------------------


@transaction.atomic
def save_issue(user, dusun: Wilayah, *, kind, category, title, description, location, subunits=(),
               census_condition="", idm_items=(), road=None, buffer_m=None) -> Issue:  # fmt: skip
    _require_edit(user, dusun)
    geom = spatial.parse_location(location, dusun)
    if census_condition and census_condition not in evidence.CENSUS_CONDITIONS:
        raise ValidationError(_("Bukti sensus '%(c)s' tidak dikenal.") % {"c": census_condition})
    _result, scores = evidence.idm_scores(dusun)
    unknown = [c for c in idm_items if c not in scores]
    if unknown:
        raise ValidationError(
            _("Indikator IDM %(codes)s tidak ada pada hasil IDM terbaru desa ini.") % {"codes": ", ".join(unknown)}
        )
    if road is not None and road.dusun_id != dusun.pk:
        raise ValidationError(_("Ruas jalan yang dipilih bukan milik desa ini."))
    wrong = [s for s in subunits if s.parent_id != dusun.pk or s.level != Level.SUBUNIT]
    if wrong:
        raise ValidationError(_("Kampung/RT %(s)s bukan bagian desa ini.") % {"s": ", ".join(str(s) for s in wrong)})
    reach = spatial.default_buffer(geom) if buffer_m is None else buffer_m
    issue = Issue.objects.create(
        dusun=dusun,
        kind=kind,
        category=category,
        title=title,
        description=description,
        geom=geom,
        census_condition=census_condition,
        idm_items=list(idm_items),
        road=road,
        evidence=evidence.compute(dusun, geom, reach, census_condition, list(idm_items), road),
        created_by=user,
    )
    issue.subunits.set(subunits)
    return issue


# --- proposals --------------------------------------------------------------------------------------------


def _validate_proposal(dusun, data) -> dict:
    errors = {}
    cost, volume = data["cost"], data["volume"]
    if cost is None or cost <= 0:
        errors["cost"] = _("Perkiraan biaya harus lebih dari Rp 0.")
    elif cost > MAX_COST:
        errors["cost"] = _(
            "Perkiraan biaya Rp %(c)s tidak masuk akal untuk satu kegiatan desa (batas Rp 100 miliar)."
        ) % {"c": f"{cost:,.0f}".replace(",", ".")}
    if volume is None or volume <= 0:
        errors["volume"] = _("Volume harus lebih dari 0.")
    if data["sub_bidang"] not in sub_bidang():
        errors["sub_bidang"] = _("Sub-bidang %(s)s tidak ada dalam Permendagri 20/2018.") % {"s": data["sub_bidang"]}
    buffer_m = data.get("buffer_m")
    if buffer_m is not None and not 0 <= buffer_m <= spatial.MAX_BUFFER_M:
        errors["buffer_m"] = _("Jangkauan harus antara 0 dan %(m)s meter.") % {"m": spatial.MAX_BUFFER_M}
    try:
        geom = spatial.parse_location(data["location"], dusun)
    except ValidationError as exc:
        errors["location"] = exc.messages
        geom = None
    _result, scores = evidence.idm_scores(dusun)
    unknown = [c for c in data.get("idm_items", []) if c not in scores]
    if unknown:
        errors["idm_items"] = _("Indikator IDM %(codes)s tidak ada pada hasil IDM terbaru desa ini.") % {
            "codes": ", ".join(unknown)
        }
    foreign = [i for i in data.get("issues", []) if i.dusun_id != dusun.pk]
    if foreign:
        errors["issues"] = _("Masalah/potensi yang dipilih bukan milik desa ini.")
    if errors:
        raise ValidationError(errors)
    return {"geom": geom, "buffer_m": spatial.default_buffer(geom) if buffer_m is None else buffer_m}


FIELDS = ("year", "title", "description", "volume", "unit", "cost", "funding", "urgency")


@transaction.atomic
def save_proposal(user, dusun: Wilayah, data: dict, proposal: Proposal | None = None) -> Proposal:
    """Create a proposal, edit a draft in place, or (any later status) create its next version as a draft.

    `data`: year, title, description, sub_bidang, location (GeoJSON/WKT), buffer_m (None = default),
    volume, unit, cost, funding, urgency, issues (Issue list), idm_items (codes).
    """
    _require_edit(user, dusun)
    if proposal is not None:
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.dusun_id != dusun.pk:
            raise PermissionDenied(_("Usulan ini bukan milik desa ini."))
        if not proposal.is_current:
            raise ValidationError(_("Usulan ini sudah diganti versi yang lebih baru; ubahlah versi terkini."))
    checked = _validate_proposal(dusun, data)
    geom, buffer_m = checked["geom"], checked["buffer_m"]
    households, persons = spatial.beneficiaries(dusun, geom, buffer_m)
    values = {f: data[f] for f in FIELDS} | {
        "sub_bidang": data["sub_bidang"],
        "bidang": bidang_of(data["sub_bidang"]),
        "geom": geom,
        "buffer_m": buffer_m,
        "idm_items": list(data.get("idm_items", [])),
        "beneficiary_households": households,
        "beneficiary_persons": persons,
    }
    if proposal is None:
        proposal = Proposal.objects.create(dusun=dusun, created_by=user, **values)
        _event(proposal, user, "buat", to_status=Status.DRAFT)
    elif proposal.status == Status.DRAFT:
        for name, value in values.items():
            setattr(proposal, name, value)
        proposal.save()
        _event(proposal, user, "ubah", Status.DRAFT, Status.DRAFT)
    else:
        old = proposal
        old.is_current = False
        old.save(update_fields=["is_current", "updated_at"])
        proposal = Proposal.objects.create(
            dusun=dusun, created_by=user, version=old.version + 1, previous=old, is_demo=old.is_demo, **values
        )
        reason = _("Diubah setelah berstatus %(s)s: versi %(v)s dibuat sebagai draf.") % {
            "s": old.get_status_display(),
            "v": proposal.version,
        }
        _event(old, user, "versi_baru", old.status, old.status, reason)
        _event(proposal, user, "buat", to_status=Status.DRAFT, reason=reason)
    proposal.issues.set(data.get("issues", []))
    recompute_priorities(dusun, proposal.year)
    return proposal


def weights_for(dusun: Wilayah) -> dict[str, int]:
    row = PriorityWeights.objects.filter(kabupaten=_kabupaten_of(dusun)).first()
    return row.as_dict() if row else PriorityWeights().as_dict()


def _kabupaten_of(area: Wilayah) -> Wilayah | None:
    kode = ".".join(area.kode.split(".")[:2])
    return Wilayah.objects.filter(kode=kode, level=Level.KABUPATEN).first()


def recompute_priorities(dusun: Wilayah, year: int) -> None:
    """Score and rank the village's current proposals of a year (the musyawarah's list)."""
    proposals = list(
        Proposal.objects.filter(dusun=dusun, year=year, is_current=True)
        .exclude(status__in=[Status.REJECTED, Status.CARRIED_OVER])
        .select_related("dusun")
    )
    cache: dict = {}
    scored = priority.score_all([priority.inputs_for(p, cache) for p in proposals], weights_for(dusun))
    for p, (score, reasons) in zip(proposals, scored, strict=True):
        p.priority_score, p.priority_reasons = score, reasons
    proposals.sort(key=lambda p: (-p.priority_score, p.pk))
    for rank, p in enumerate(proposals, start=1):
        p.rank = rank
    Proposal.objects.bulk_update(proposals, ["priority_score", "priority_reasons", "rank"])


@transaction.atomic
def override_rank(user, proposal: Proposal, rank: int, reason: str) -> Proposal:
    """The musyawarah puts a proposal at another place than the score does, with a recorded reason."""
    if not holds(user, proposal.dusun, Role.OPERATOR):
        raise PermissionDenied(_("Hanya operator desa (atas keputusan musyawarah) yang dapat mengubah peringkat."))
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan musyawarah mengubah peringkat."))
    if rank < 1:
        raise ValidationError(_("Peringkat mulai dari 1."))
    proposal.rank_override = rank
    proposal.override_reason = reason.strip()
    proposal.save(update_fields=["rank_override", "override_reason", "updated_at"])
    _event(proposal, user, "peringkat", proposal.status, proposal.status, f"#{rank}: {reason.strip()}")
    return proposal


@transaction.atomic
def add_comment(user, proposal: Proposal, text: str) -> Comment:
    if not scope.can_view(user, proposal.dusun):
        raise PermissionDenied(_("Anda tidak berwenang mengomentari usulan desa ini."))
    if not text.strip():
        raise ValidationError(_("Komentar kosong."))
    return Comment.objects.create(
        proposal=proposal,
        user=user,
        username=user.get_username(),
        level=acting_role(user, proposal.dusun) or "admin",
        text=text.strip()[:4000],
    )


# --- meetings and the workflow ----------------------------------------------------------------------------


@transaction.atomic
def save_meeting(user, dusun, *, year, date, place, minutes, attendees_male, attendees_female, attendance_list=""):
    if not holds(user, dusun, Role.OPERATOR):
        raise PermissionDenied(_("Hanya operator desa ini yang mencatat musyawarah dusun."))
    if attendees_male + attendees_female < 1:
        raise ValidationError(_("Musyawarah tanpa peserta tidak dapat menyepakati usulan: isi jumlah peserta."))
    if not minutes.strip():
        raise ValidationError(_("Notulen musyawarah wajib diisi."))
    return Meeting.objects.create(
        dusun=dusun,
        year=year,
        date=date,
        place=place,
        minutes=minutes,
        attendees_male=attendees_male,
        attendees_female=attendees_female,
        attendance_list=attendance_list,
        created_by=user,
    )


# action → (allowed from-statuses with the role that may act from each, target status, reason required)
TRANSITIONS = {
    "agree": ({Status.DRAFT: Role.OPERATOR}, Status.AGREED, False),
    "forward": ({Status.AGREED: Role.KECAMATAN}, Status.FORWARDED, False),
    "accept": ({Status.FORWARDED: Role.KABUPATEN}, Status.ACCEPTED, False),
    "reject": ({Status.AGREED: Role.KECAMATAN, Status.FORWARDED: Role.KABUPATEN}, Status.REJECTED, True),
    "carry_over": (
        {Status.AGREED: Role.KECAMATAN, Status.FORWARDED: Role.KABUPATEN, Status.REJECTED: Role.KABUPATEN},
        Status.CARRIED_OVER,
        True,
    ),
}


def allowed_actions(user, proposal: Proposal) -> list[str]:
    """The transitions this user may apply now (for the page's buttons; the server checks again)."""
    if not proposal.is_current:
        return []
    return [
        action
        for action, (sources, _to, _r) in TRANSITIONS.items()
        if proposal.status in sources and holds(user, proposal.dusun, sources[proposal.status])
    ]


def _move(user, proposal: Proposal, action: str, reason: str = "") -> Proposal:
    sources, target, needs_reason = TRANSITIONS[action]
    proposal = Proposal.objects.select_for_update().select_related("dusun").get(pk=proposal.pk)
    if not proposal.is_current:
        raise ValidationError(
            _("Usulan ini sudah diganti versi %(v)s; proses versi terkini.") % {"v": proposal.version + 1}
        )
    if proposal.status not in sources:
        raise ValidationError(
            _(
                "Usulan berstatus %(s)s tidak dapat langsung %(a)s: urutannya draf → disepakati musyawarah → "
                "diteruskan kecamatan → diterima/ditolak kabupaten."
            )  # fmt: skip
            % {"s": proposal.get_status_display(), "a": ACTION_DONE[action]}
        )
    role = sources[proposal.status]
    if not holds(user, proposal.dusun, role):
        raise PermissionDenied(
            _("Langkah '%(a)s' dari status %(s)s hanya boleh dilakukan oleh %(r)s wilayah ini.")
            % {"a": ACTION_LABELS[action], "s": proposal.get_status_display(), "r": Role(role).label}
        )
    if needs_reason and not reason.strip():
        raise ValidationError(_("Tuliskan alasannya: langkah '%(a)s' wajib beralasan.") % {"a": ACTION_LABELS[action]})
    before = proposal.status
    proposal.status = target
    proposal.save(update_fields=["status", "meeting", "updated_at"])
    _event(proposal, user, action, before, target, reason.strip())
    return proposal


# Button labels say what the click does (imperative); statuses, history and badges keep the resulting state.
ACTION_LABELS = {
    "agree": _lazy("Sepakati"),
    "forward": _lazy("Teruskan ke kabupaten"),
    "accept": _lazy("Terima"),
    "reject": _lazy("Tolak"),
    "carry_over": _lazy("Lanjutkan ke tahun berikutnya"),
}
# The same steps as a past participle, for sentences ("tidak dapat langsung diteruskan", "Usulan X: diterima").
ACTION_DONE = {
    "agree": _lazy("disepakati"),
    "forward": _lazy("diteruskan"),
    "accept": _lazy("diterima"),
    "reject": _lazy("ditolak"),
    "carry_over": _lazy("dilanjutkan ke tahun berikutnya"),
}


@transaction.atomic
def agree(user, proposal: Proposal, meeting: Meeting, reason: str = "") -> Proposal:
    """The dusun musyawarah agrees a draft; the meeting (minutes, attendance) is required."""
    if meeting is None or meeting.dusun_id != proposal.dusun_id:
        raise ValidationError(_("Pilih musyawarah dusun desa ini (dengan notulen dan daftar hadir) yang menyepakati."))
    proposal.meeting = meeting
    Proposal.objects.filter(pk=proposal.pk, status=Status.DRAFT).update(meeting=meeting)
    return _move(user, proposal, "agree", reason)


@transaction.atomic
def agree_many(user, proposals, meeting: Meeting) -> int:
    """The musyawarah agrees several drafts at once: all or none."""
    for proposal in proposals:
        agree(user, proposal, meeting)
    return len(proposals)


@transaction.atomic
def forward(user, proposal: Proposal, reason: str = "") -> Proposal:
    return _move(user, proposal, "forward", reason)


@transaction.atomic
def accept(user, proposal: Proposal, reason: str = "") -> Proposal:
    """Bappeda accepts; the proposal becomes a project with its cost as budget, for the proposal's year."""
    proposal = _move(user, proposal, "accept", reason)
    Project.objects.create(
        proposal=proposal,
        budget=proposal.cost,
        start_date=dt.date(proposal.year, 1, 1),
        end_date=dt.date(proposal.year, 12, 31),
    )
    return proposal


@transaction.atomic
def reject(user, proposal: Proposal, reason: str) -> Proposal:
    proposal = _move(user, proposal, "reject", reason)
    recompute_priorities(proposal.dusun, proposal.year)
    return proposal


@transaction.atomic
def carry_over(user, proposal: Proposal, reason: str) -> Proposal:
    """Not this year: the proposal closes as carried over and a draft copy waits in next year's list."""
    proposal = _move(user, proposal, "carry_over", reason)
    households, persons = spatial.beneficiaries(proposal.dusun, proposal.geom, proposal.buffer_m)
    copy = Proposal.objects.create(
        **{f: getattr(proposal, f) for f in FIELDS if f != "year"},
        year=proposal.year + 1,
        dusun=proposal.dusun,
        bidang=proposal.bidang,
        sub_bidang=proposal.sub_bidang,
        geom=proposal.geom,
        buffer_m=proposal.buffer_m,
        idm_items=proposal.idm_items,
        # Counted again now: a year later the census in the location has changed.
        beneficiary_households=households,
        beneficiary_persons=persons,
        previous=proposal,
        is_demo=proposal.is_demo,
        created_by=user,
    )
    copy.issues.set(proposal.issues.all())
    _event(
        copy,
        user,
        "buat",
        to_status=Status.DRAFT,
        reason=_("Dilanjutkan dari usulan tahun %(y)s.") % {"y": proposal.year},
    )
    recompute_priorities(proposal.dusun, proposal.year)
    recompute_priorities(proposal.dusun, copy.year)
    return proposal


# --- verification at the kecamatan ------------------------------------------------------------------------

# Kept out of a copied version: identity, bookkeeping and the fields the copy sets itself.
_NOT_COPIED = {"id", "version", "previous", "is_current", "created_by", "created_at", "updated_at"}


def _fmt_rp(value) -> str:
    return "Rp " + f"{value:,.0f}".replace(",", ".")


@transaction.atomic
def correct_at_kecamatan(user, proposal: Proposal, *, volume, unit: str, cost, reason: str) -> Proposal:
    """Verification at the kecamatan stage: staff correct volume, unit or cost of an agreed proposal.

    Like any edit after draft it makes version n + 1 (the musyawarah's version stays readable as it was),
    but the new version stays *agreed* under the same musyawarah, because the activity, place and
    beneficiaries are unchanged: only the quantities the kecamatan verifies. The reason is required and
    recorded on both versions. Nothing else can be changed here (that is the village's own edit)."""
    proposal = Proposal.objects.select_for_update().select_related("dusun").get(pk=proposal.pk)
    if not holds(user, proposal.dusun, Role.KECAMATAN):
        raise PermissionDenied(_("Hanya staf kecamatan wilayah ini yang dapat mengoreksi usulan saat verifikasi."))
    if not proposal.is_current:
        raise ValidationError(_("Usulan ini sudah diganti versi yang lebih baru; koreksi versi terkini."))
    if proposal.status != Status.AGREED:
        raise ValidationError(
            _("Koreksi verifikasi hanya untuk usulan berstatus %(a)s (sebelum diteruskan); usulan ini berstatus %(s)s.")
            % {"a": Status.AGREED.label, "s": proposal.get_status_display()}
        )
    errors = {}
    if cost is None or cost <= 0 or cost > MAX_COST:
        errors["cost"] = _("Perkiraan biaya harus lebih dari Rp 0 dan paling banyak Rp 100 miliar.")
    if volume is None or volume <= 0 or volume >= MAX_VOLUME:
        errors["volume"] = _("Volume harus lebih dari 0 dan kurang dari 10 miliar.")
    if not (unit or "").strip():
        errors["unit"] = _("Satuan wajib diisi.")
    if not (reason or "").strip():
        errors["reason"] = _("Tuliskan alasan koreksi (mis. hasil cek lapangan atau harga satuan kabupaten).")
    if errors:
        raise ValidationError(errors)
    unit = unit.strip()[:30]
    volume, cost = volume.quantize(Decimal("0.01")), cost.quantize(Decimal(1))  # the columns' precision
    changes = []
    if volume != proposal.volume or unit != proposal.unit:
        changes.append(
            _("volume %(a)s → %(b)s")
            % {"a": f"{proposal.volume.normalize():f} {proposal.unit}", "b": f"{volume.normalize():f} {unit}"}
        )
    if cost != proposal.cost:
        changes.append(_("biaya %(a)s → %(b)s") % {"a": _fmt_rp(proposal.cost), "b": _fmt_rp(cost)})
    if not changes:
        raise ValidationError(_("Volume, satuan dan biaya sama dengan usulan: tidak ada yang dikoreksi."))
    values = {f.name: getattr(proposal, f.name) for f in Proposal._meta.concrete_fields if f.name not in _NOT_COPIED}
    values |= {"volume": volume, "unit": unit, "cost": cost}
    proposal.is_current = False
    proposal.save(update_fields=["is_current", "updated_at"])
    corrected = Proposal.objects.create(
        **values, version=proposal.version + 1, previous=proposal, is_current=True, created_by=user
    )
    corrected.issues.set(proposal.issues.all())
    text = _("Koreksi verifikasi kecamatan (versi %(v)s): %(c)s. Alasan: %(r)s") % {
        "v": corrected.version,
        "c": "; ".join(str(c) for c in changes),
        "r": reason.strip(),
    }
    _event(proposal, user, "versi_baru", proposal.status, proposal.status, text)
    _event(corrected, user, "verifikasi", Status.AGREED, Status.AGREED, text)
    recompute_priorities(proposal.dusun, proposal.year)
    corrected.refresh_from_db()
    return corrected


# --- weights ----------------------------------------------------------------------------------------------


@transaction.atomic
def save_weights(user, kabupaten: Wilayah, values: dict[str, int]) -> PriorityWeights:
    if not holds(user, kabupaten, Role.KABUPATEN):
        raise PermissionDenied(_("Hanya admin kabupaten yang menetapkan bobot prioritas."))
    if any(not 0 <= values[f] <= 100 for f in WEIGHT_FIELDS):
        raise ValidationError(_("Setiap bobot antara 0 dan 100."))
    if sum(values[f] for f in WEIGHT_FIELDS) == 0:
        raise ValidationError(_("Paling tidak satu bobot harus lebih dari 0."))
    row, _created = PriorityWeights.objects.update_or_create(
        kabupaten=kabupaten, defaults={f: values[f] for f in WEIGHT_FIELDS} | {"updated_by": user}
    )
    for dusun_id, year in (
        Proposal.objects.filter(is_current=True, dusun__kode__startswith=kabupaten.kode + ".")
        .values_list("dusun_id", "year")
        .distinct()
    ):
        recompute_priorities(Wilayah.objects.get(pk=dusun_id), year)
    return row


@transaction.atomic
def save_ceiling(user, kabupaten: Wilayah, year: int, amount: Decimal) -> BudgetCeiling:
    """The pagu indikatif the kabupaten can fund from musrenbang proposals in a year."""
    if not holds(user, kabupaten, Role.KABUPATEN):
        raise PermissionDenied(_("Hanya admin kabupaten yang menetapkan pagu anggaran."))
    if amount < 0 or amount > MAX_COST * 100:
        raise ValidationError(_("Pagu Rp %(a)s tidak masuk akal.") % {"a": f"{amount:,.0f}".replace(",", ".")})
    row, _created = BudgetCeiling.objects.update_or_create(kabupaten=kabupaten, year=year, defaults={"amount": amount})
    return row


# --- monitoring -------------------------------------------------------------------------------------------


def _read_photo(upload):
    """Check an uploaded photo is a real image of sane size; return (clean JPEG bytes, geotag Point|None).

    The GPS position in the EXIF is read first (it geotags the report) and then dropped together with all
    other metadata: the stored file is re-encoded pixels only.
    """
    from django.contrib.gis.geos import Point
    from PIL import Image, UnidentifiedImageError

    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("Foto %(name)s terlalu besar (%(mb)s MB); batasnya 8 MB. Kecilkan dulu lalu unggah lagi.")
            % {"name": upload.name, "mb": f"{upload.size / 1048576:.1f}"}
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise ValidationError(_("Foto %(name)s berukuran piksel terlalu besar.") % {"name": upload.name})
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("Berkas %(name)s bukan foto yang terbaca (JPEG/PNG/WebP).") % {"name": upload.name}
        ) from None
    location = None
    gps = image.getexif().get_ifd(0x8825)
    try:
        if gps and 2 in gps and 4 in gps:

            def degrees(v):
                return float(v[0]) + float(v[1]) / 60 + float(v[2]) / 3600

            lat, lon = degrees(gps[2]), degrees(gps[4])
            if gps.get(1) == "S":
                lat = -lat
            if gps.get(3) == "W":
                lon = -lon
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                location = Point(lon, lat, srid=4326)
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        location = None
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)  # no exif= argument: metadata not copied
    return out.getvalue(), location


@transaction.atomic
def record_progress(
    user, project: Project, *, date, progress_pct, realised, note="", photo=None, photo_location=None
) -> ProjectUpdate:
    """A progress report, optionally with one photo. The photo's own GPS (EXIF) wins; `photo_location` (e.g. the
    geopoint a field form took beside the photo) is used when the photo carries none."""
    dusun = project.proposal.dusun
    _require_edit(user, dusun)
    if not 0 <= progress_pct <= 100:
        raise ValidationError(_("Kemajuan fisik antara 0 dan 100 %."))
    if realised < 0 or realised > project.budget * 2:
        raise ValidationError(
            _("Realisasi Rp %(r)s tidak masuk akal untuk anggaran Rp %(b)s.")
            % {"r": f"{realised:,.0f}".replace(",", "."), "b": f"{project.budget:,.0f}".replace(",", ".")}
        )
    if date > timezone.localdate():
        raise ValidationError(_("Tanggal laporan tidak boleh di masa depan."))
    update = ProjectUpdate(
        project=project, date=date, progress_pct=progress_pct, realised=realised, note=note, created_by=user
    )
    if photo is not None:
        content, update.photo_location = _read_photo(photo)
        update.photo_location = update.photo_location or photo_location
        update.photo.save(f"kegiatan-{project.pk}-{date:%Y%m%d}.jpg", ContentFile(content), save=False)
    update.save()
    project.progress_pct, project.realised = progress_pct, realised
    project.save(update_fields=["progress_pct", "realised", "updated_at"])
    return update


def is_delayed(project: Project, today: dt.date | None = None) -> bool:
    return project.is_delayed(today)

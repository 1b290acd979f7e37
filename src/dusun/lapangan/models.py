"""Field collection: the forms phones download, the devices (app users) that talk OpenRosa, and the
submissions that wait in the review queue until a person approves or rejects them.

Nothing a phone sends changes the register or the map by itself: a submission is stored as *pending*
with its XML and attachments, and only `services.approve` (a person with edit rights on the village)
merges it into `dusun.warga` or `dusun.ruang`, through their own services.
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level


class FormKind(models.TextChoices):
    SENSUS = "sensus", _("Sensus keluarga")
    FASILITAS = "fasilitas", _("Survei fasilitas")
    POTENSI = "potensi", _("Survei potensi")
    IDM = "idm", _("Kuesioner IDM")
    KEMAJUAN = "kemajuan", _("Kemajuan kegiatan")


class Formulir(models.Model):
    """One version of one form, converted from its shipped XLSForm by pyxform (`load_formulir`).

    Versions are never overwritten: a changed XLSForm becomes a new row, and submissions of an older
    version stay accepted until that version is closed.
    """

    form_id = models.CharField(_("ID formulir"), max_length=64)
    version = models.CharField(_("versi"), max_length=32)
    kind = models.CharField(_("jenis"), max_length=12, choices=FormKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    xform = models.TextField(_("XForm"))
    xform_md5 = models.CharField(max_length=32)
    source_name = models.CharField(_("berkas XLSForm"), max_length=200)
    is_open = models.BooleanField(_("menerima kiriman"), default=True)
    created_at = models.DateTimeField(_("dimuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("formulir lapangan")
        verbose_name_plural = _("formulir lapangan")
        ordering = ["form_id", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["form_id", "version"], name="lapangan_formulir_version")]

    def __str__(self) -> str:
        return f"{self.form_id} v{self.version}"

    def save(self, *args, **kwargs):
        self.xform_md5 = hashlib.md5(self.xform.encode(), usedforsecurity=False).hexdigest()  # OpenRosa hash
        super().save(*args, **kwargs)


class Perangkat(models.Model):
    """A phone or an enumerator: an app user of one village, like ODK Central's app users.

    The phone is configured with a server URL that carries a secret token (`/lapangan/odk/<token>`);
    only the token's SHA-256 is stored, so the database alone cannot be used to impersonate a device.
    Everything the device may see or send is what its creator may do in its village.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nama perangkat/petugas"), max_length=80)
    dusun = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.DESA},
        verbose_name=_("desa"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dibuat oleh")
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("terakhir terhubung"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        verbose_name = _("perangkat lapangan")
        verbose_name_plural = _("perangkat lapangan")
        ordering = ["dusun", "name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class Kiriman(models.Model):
    """One submission (one `meta/instanceID`), possibly assembled from several POSTs."""

    class Status(models.TextChoices):
        PENDING = "menunggu", _("Menunggu tinjauan")
        APPROVED = "disetujui", _("Disetujui")
        REJECTED = "ditolak", _("Ditolak")
        # An edit (meta/deprecatedID) arrived for this pending submission: the edit is reviewed instead.
        SUPERSEDED = "digantikan", _("Digantikan suntingan")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instance_id = models.CharField(_("instanceID"), max_length=100, unique=True)
    formulir = models.ForeignKey(Formulir, on_delete=models.PROTECT, related_name="kiriman", verbose_name=_("formulir"))
    # Empty for a submission imported from a KoboToolbox/ODK Central export (`imported_by` is set instead).
    perangkat = models.ForeignKey(
        Perangkat, on_delete=models.PROTECT, null=True, blank=True, related_name="kiriman", verbose_name=_("perangkat")
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_name = models.CharField(_("berkas ekspor"), max_length=200, blank=True)
    dusun = models.ForeignKey(
        "wilayah.Wilayah", on_delete=models.PROTECT, related_name="lapangan_kiriman", verbose_name=_("desa")
    )
    xml = models.TextField()
    xml_sha256 = models.CharField(max_length=64)
    data = models.JSONField(_("isian"), default=dict)
    expected_files = models.JSONField(default=list)
    # An edit sent with meta/deprecatedID: the instanceID it replaces, and that submission when it is here.
    deprecated_id = models.CharField(_("menyunting instanceID"), max_length=100, blank=True)
    edit_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="edits", verbose_name=_("suntingan dari")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    received_at = models.DateTimeField(_("diterima"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ditinjau"), null=True, blank=True)
    reason = models.TextField(_("alasan penolakan"), blank=True)
    # What the approval wrote: "warga.household:<uuid>", "ruang.facility:<id>", "ruang.potential:<id>",
    # "indeks.result:<id>" or "rencana.project:<id>".
    result_ref = models.CharField(_("hasil"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("kiriman lapangan")
        verbose_name_plural = _("kiriman lapangan")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["dusun", "status", "received_at"], name="lapangan_kiriman_queue")]

    def __str__(self) -> str:
        return f"Kiriman {self.uuid}"

    @property
    def missing_files(self) -> list[str]:
        have = {a.name for a in self.lampiran.all()}
        return [name for name in self.expected_files if name not in have]

    @property
    def edits_approved(self) -> bool:
        """An edit of a submission that was already approved: approving it changes the same record."""
        return self.edit_of is not None and self.edit_of.status == Kiriman.Status.APPROVED

    @property
    def is_complete(self) -> bool:
        return not self.missing_files


def _attachment_path(instance: "Lampiran", filename: str) -> str:
    # A random name under a private folder: the phone's file name never becomes a path or a URL.
    return f"lapangan/{instance.kiriman.uuid}/{uuid.uuid4().hex}"


class Lampiran(models.Model):
    """A photo or recording of a submission, stored under MEDIA_ROOT and served only through a scoped view."""

    kiriman = models.ForeignKey(Kiriman, on_delete=models.CASCADE, related_name="lampiran")
    name = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=_attachment_path)

    class Meta:
        verbose_name = _("lampiran")
        verbose_name_plural = _("lampiran")
        constraints = [models.UniqueConstraint(fields=["kiriman", "name"], name="lapangan_lampiran_name")]

    def __str__(self) -> str:
        return self.name

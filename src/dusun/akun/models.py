"""Users and the roles that tie them to an area of the hierarchy."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level


class User(AbstractUser):
    """Django's user, kept as our own model from day one so fields can be added without a migration dance."""

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator desa")
    KECAMATAN = "kecamatan", _("Staf kecamatan")
    KABUPATEN = "kabupaten", _("Admin kabupaten")


# Each role is held over an area of exactly one level.
ROLE_LEVEL = {Role.OPERATOR: Level.DESA, Role.KECAMATAN: Level.KECAMATAN, Role.KABUPATEN: Level.KABUPATEN}


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("pengguna"))
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("wilayah")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("peran pengguna")
        verbose_name_plural = _("peran pengguna")
        constraints = [models.UniqueConstraint(fields=["user", "role", "wilayah"], name="akun_role_unique")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.wilayah}"

    def clean(self) -> None:
        expected = ROLE_LEVEL[Role(self.role)]
        if self.wilayah_id and self.wilayah.level != expected:
            raise ValidationError(
                {
                    "wilayah": _("Peran %(role)s harus diberikan pada wilayah tingkat %(level)s.")
                    % {"role": self.get_role_display(), "level": expected.label}
                }
            )


class AccessLog(models.Model):
    """One read or export of personal data (UU 27/2022: accountability for processing).

    Rows are append-only: the model refuses updates and deletes, so the log cannot be edited through
    the application. It records *which* records were touched by an opaque reference (a UUID or a
    count), never the NIK, KK number or name itself, so the log is not a second copy of the data.
    """

    class Action(models.TextChoices):
        LIST = "daftar", _("Melihat daftar")
        VIEW = "lihat", _("Melihat rincian")
        SEARCH = "cari", _("Mencari")
        EXPORT = "ekspor", _("Mengekspor")
        IMPORT = "impor", _("Mengimpor")
        EDIT = "ubah", _("Mengubah")

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="access_logs", verbose_name=_("pengguna")
    )
    # Kept beside the foreign key so the trail survives the account being deleted.
    username = models.CharField(_("nama pengguna"), max_length=150)
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    wilayah = models.ForeignKey(
        "wilayah.Wilayah", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("wilayah")
    )
    object_type = models.CharField(_("jenis data"), max_length=40)
    object_ref = models.CharField(_("rujukan data"), max_length=64, blank=True)
    record_count = models.PositiveIntegerField(_("jumlah catatan"), default=0)
    reason = models.TextField(_("alasan"), blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("log akses data pribadi")
        verbose_name_plural = _("log akses data pribadi")
        ordering = ["-at"]
        indexes = [models.Index(fields=["wilayah", "at"], name="akun_accesslog_wilayah_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("AccessLog bersifat tambah-saja; baris yang ada tidak boleh diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("AccessLog bersifat tambah-saja; baris tidak boleh dihapus.")


class ApiToken(models.Model):
    """A personal key for the REST API (/api/v1/), acting with its owner's roles and area scope.

    Only a SHA-256 hash of the key is stored: the key itself is shown once, when it is created, and cannot
    be read back (a database leak does not leak usable keys). Keys are 256 random bits, so an unsalted
    hash is enough and lets a request find its token by an indexed lookup. `prefix` (the first characters)
    lets the owner tell their keys apart without revealing them.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("pengguna"))
    name = models.CharField(_("nama"), max_length=80, help_text=_("Untuk apa kunci ini, mis. dasbor Bappeda."))
    prefix = models.CharField(_("awalan"), max_length=12)
    key_hash = models.CharField(_("hash kunci"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

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

"""The administrative hierarchy, one table for every level (as DHIS2 keeps its organisation units).

Kemendagri codes are hierarchical and dotted (15 → 15.08 → 15.08.14 → 15.08.14.2009), so "everything
inside an area" is a prefix match on `kode`, served by an index. Sub-units below the village (kampung,
RT) have no Kemendagri code; they get the village code plus a local segment (15.08.14.2009.RT01) so the
same rule holds. BPS codes are a different system (Bungo is 15.08 for Kemendagri but 1509 for BPS) and
are kept only as a crosswalk.
"""

import re

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINSI = 1, _("Provinsi")
    KABUPATEN = 2, _("Kabupaten/Kota")
    KECAMATAN = 3, _("Kecamatan")
    DESA = 4, _("Desa/Kelurahan")
    SUBUNIT = 5, _("Sub-wilayah (kampung/RT)")


class Jenis(models.TextChoices):
    """What kind of area within its level (only villages and sub-units have more than one kind)."""

    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa")  # shown with the configured village word, "Dusun" in Bungo
    KELURAHAN = "kelurahan", _("Kelurahan")
    KAMPUNG = "kampung", _("Kampung")
    RW = "rw", _("RW")
    RT = "rt", _("RT")


# How many dotted segments a Kemendagri code has at each level, and the digits in the last segment.
KODE_PATTERNS = {
    Level.PROVINSI: re.compile(r"^\d{2}$"),
    Level.KABUPATEN: re.compile(r"^\d{2}\.\d{2}$"),
    Level.KECAMATAN: re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    Level.DESA: re.compile(r"^\d{2}\.\d{2}\.\d{2}\.[12]\d{3}$"),
    Level.SUBUNIT: re.compile(r"^\d{2}\.\d{2}\.\d{2}\.[12]\d{3}(\.[A-Z0-9-]{1,12})+$"),
}
JENIS_BY_LEVEL = {
    Level.PROVINSI: {Jenis.PROVINSI},
    Level.KABUPATEN: {Jenis.KABUPATEN, Jenis.KOTA},
    Level.KECAMATAN: {Jenis.KECAMATAN},
    Level.DESA: {Jenis.DESA, Jenis.KELURAHAN},
    Level.SUBUNIT: {Jenis.KAMPUNG, Jenis.RW, Jenis.RT},
}


def level_of_kode(kode: str) -> Level | None:
    """The level a Kemendagri code belongs to, or None when it is not a valid code."""
    for level, pattern in KODE_PATTERNS.items():
        if pattern.match(kode):
            return level
    return None


def parent_kode(kode: str) -> str | None:
    return kode.rsplit(".", 1)[0] if "." in kode else None


class WilayahQuerySet(models.QuerySet):
    def villages(self):
        return self.filter(level=Level.DESA)

    def kecamatan(self):
        return self.filter(level=Level.KECAMATAN)

    def within(self, area: "Wilayah"):
        """The area and everything below it (prefix match on the hierarchical code)."""
        return self.filter(models.Q(pk=area.pk) | models.Q(kode__startswith=area.kode + "."))


class Wilayah(models.Model):
    # unique=True also gives the varchar_pattern_ops index Django adds on PostgreSQL, which serves the
    # prefix searches (kode LIKE '15.08.%') that scope and hierarchy queries use.
    kode = models.CharField(
        _("kode Kemendagri"),
        max_length=40,
        unique=True,
        help_text=_("Kode wilayah Kemendagri bertitik, mis. 15.08.14.2009."),
    )
    kode_bps = models.CharField(
        _("kode BPS"),
        max_length=16,
        null=True,
        blank=True,
        help_text=_("Kode wilayah kerja statistik BPS (sistem lain; Bungo = 1509 di BPS)."),
    )
    nama = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    jenis = models.CharField(_("jenis"), max_length=12, choices=Jenis.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("wilayah induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    geom = models.MultiPolygonField(_("batas wilayah"), srid=4326, null=True, blank=True)
    # Geodesic area on the WGS 84 ellipsoid, kept in step with `geom` by the services (never UTM).
    luas_ha = models.DecimalField(_("luas (ha)"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Where the boundary and code came from (shown on the page; the data's licence travels with it).
    sumber = models.CharField(_("sumber data"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = WilayahQuerySet.as_manager()

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["kode"]
        indexes = [
            models.Index(fields=["level", "parent"], name="wilayah_level_parent_idx"),
            models.Index(Upper("nama"), name="wilayah_nama_upper_idx"),
        ]
        constraints = [
            # Deferred so that a corrected file may swap two BPS codes inside one load.
            models.UniqueConstraint(
                fields=["kode_bps"], name="wilayah_kode_bps_unique", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(
                condition=models.Q(level=Level.PROVINSI) | models.Q(parent__isnull=False),
                name="wilayah_parent_required_below_provinsi",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.nama}"

    @property
    def label(self) -> str:
        """The word users say for this kind of area: "Dusun" (or "Desa") for villages."""
        if self.jenis == Jenis.DESA:
            return settings.DUSUN_VILLAGE_WORD
        return Jenis(self.jenis).label

    @property
    def kode_nodot(self) -> str:
        """The code without dots, as the Kemendesa IDM API writes it (1508142009)."""
        return self.kode.replace(".", "")

    def clean(self) -> None:
        expected = level_of_kode(self.kode)
        if expected is None or expected != self.level:
            raise ValidationError({"kode": _("Kode %(kode)s tidak sesuai format tingkat ini.") % {"kode": self.kode}})
        if self.jenis not in JENIS_BY_LEVEL[Level(self.level)]:
            raise ValidationError({"jenis": _("Jenis %(jenis)s tidak berlaku di tingkat ini.") % {"jenis": self.jenis}})
        if self.parent_id and self.parent.kode != parent_kode(self.kode):
            raise ValidationError({"parent": _("Kode induk tidak cocok dengan kode wilayah.")})


PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")
# Sixteen digits in a row (spaces and dots allowed between them) look like a NIK or KK number.
SIXTEEN_DIGITS_RE = re.compile(r"(?<!\d)(?:\d[ .]?){15}\d(?!\d)")


class ProfilDusun(models.Model):
    """The public profile of one village, kept by its operator: history, the Rio (village head: a public
    office holder, so the name is public), office address and contacts. Only public information lives here:
    nothing about residents, and no personal phone or e-mail (the form asks for the office's own)."""

    wilayah = models.OneToOneField(
        Wilayah,
        verbose_name=_("dusun"),
        on_delete=models.CASCADE,
        related_name="profil",
        limit_choices_to={"level": Level.DESA},
    )
    sejarah = models.TextField(
        _("sejarah"), max_length=10000, blank=True, help_text=_("Sejarah singkat dusun (teks biasa, paragraf).")
    )
    rio_nama = models.CharField(
        _("nama Rio (kepala dusun)"), max_length=120, blank=True, help_text=_("Pejabat publik; tampil di halaman.")
    )
    rio_mulai = models.PositiveSmallIntegerField(_("Rio menjabat sejak (tahun)"), null=True, blank=True)
    rio_selesai = models.PositiveSmallIntegerField(_("masa jabatan berakhir (tahun)"), null=True, blank=True)
    alamat_kantor = models.CharField(_("alamat kantor Rio"), max_length=300, blank=True)
    telepon = models.CharField(
        _("telepon kantor"), max_length=30, blank=True, help_text=_("Nomor kantor, bukan nomor pribadi.")
    )
    email = models.EmailField(_("surel kantor"), blank=True)
    situs_web = models.URLField(_("situs web"), blank=True, help_text=_("Alamat lengkap, mis. https://…"))
    diperbarui = models.DateTimeField(_("diperbarui"), auto_now=True)
    # Who saved last: for the admin's history only, never shown on the public page.
    diperbarui_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diperbarui oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("profil dusun")
        verbose_name_plural = _("profil dusun")

    def __str__(self) -> str:
        return _("Profil %(wilayah)s") % {"wilayah": self.wilayah}

    @property
    def periode(self) -> str:
        if self.rio_mulai and self.rio_selesai:
            return f"{self.rio_mulai}–{self.rio_selesai}"
        if self.rio_mulai:
            return _("sejak %(tahun)s") % {"tahun": self.rio_mulai}
        return ""

    @property
    def has_contacts(self) -> bool:
        return bool(self.alamat_kantor or self.telepon or self.email or self.situs_web)

    def clean(self) -> None:
        errors = {}
        if self.wilayah_id and self.wilayah.level != Level.DESA:
            errors["wilayah"] = _("Profil hanya untuk dusun/kelurahan; %(wilayah)s bukan dusun.") % {
                "wilayah": self.wilayah
            }
        for name in ("rio_mulai", "rio_selesai"):
            year = getattr(self, name)
            if year is not None and not 1900 <= year <= 2100:
                errors[name] = _("Tahun %(tahun)s tidak masuk akal; tulis empat angka antara 1900 dan 2100.") % {
                    "tahun": year
                }
        if self.rio_selesai and not self.rio_mulai:
            errors["rio_mulai"] = _("Isi juga tahun mulai menjabat bila tahun berakhir diisi.")
        elif self.rio_mulai and self.rio_selesai and self.rio_selesai < self.rio_mulai:
            errors["rio_selesai"] = _(
                "Tahun berakhir (%(selesai)s) lebih awal dari tahun mulai (%(mulai)s); periksa kedua tahun."
            ) % {"selesai": self.rio_selesai, "mulai": self.rio_mulai}
        if (self.rio_mulai or self.rio_selesai) and not self.rio_nama.strip():
            errors["rio_nama"] = _("Isi nama Rio bila masa jabatannya diisi.")
        for name in ("sejarah", "rio_nama", "alamat_kantor"):
            if SIXTEEN_DIGITS_RE.search(getattr(self, name) or ""):
                errors[name] = _(
                    "Teks ini memuat angka 16 digit seperti NIK atau nomor KK. Data pribadi tidak boleh tampil di "
                    "halaman publik: hapus angka itu."
                )
        if self.telepon and not PHONE_RE.match(self.telepon.strip()):
            errors["telepon"] = _(
                "Nomor telepon %(nomor)s tidak valid: pakai angka, spasi, tanda hubung, boleh diawali +, "
                "mis. 0747 21234 atau +62 747 21234."
            ) % {"nomor": self.telepon[:30]}
        if self.situs_web and not self.situs_web.lower().startswith(("https://", "http://")):
            errors["situs_web"] = _("Alamat situs web harus diawali https:// atau http://.")
        if errors:
            raise ValidationError(errors)

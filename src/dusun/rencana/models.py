"""Development planning: problems and potentials, proposals (usulan kegiatan), the musrenbang workflow,
priorities, and the projects that accepted proposals become.

All writes go through `services.py`; the workflow is a state machine there (one function per transition,
each checking the actor's role over the village through `dusun.akun.scope`). See
docs/decisions/0008-musrenbang-workflow.md.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dusun.ekonomi.models import SpendingField
from dusun.wilayah.models import Level

year_validators = [MinValueValidator(2000), MaxValueValidator(2100)]


class IssueKind(models.TextChoices):
    MASALAH = "masalah", _("Masalah")
    POTENSI = "potensi", _("Potensi")


class IssueCategory(models.TextChoices):
    INFRASTRUKTUR = "infrastruktur", _("Jalan dan infrastruktur")
    AIR_SANITASI = "air_sanitasi", _("Air bersih dan sanitasi")
    PENDIDIKAN = "pendidikan", _("Pendidikan")
    KESEHATAN = "kesehatan", _("Kesehatan")
    EKONOMI = "ekonomi", _("Ekonomi dan usaha")
    PERTANIAN = "pertanian", _("Pertanian dan perkebunan")
    LINGKUNGAN = "lingkungan", _("Lingkungan dan hutan")
    ENERGI = "energi", _("Listrik dan energi")
    SOSIAL = "sosial", _("Sosial dan kelembagaan")
    BENCANA = "bencana", _("Bencana")
    LAINNYA = "lainnya", _("Lainnya")


class FundingSource(models.TextChoices):
    DANA_DESA = "dana_desa", _("Dana Desa")
    ADD = "add", _("Alokasi Dana Desa (ADD)")
    APBD_KABUPATEN = "apbd_kabupaten", _("APBD kabupaten")
    APBD_PROVINSI = "apbd_provinsi", _("APBD provinsi")
    INSENTIF_KARBON = "insentif_karbon", _("Insentif karbon")
    SWADAYA = "swadaya", _("Swadaya masyarakat")
    CSR = "csr", _("CSR perusahaan")


class Status(models.TextChoices):
    DRAFT = "draf", _("Draf")
    AGREED = "disepakati", _("Disepakati musyawarah dusun")
    FORWARDED = "diteruskan", _("Diteruskan kecamatan ke kabupaten")
    ACCEPTED = "diterima", _("Diterima kabupaten")
    REJECTED = "ditolak", _("Ditolak")
    CARRIED_OVER = "dilanjutkan", _("Dilanjutkan ke tahun berikutnya")


class Issue(models.Model):
    """A problem or a potential of a dusun, placed on the map, with evidence drawn from the data."""

    dusun = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.DESA},
        verbose_name=_("desa"),
    )
    kind = models.CharField(_("jenis"), max_length=8, choices=IssueKind.choices)
    category = models.CharField(_("kategori"), max_length=16, choices=IssueCategory.choices)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    geom = models.GeometryField(_("lokasi"), srid=4326)
    subunits = models.ManyToManyField(
        "wilayah.Wilayah", blank=True, related_name="+", verbose_name=_("kampung/RT terdampak")
    )
    # Evidence sources chosen by the operator; `evidence` holds the numbers computed from them on save.
    census_condition = models.CharField(_("bukti dari sensus"), max_length=24, blank=True)
    idm_items = models.JSONField(_("indikator IDM"), default=list, blank=True)
    road = models.ForeignKey(
        "ruang.LineFeature", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ruas")
    )
    evidence = models.JSONField(_("bukti dari data"), default=list, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("masalah/potensi")
        verbose_name_plural = _("masalah dan potensi")
        ordering = ["kind", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class Meeting(models.Model):
    """A dusun musyawarah (musdus): minutes and attendance, the act that agrees proposals."""

    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    year = models.PositiveSmallIntegerField(_("tahun rencana"), validators=year_validators)
    date = models.DateField(_("tanggal"))
    place = models.CharField(_("tempat"), max_length=200)
    minutes = models.TextField(_("notulen"))
    attendees_male = models.PositiveIntegerField(_("peserta laki-laki"))
    attendees_female = models.PositiveIntegerField(_("peserta perempuan"))
    # Names on the attendance list are shown to signed-in users only, never on public pages.
    attendance_list = models.TextField(_("daftar hadir"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("musyawarah dusun")
        verbose_name_plural = _("musyawarah dusun")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Musyawarah {self.date:%d-%m-%Y}"

    @property
    def attendees(self) -> int:
        return self.attendees_male + self.attendees_female


class Proposal(models.Model):
    """An usulan kegiatan. A version: editing one that has left draft creates the next version."""

    dusun = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.DESA},
        verbose_name=_("desa"),
    )
    year = models.PositiveSmallIntegerField(_("tahun pelaksanaan"), validators=year_validators)
    title = models.CharField(_("nama kegiatan"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    bidang = models.CharField(_("bidang"), max_length=2, choices=SpendingField.choices)
    sub_bidang = models.CharField(_("sub-bidang"), max_length=5)
    geom = models.GeometryField(_("lokasi"), srid=4326)
    buffer_m = models.PositiveIntegerField(_("jangkauan (m)"))
    volume = models.DecimalField(_("volume"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("satuan"), max_length=30)
    cost = models.DecimalField(_("perkiraan biaya (Rp)"), max_digits=15, decimal_places=0)
    funding = models.CharField(_("sumber dana"), max_length=16, choices=FundingSource.choices)
    urgency = models.PositiveSmallIntegerField(
        _("urgensi (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    issues = models.ManyToManyField(Issue, blank=True, related_name="proposals", verbose_name=_("menjawab"))
    idm_items = models.JSONField(_("indikator IDM yang dinaikkan"), default=list, blank=True)
    beneficiary_households = models.PositiveIntegerField(_("penerima manfaat (KK)"), default=0)
    beneficiary_persons = models.PositiveIntegerField(_("penerima manfaat (jiwa)"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("versi"), default=1)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("versi sebelumnya")
    )
    is_current = models.BooleanField(_("versi terkini"), default=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals", verbose_name=_("musyawarah")
    )
    priority_score = models.FloatField(_("skor prioritas"), null=True, blank=True)
    priority_reasons = models.JSONField(_("alasan skor"), default=list, blank=True)
    rank = models.PositiveIntegerField(_("peringkat dihitung"), null=True, blank=True)
    rank_override = models.PositiveIntegerField(_("peringkat musyawarah"), null=True, blank=True)
    override_reason = models.TextField(_("alasan perubahan peringkat"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("usulan kegiatan")
        verbose_name_plural = _("usulan kegiatan")
        ordering = ["year", "rank", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gt=0), name="rencana_proposal_cost_positive"),
            models.CheckConstraint(condition=Q(volume__gt=0), name="rencana_proposal_volume_positive"),
            models.CheckConstraint(condition=Q(version__gte=1), name="rencana_proposal_version_positive"),
        ]
        indexes = [models.Index(fields=["dusun", "year", "is_current"], name="rencana_proposal_dusun_year")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def effective_rank(self) -> int | None:
        return self.rank_override or self.rank

    @property
    def sub_bidang_label(self) -> str:
        from .classification import sub_bidang_name

        return sub_bidang_name(self.sub_bidang)


class ProposalEvent(models.Model):
    """One step of a proposal's history: who moved it, when, from what to what, and why. Append-only."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("tindakan"), max_length=16)
    from_status = models.CharField(_("dari status"), max_length=12, blank=True)
    to_status = models.CharField(_("ke status"), max_length=12, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(_("pengguna"), max_length=150)
    role = models.CharField(_("peran"), max_length=12, blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat usulan")
        verbose_name_plural = _("riwayat usulan")
        ordering = ["at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Riwayat usulan bersifat tambah-saja.")
        super().save(*args, **kwargs)


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(_("pengguna"), max_length=150)
    level = models.CharField(_("tingkat"), max_length=12)
    text = models.TextField(_("komentar"))
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("komentar usulan")
        verbose_name_plural = _("komentar usulan")
        ordering = ["at", "pk"]


class PriorityWeights(models.Model):
    """The kabupaten's weights for the priority score (percent points; they need not sum to 100)."""

    kabupaten = models.OneToOneField(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.KABUPATEN},
        verbose_name=_("kabupaten"),
    )
    beneficiaries = models.PositiveSmallIntegerField(_("bobot penerima manfaat"), default=30)
    idm_gain = models.PositiveSmallIntegerField(_("bobot kenaikan IDM"), default=25)
    urgency = models.PositiveSmallIntegerField(_("bobot urgensi"), default=20)
    cost_efficiency = models.PositiveSmallIntegerField(_("bobot biaya per penerima"), default=15)
    equity = models.PositiveSmallIntegerField(_("bobot pemerataan wilayah"), default=10)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("bobot prioritas")
        verbose_name_plural = _("bobot prioritas")

    def __str__(self) -> str:
        return str(_("Bobot prioritas"))

    def as_dict(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in WEIGHT_FIELDS}


WEIGHT_FIELDS = ("beneficiaries", "idm_gain", "urgency", "cost_efficiency", "equity")


class BudgetCeiling(models.Model):
    """Pagu indikatif: what the kabupaten can fund from proposals in a year."""

    kabupaten = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.KABUPATEN},
        verbose_name=_("kabupaten"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"), validators=year_validators)
    amount = models.DecimalField(_("pagu (Rp)"), max_digits=16, decimal_places=0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("pagu anggaran")
        verbose_name_plural = _("pagu anggaran")
        constraints = [models.UniqueConstraint(fields=["kabupaten", "year"], name="rencana_ceiling_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount}"


class Project(models.Model):
    """An accepted proposal being carried out."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="project")
    budget = models.DecimalField(_("anggaran (Rp)"), max_digits=15, decimal_places=0)
    start_date = models.DateField(_("mulai"))
    end_date = models.DateField(_("target selesai"))
    realised = models.DecimalField(_("realisasi (Rp)"), max_digits=15, decimal_places=0, default=0)
    progress_pct = models.PositiveSmallIntegerField(_("kemajuan fisik (%)"), default=0)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("kegiatan berjalan")
        verbose_name_plural = _("kegiatan berjalan")
        ordering = ["end_date"]

    def is_delayed(self, today=None) -> bool:
        """Late: past the end date and unfinished, or more than 20 points behind a straight-line schedule."""
        today = today or timezone.localdate()
        if self.progress_pct >= 100:
            return False
        if today > self.end_date:
            return True
        span = (self.end_date - self.start_date).days or 1
        expected = max(0, min(100, (today - self.start_date).days * 100 / span))
        return expected - self.progress_pct > 20

    @property
    def state(self) -> str:
        """For the map: selesai, terlambat or berjalan."""
        if self.progress_pct >= 100:
            return "selesai"
        return "terlambat" if self.is_delayed() else "berjalan"


class OpdMapping(models.Model):
    """Which perangkat daerah (OPD) of the kabupaten takes up proposals of a sub-bidang.

    Loaded from `data/rencana/opd.csv` (an assumption, see SOURCES.md there) by `load_opd`; Bappeda corrects
    rows in admin, which marks them `edited` so a reload never overwrites a correction."""

    sub_bidang = models.CharField(_("sub-bidang"), max_length=5, unique=True)
    opd_code = models.SlugField(_("kode OPD"), max_length=20, allow_unicode=False)
    opd_name = models.CharField(_("perangkat daerah (OPD)"), max_length=200)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    edited = models.BooleanField(
        _("diubah Bappeda"), default=False, help_text=_("Baris yang diubah di sini tidak ditimpa saat dimuat ulang.")
    )

    class Meta:
        verbose_name = _("pemetaan sub-bidang ke OPD")
        verbose_name_plural = _("pemetaan sub-bidang ke OPD")
        ordering = ["sub_bidang"]

    def __str__(self) -> str:
        return f"{self.sub_bidang} → {self.opd_name}"


class ProjectUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("tanggal"))
    progress_pct = models.PositiveSmallIntegerField(_("kemajuan fisik (%)"), validators=[MaxValueValidator(100)])
    realised = models.DecimalField(_("realisasi kumulatif (Rp)"), max_digits=15, decimal_places=0)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    photo = models.ImageField(_("foto"), upload_to="rencana/foto/%Y/", blank=True)
    photo_location = models.PointField(_("lokasi foto"), srid=4326, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("laporan kemajuan")
        verbose_name_plural = _("laporan kemajuan")
        ordering = ["date", "pk"]

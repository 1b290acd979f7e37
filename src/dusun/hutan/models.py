"""Forest and community carbon: land-cover change between two snapshots, carbon factor tables, and the
community carbon ledger (payments, allocations, beneficiaries).

The change matrix is precomputed per snapshot pair and village (`ChangeRun` → `ChangeVillage` →
`ChangeCell`) and is valid for one version of the land-cover layer (`ChangeRun.data_version`, from
ruang's trigger-kept `LayerVersion`); when the layer moves, the stored cells are dropped and recomputed.
A cell with a null class is the "tidak terpetakan" (unmapped) row or column, which makes rows sum to the
from-snapshot class areas and columns to the to-snapshot class areas exactly (see decision 0012).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level

# ---------------------------------------------------------------------------------------------------------
# Change matrix cache
# ---------------------------------------------------------------------------------------------------------


class ChangeRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang dihitung")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    from_snapshot = models.ForeignKey(
        "ruang.LandCoverSnapshot", on_delete=models.CASCADE, related_name="+", verbose_name=_("potret awal")
    )
    to_snapshot = models.ForeignKey(
        "ruang.LandCoverSnapshot", on_delete=models.CASCADE, related_name="+", verbose_name=_("potret akhir")
    )
    data_version = models.CharField(_("versi data tutupan lahan"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    message = models.TextField(_("pesan"), blank=True)
    seconds = models.FloatField(_("lama hitung (detik)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("perhitungan perubahan tutupan")
        verbose_name_plural = _("perhitungan perubahan tutupan")
        constraints = [models.UniqueConstraint(fields=["from_snapshot", "to_snapshot"], name="hutan_changerun_pair")]

    def __str__(self) -> str:
        return f"{self.from_snapshot_id} → {self.to_snapshot_id} ({self.status})"


class ChangeVillage(models.Model):
    """One village's matrix is stored (its cells are complete for the run's data version)."""

    run = models.ForeignKey(ChangeRun, on_delete=models.CASCADE, related_name="villages")
    dusun = models.ForeignKey(
        "wilayah.Wilayah", on_delete=models.CASCADE, related_name="+", limit_choices_to={"level": Level.DESA}
    )
    from_polygons = models.PositiveIntegerField(default=0)
    to_polygons = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "dusun"], name="hutan_changevillage_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.dusun_id}"


class ChangeCell(models.Model):
    """Hectares that were `from_class` in the first snapshot and `to_class` in the second, in one village.
    A null class is the unmapped remainder (area of a polygon not covered by the other snapshot)."""

    village = models.ForeignKey(ChangeVillage, on_delete=models.CASCADE, related_name="cells")
    from_class = models.ForeignKey("ruang.LegendClass", on_delete=models.CASCADE, null=True, related_name="+")
    to_class = models.ForeignKey("ruang.LegendClass", on_delete=models.CASCADE, null=True, related_name="+")
    area_ha = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["village"], name="hutan_changecell_village")]

    # ---------------------------------------------------------------------------------------------------------
    # Carbon factor tables
    # ---------------------------------------------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.from_class_id} → {self.to_class_id}: {self.area_ha:.4f} ha"


class FactorTable(models.Model):
    """A set of carbon stock factors (tC/ha) for the classes of one legend. `version` moves with every
    edit; `FactorEdit` keeps who changed which factor from what to what."""

    legend = models.ForeignKey("ruang.Legend", on_delete=models.PROTECT, related_name="+", verbose_name=_("legenda"))
    name = models.CharField(_("nama"), max_length=120, unique=True)
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    is_default = models.BooleanField(_("tabel bawaan"), default=False)
    version = models.PositiveIntegerField(_("versi"), default=1)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("tabel faktor karbon")
        verbose_name_plural = _("tabel faktor karbon")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Factor(models.Model):
    table = models.ForeignKey(FactorTable, on_delete=models.CASCADE, related_name="factors")
    klass = models.ForeignKey("ruang.LegendClass", on_delete=models.PROTECT, related_name="+", verbose_name=_("kelas"))
    tc_ha = models.DecimalField(
        _("stok karbon (tC/ha)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["klass__sort_order", "klass__code"]
        constraints = [models.UniqueConstraint(fields=["table", "klass"], name="hutan_factor_unique")]

    def __str__(self) -> str:
        return f"{self.klass_id}: {self.tc_ha} tC/ha"


class FactorEdit(models.Model):
    table = models.ForeignKey(FactorTable, on_delete=models.CASCADE, related_name="edits")
    klass = models.ForeignKey("ruang.LegendClass", on_delete=models.PROTECT, related_name="+")
    old_tc_ha = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    new_tc_ha = models.DecimalField(max_digits=8, decimal_places=2)
    version = models.PositiveIntegerField()
    note = models.CharField(_("alasan"), max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    # ---------------------------------------------------------------------------------------------------------
    # Community carbon ledger
    # ---------------------------------------------------------------------------------------------------------

    def __str__(self) -> str:
        return f"v{self.version} {self.klass_id}: {self.old_tc_ha} → {self.new_tc_ha}"


class Scheme(models.Model):
    """A community carbon / payment-for-ecosystem-services scheme, e.g. Bujang Raba (Plan Vivo)."""

    slug = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    standard = models.CharField(_("standar"), max_length=120, blank=True)
    facilitator = models.CharField(_("pendamping"), max_length=200, blank=True)
    source_url = models.URLField(_("sumber"), max_length=400, blank=True)
    villages = models.ManyToManyField("wilayah.Wilayah", related_name="+", verbose_name=_("dusun peserta"))
    is_demo = models.BooleanField(_("data demo"), default=False)

    class Meta:
        verbose_name = _("skema karbon")
        verbose_name_plural = _("skema karbon")

    def __str__(self) -> str:
        return self.name


class Provenance(models.TextChoices):
    SOURCED = "sourced", _("Bersumber (dari publikasi)")
    DEMO = "demo", _("Demo (angka rekaan)")
    ENTERED = "entered", _("Dicatat pengelola")


class LedgerEntry(models.Model):
    """Who entered a ledger row and when (seeded rows: no user). Later corrections are `LedgerEdit` rows."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("dicatat oleh"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    class Meta:
        abstract = True


class Payment(LedgerEntry):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="payments")
    year = models.PositiveSmallIntegerField(_("tahun"))
    buyer = models.CharField(_("pembeli/pemberi dana"), max_length=200)
    amount_rp = models.BigIntegerField(_("jumlah (Rp)"), validators=[MinValueValidator(1)])
    credits_tco2e = models.DecimalField(
        _("kredit terverifikasi (tCO₂e)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    provenance = models.CharField(_("asal angka"), max_length=10, choices=Provenance.choices)
    source_url = models.URLField(_("sumber"), max_length=400, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)

    class Meta:
        verbose_name = _("penerimaan dana karbon")
        verbose_name_plural = _("penerimaan dana karbon")
        ordering = ["year", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_rp__gt=0), name="hutan_payment_positive")]

    def __str__(self) -> str:
        return f"{self.year} {self.buyer}: Rp {self.amount_rp:,}"


class Purpose(models.TextChoices):
    PATROLI = "patroli", _("Patroli hutan")
    SOSIAL = "sosial", _("Bantuan sosial per KK")
    PEMBANGUNAN = "pembangunan", _("Pembangunan dusun")
    PENGELOLAAN = "pengelolaan", _("Pengelolaan")


class Allocation(LedgerEntry):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    dusun = models.ForeignKey(
        "wilayah.Wilayah", on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": Level.DESA}
    )
    purpose = models.CharField(_("peruntukan"), max_length=20, choices=Purpose.choices)
    amount_rp = models.BigIntegerField(_("jumlah (Rp)"), validators=[MinValueValidator(1)])
    households = models.PositiveIntegerField(_("jumlah KK penerima (dilaporkan)"), null=True, blank=True)
    provenance = models.CharField(_("asal angka"), max_length=10, choices=Provenance.choices)
    source_url = models.URLField(_("sumber"), max_length=400, blank=True)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)

    class Meta:
        verbose_name = _("alokasi dana karbon")
        verbose_name_plural = _("alokasi dana karbon")
        ordering = ["payment__year", "dusun__kode", "purpose"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_rp__gt=0), name="hutan_allocation_positive")]

    def __str__(self) -> str:
        return f"{self.dusun_id} {self.purpose}: Rp {self.amount_rp:,}"


class Beneficiary(LedgerEntry):
    """A census household that received part of an allocation (personal data: only counted in public)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="beneficiaries")
    household = models.ForeignKey("warga.Household", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["allocation", "household"], name="hutan_beneficiary_unique")]

    def __str__(self) -> str:
        return f"{self.allocation_id}: {self.household_id}"


class Spending(LedgerEntry):
    """How a village used part of its allocation, recorded by the village's operator (public: sums only)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="spendings")
    spent_on = models.DateField(_("tanggal"))
    description = models.CharField(_("uraian penggunaan"), max_length=300)
    amount_rp = models.BigIntegerField(_("jumlah (Rp)"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("penggunaan dana karbon")
        verbose_name_plural = _("penggunaan dana karbon")
        ordering = ["spent_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_rp__gt=0), name="hutan_spending_positive")]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.description}: Rp {self.amount_rp:,}"


class LedgerEdit(models.Model):
    """Append-only history of ledger entries: every entry, correction and removed household link, with who
    and when. Values are amounts or opaque references (a household's UUID), never a name or KK number."""

    class Kind(models.TextChoices):
        PAYMENT = "penerimaan", _("Penerimaan")
        ALLOCATION = "alokasi", _("Alokasi")
        SPENDING = "penggunaan", _("Penggunaan")
        BENEFICIARY = "penerima", _("KK penerima")

    class Action(models.TextChoices):
        CREATE = "catat", _("Dicatat")
        CORRECT = "koreksi", _("Dikoreksi")
        REMOVE = "hapus", _("Dihapus")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="edits")
    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    action = models.CharField(_("tindakan"), max_length=8, choices=Action.choices)
    object_id = models.PositiveBigIntegerField(_("nomor catatan"))
    old_value = models.CharField(_("nilai lama"), max_length=120, blank=True)
    new_value = models.CharField(_("nilai baru"), max_length=120, blank=True)
    note = models.CharField(_("alasan"), max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat buku kas dana karbon")
        verbose_name_plural = _("riwayat buku kas dana karbon")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} #{self.object_id} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Riwayat buku kas bersifat tambah-saja.")
        super().save(*args, **kwargs)


class AlertThreshold(models.Model):
    """One version of the natural-forest loss alert thresholds; the newest row applies, older rows are the
    history. Without any row the settings DUSUN_HUTAN_ALERT_LOSS_PCT / _MIN_HA apply."""

    loss_pct = models.DecimalField(
        _("ambang kehilangan (% hutan alam awal)"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    min_ha = models.DecimalField(
        _("ambang kehilangan minimal (ha)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("alasan"), max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("ambang peringatan hutan")
        verbose_name_plural = _("ambang peringatan hutan")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(loss_pct__gte=0, loss_pct__lte=100, min_ha__gte=0), name="hutan_threshold_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.loss_pct}% / {self.min_ha} ha"

"""The economy of a dusun: commodities, enterprises, markets and the village budget (APBDes).

Two kinds of data live here. `HouseholdCommodity` belongs to a household and so is personal data: it is
read only through `dusun.warga.selectors` (the household's scope) and reaches the public as suppressed
aggregates. Everything else describes the village as a whole (what the dusun reports it produces, its
BUMDes and markets, its budget) and is public by nature — village finance transparency is a legal duty
(UU 6/2014 on villages, art. 24 and 82).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level

year_validators = [MinValueValidator(2000), MaxValueValidator(2100)]


class CommodityGroup(models.TextChoices):
    PERKEBUNAN = "perkebunan", _("Perkebunan")
    PANGAN = "pangan", _("Tanaman pangan")
    HORTIKULTURA = "hortikultura", _("Hortikultura")
    PERIKANAN = "perikanan", _("Perikanan")
    PETERNAKAN = "peternakan", _("Peternakan")
    HASIL_HUTAN = "hasil_hutan", _("Hasil hutan bukan kayu")


class Commodity(models.Model):
    """A product a village grows, raises or gathers (reference data, loaded by a migration)."""

    code = models.SlugField(_("kode"), max_length=24, unique=True)
    name = models.CharField(_("nama"), max_length=80)
    group = models.CharField(_("kelompok"), max_length=16, choices=CommodityGroup.choices)
    # The unit production is recorded in; kg for everything that is weighed (rubber as slab/lump, oil palm
    # as fresh fruit bunches, coffee as dry beans, rice as unhusked grain).
    unit_note = models.CharField(_("keterangan satuan"), max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("komoditas")
        verbose_name_plural = _("komoditas")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class HouseholdCommodity(models.Model):
    """What one household produced of one commodity in one year (Prodeskel DDK production items)."""

    household = models.ForeignKey("warga.Household", on_delete=models.CASCADE, related_name="commodities")
    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=year_validators)
    area_ha = models.DecimalField(
        _("luas (ha)"), max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    production_kg = models.DecimalField(
        _("produksi (kg)"), max_digits=12, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    price_per_kg = models.DecimalField(
        _("harga jual (Rp/kg)"),
        max_digits=10,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    is_demo = models.BooleanField(_("data demo"), default=False)

    class Meta:
        verbose_name = _("komoditas rumah tangga")
        verbose_name_plural = _("komoditas rumah tangga")
        constraints = [
            models.UniqueConstraint(fields=["household", "commodity", "year"], name="ekonomi_hhcommodity_unique")
        ]
        indexes = [models.Index(fields=["year", "commodity"], name="ekonomi_hhcommodity_year")]

    def __str__(self) -> str:
        return f"{self.commodity} {self.year}"


class DusunCommodity(models.Model):
    """What the dusun reports for a commodity in a year (Prodeskel potensi), or derived from households."""

    class Source(models.TextChoices):
        REPORTED = "laporan", _("Dilaporkan desa")
        DERIVED = "dihitung", _("Dihitung dari data rumah tangga")

    dusun = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.DESA},
        verbose_name=_("desa"),
    )
    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, related_name="+", verbose_name=_("komoditas"))
    year = models.PositiveSmallIntegerField(_("tahun"), validators=year_validators)
    area_ha = models.DecimalField(
        _("luas (ha)"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    production_kg = models.DecimalField(
        _("produksi (kg)"), max_digits=14, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    price_per_kg = models.DecimalField(
        _("harga rata-rata (Rp/kg)"),
        max_digits=10,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    households = models.PositiveIntegerField(_("jumlah rumah tangga penghasil"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=10, choices=Source.choices, default=Source.REPORTED)
    is_demo = models.BooleanField(_("data demo"), default=False)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("komoditas desa")
        verbose_name_plural = _("komoditas desa")
        ordering = ["-year", "commodity__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["dusun", "commodity", "year"], name="ekonomi_dusuncommodity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.commodity} {self.year}"


class EnterpriseKind(models.TextChoices):
    BUMDES = "bumdes", _("BUMDes")
    KOPERASI = "koperasi", _("Koperasi")
    UMKM = "umkm", _("UMKM")
    KELOMPOK = "kelompok", _("Kelompok usaha bersama")


class Sector(models.TextChoices):
    PERTANIAN = "pertanian", _("Pertanian/perkebunan")
    PERIKANAN = "perikanan", _("Perikanan")
    PENGOLAHAN = "pengolahan", _("Pengolahan hasil (industri kecil)")
    PERDAGANGAN = "perdagangan", _("Perdagangan/toko")
    JASA = "jasa", _("Jasa")
    SIMPAN_PINJAM = "simpan_pinjam", _("Simpan pinjam")
    AIR_LISTRIK = "air_listrik", _("Air bersih/listrik desa")
    WISATA = "wisata", _("Wisata")
    LAINNYA = "lainnya", _("Lainnya")


class Enterprise(models.Model):
    """A business in the dusun. IDM IKE items count micro industries per household and active
    cooperatives/BUMDes. The owner link is private: a UMKM is often one family."""

    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    name = models.CharField(_("nama usaha"), max_length=150)
    kind = models.CharField(_("bentuk"), max_length=10, choices=EnterpriseKind.choices)
    sector = models.CharField(_("sektor"), max_length=14, choices=Sector.choices)
    year_established = models.PositiveSmallIntegerField(
        _("tahun berdiri"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    turnover_per_year = models.DecimalField(
        _("omzet per tahun (Rp)"),
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    workers = models.PositiveIntegerField(_("tenaga kerja"), null=True, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    owner_household = models.ForeignKey(
        "warga.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="enterprises"
    )
    is_demo = models.BooleanField(_("data demo"), default=False)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("usaha")
        verbose_name_plural = _("usaha")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class MarketKind(models.TextChoices):
    PERMANEN = "permanen", _("Pasar permanen")
    SEMI = "semi", _("Pasar semi-permanen")
    KALANGAN = "kalangan", _("Pasar kalangan (mingguan)")
    LELANG_KARET = "lelang_karet", _("Pasar lelang karet")


class Market(models.Model):
    """A market in or serving the dusun (IDM IKE 3 counts permanent markets per household)."""

    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    name = models.CharField(_("nama pasar"), max_length=150)
    kind = models.CharField(_("jenis"), max_length=14, choices=MarketKind.choices)
    market_day = models.CharField(_("hari pasar"), max_length=40, blank=True)
    facility = models.ForeignKey(
        "ruang.Facility", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lokasi")
    )
    is_demo = models.BooleanField(_("data demo"), default=False)

    class Meta:
        verbose_name = _("pasar")
        verbose_name_plural = _("pasar")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IncomeSource(models.TextChoices):
    """Pendapatan desa (Permendagri 20/2018), plus carbon incentives received by the village."""

    PADES = "pades", _("Pendapatan asli desa (PADes)")
    DANA_DESA = "dana_desa", _("Dana Desa")
    BAGI_HASIL = "bagi_hasil", _("Bagi hasil pajak dan retribusi daerah")
    ADD = "add", _("Alokasi Dana Desa (ADD)")
    BANTUAN_PROVINSI = "bantuan_provinsi", _("Bantuan keuangan provinsi")
    BANTUAN_KABUPATEN = "bantuan_kabupaten", _("Bantuan keuangan kabupaten")
    INSENTIF_KARBON = "insentif_karbon", _("Insentif karbon/jasa lingkungan")
    LAIN = "lain", _("Pendapatan lain yang sah")


class SpendingField(models.TextChoices):
    """Belanja desa by bidang (Permendagri 20/2018)."""

    PEMERINTAHAN = "1", _("Penyelenggaraan pemerintahan desa")
    PEMBANGUNAN = "2", _("Pelaksanaan pembangunan desa")
    PEMBINAAN = "3", _("Pembinaan kemasyarakatan")
    PEMBERDAYAAN = "4", _("Pemberdayaan masyarakat")
    DARURAT = "5", _("Penanggulangan bencana, darurat dan mendesak")


class Budget(models.Model):
    """The APBDes of one dusun for one year."""

    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    year = models.PositiveSmallIntegerField(_("tahun anggaran"), validators=year_validators)
    regulation = models.CharField(_("Perdes APBDes"), max_length=120, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("APBDes")
        verbose_name_plural = _("APBDes")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["dusun", "year"], name="ekonomi_budget_unique")]

    def __str__(self) -> str:
        return f"APBDes {self.year}"


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        INCOME = "pendapatan", _("Pendapatan")
        SPENDING = "belanja", _("Belanja")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    # An IncomeSource code for income, a SpendingField code for spending.
    code = models.CharField(_("kode"), max_length=20)
    planned = models.DecimalField(
        _("anggaran (Rp)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)]
    )
    realised = models.DecimalField(
        _("realisasi (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("baris APBDes")
        verbose_name_plural = _("baris APBDes")
        constraints = [models.UniqueConstraint(fields=["budget", "kind", "code"], name="ekonomi_budgetline_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    @property
    def label(self) -> str:
        choices = IncomeSource if self.kind == self.Kind.INCOME else SpendingField
        return str(dict(choices.choices).get(self.code, self.code))

    @property
    def realisation_pct(self) -> float | None:
        if self.realised is None or not self.planned:
            return None
        return float(self.realised) / float(self.planned) * 100

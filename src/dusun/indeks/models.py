"""Village development indices: their definitions (as data) and every result, computed or official.

A definition (IDM 2016 today, Indeks Desa 2024 later) is loaded from a JSON file shipped in
`src/dusun/data/idm/`; nothing about items, bands or thresholds is written in code. The engine
(`engine.py`) only knows aggregation methods by name.

Results are versioned, never overwritten: a new input or a new official file makes version n+1 and moves
the `is_current` flag. Two series live side by side for each dusun and year: `hitung` (computed by
Dusun Online from item inputs, each with its provenance) and `resmi` (the Kemendesa "rumusan" as
published). The exact value of a computed result is carried by its integer component sums
(`components`); the decimal columns are that value rounded to 17 places, for sorting and display.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level


class Aggregation(models.TextChoices):
    # Components are flat sums over their items divided by their maximum; the index is their mean (IDM).
    MEAN_OF_COMPONENTS = "rerata-komponen", _("Rerata indeks komponen (jumlah datar per komponen)")


class IndexDefinition(models.Model):
    code = models.SlugField(_("kode definisi"), max_length=40, unique=True)
    abbreviation = models.CharField(_("singkatan"), max_length=20)
    name = models.CharField(_("nama"), max_length=200)
    version_label = models.CharField(_("versi"), max_length=200, blank=True)
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    first_year = models.PositiveSmallIntegerField(_("berlaku mulai tahun"))
    last_year = models.PositiveSmallIntegerField(_("berlaku sampai tahun"), null=True, blank=True)
    aggregation = models.CharField(_("cara agregasi"), max_length=40, choices=Aggregation.choices)
    min_score = models.PositiveSmallIntegerField(_("skor terendah"))
    max_score = models.PositiveSmallIntegerField(_("skor tertinggi"))
    # SHA-256 of the definition file as loaded: a second load of the same file changes nothing.
    digest = models.CharField(_("sidik berkas"), max_length=64)
    loaded_at = models.DateTimeField(_("dimuat"), auto_now=True)

    class Meta:
        verbose_name = _("definisi indeks")
        verbose_name_plural = _("definisi indeks")
        ordering = ["-first_year", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_score__gt=models.F("min_score")), name="indeks_def_range")
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation} — {self.version_label}"


class Component(models.Model):
    """A sub-index (IKS, IKE, IKL): its value is the flat sum of its item scores over `max_total`."""

    definition = models.ForeignKey(IndexDefinition, on_delete=models.CASCADE, related_name="components")
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama"), max_length=200)
    order = models.PositiveSmallIntegerField(_("urutan"))
    item_count = models.PositiveSmallIntegerField(_("jumlah indikator"))
    max_total = models.PositiveIntegerField(_("jumlah skor maksimum"))

    class Meta:
        verbose_name = _("komponen indeks")
        verbose_name_plural = _("komponen indeks")
        ordering = ["definition", "order"]
        constraints = [models.UniqueConstraint(fields=["definition", "code"], name="indeks_component_unique")]

    def __str__(self) -> str:
        return self.code


class Dimension(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("nama"), max_length=200)
    order = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("dimensi")
        verbose_name_plural = _("dimensi")
        ordering = ["component", "order"]

    def __str__(self) -> str:
        return self.name


class Variable(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(_("nama"), max_length=200)
    order = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        verbose_name = _("variabel")
        verbose_name_plural = _("variabel")
        ordering = ["dimension", "order"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One scored indicator, e.g. IKS.04 "Skor Nakes Lain"."""

    definition = models.ForeignKey(IndexDefinition, on_delete=models.CASCADE, related_name="items")
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="items")
    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kode"), max_length=20)
    number = models.PositiveSmallIntegerField(_("nomor dalam komponen"))
    order = models.PositiveSmallIntegerField(_("urutan"))
    official_label = models.CharField(_("label resmi"), max_length=200)
    name = models.CharField(_("indikator"), max_length=300)
    question = models.CharField(_("data yang ditanyakan"), max_length=300)
    # True when the bands below cover every case; otherwise the form also offers the other scores.
    bands_complete = models.BooleanField(_("pita skor lengkap"), default=False)
    # Responsible actors as Kemendesa lists them: pusat, prov, kab, desa, csr, lainnya.
    actors = models.JSONField(_("pelaksana"), default=dict, blank=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        ordering = ["definition", "order"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "code"], name="indeks_item_code_unique"),
            models.UniqueConstraint(fields=["definition", "order"], name="indeks_item_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.official_label}"


class ScoreBand(models.Model):
    """What a score means for an item, and the official recommended activity at that score."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="bands")
    score = models.PositiveSmallIntegerField(_("skor"))
    text = models.CharField(_("uraian"), max_length=400)
    # False for bands inferred by analogy (spec: ⚠ UNVERIFIED); the form says so next to them.
    verified = models.BooleanField(_("terverifikasi"), default=True)
    activity = models.CharField(_("kegiatan yang direkomendasikan"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("pita skor")
        verbose_name_plural = _("pita skor")
        ordering = ["item", "-score"]
        constraints = [models.UniqueConstraint(fields=["item", "score"], name="indeks_band_unique")]

    def __str__(self) -> str:
        return f"{self.item.code} = {self.score}"


class StatusBand(models.Model):
    """A status and its inclusive upper bound (null for the top status)."""

    definition = models.ForeignKey(IndexDefinition, on_delete=models.CASCADE, related_name="statuses")
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=80)
    order = models.PositiveSmallIntegerField(_("urutan"))
    upper_bound = models.DecimalField(_("batas atas (inklusif)"), max_digits=8, decimal_places=4, null=True)
    # "Skor minimal" Kemendesa reports for a village whose target is this status (lower bound + 0.0001).
    entry_score = models.DecimalField(_("skor minimal"), max_digits=8, decimal_places=4, null=True)
    colour = models.CharField(_("warna"), max_length=7)

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("status")
        ordering = ["definition", "order"]
        constraints = [models.UniqueConstraint(fields=["definition", "code"], name="indeks_status_unique")]

    def __str__(self) -> str:
        return self.name


class Series(models.TextChoices):
    COMPUTED = "hitung", _("Dihitung Dusun Online")
    OFFICIAL = "resmi", _("Resmi Kemendesa")


class Provenance(models.TextChoices):
    ENTERED = "diisi", _("Diisi")
    IMPORTED = "diimpor", _("Diimpor (resmi)")
    DERIVED = "turunan", _("Diturunkan dari data")


class Result(models.Model):
    definition = models.ForeignKey(IndexDefinition, on_delete=models.PROTECT, related_name="results")
    dusun = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.DESA},
        verbose_name=_("desa"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    series = models.CharField(_("seri"), max_length=10, choices=Series.choices)
    version = models.PositiveIntegerField(_("versi"))
    is_current = models.BooleanField(_("versi terkini"), default=True)
    is_complete = models.BooleanField(_("lengkap"), default=False)
    filled_count = models.PositiveSmallIntegerField(_("indikator terisi"), default=0)
    # {"IKS": {"sum": 126, "max": 175, "value": 0.72}, …}; sum/value are null while a component has gaps.
    components = models.JSONField(_("komponen"), default=dict)
    value = models.DecimalField(_("nilai indeks"), max_digits=20, decimal_places=17, null=True)
    status = models.CharField(_("status"), max_length=40, blank=True)
    target_status = models.CharField(_("target status"), max_length=40, blank=True)
    minimum_score = models.DecimalField(_("skor minimal"), max_digits=8, decimal_places=4, null=True)
    gap = models.DecimalField(_("penambahan"), max_digits=20, decimal_places=17, null=True)
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # Official series only: the numbers exactly as published, the payload, and consistency warnings.
    reported = models.JSONField(_("angka yang dilaporkan"), null=True, blank=True)
    payload = models.JSONField(_("berkas asli"), null=True, blank=True)
    payload_digest = models.CharField(_("sidik berkas"), max_length=64, blank=True)
    warnings = models.JSONField(_("peringatan"), default=list, blank=True)

    class Meta:
        verbose_name = _("hasil indeks")
        verbose_name_plural = _("hasil indeks")
        ordering = ["dusun", "year", "series", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "dusun", "year", "series", "version"], name="indeks_result_version_unique"
            ),
            models.UniqueConstraint(
                fields=["definition", "dusun", "year", "series"],
                condition=models.Q(is_current=True),
                name="indeks_result_one_current",
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="indeks_result_version_positive"),
            models.CheckConstraint(
                condition=models.Q(is_complete=False) | models.Q(value__isnull=False), name="indeks_result_complete"
            ),
        ]
        indexes = [
            models.Index(fields=["definition", "series", "year", "is_current"], name="indeks_result_year_idx"),
            models.Index(fields=["dusun", "series", "is_current"], name="indeks_result_dusun_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dusun_id} {self.year} {self.series} v{self.version}"


class ResultItem(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("skor"))
    provenance = models.CharField(_("asal"), max_length=10, choices=Provenance.choices)
    # Band text or official KETERANGAN (imported), evidence (derived) or the operator's note (entered).
    note = models.CharField(_("keterangan"), max_length=600, blank=True)
    # Official series: KEGIATAN exactly as published.
    activity = models.CharField(_("kegiatan"), max_length=600, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("waktu masukan"), null=True, blank=True)

    class Meta:
        verbose_name = _("skor indikator")
        verbose_name_plural = _("skor indikator")
        ordering = ["result", "item__order"]
        constraints = [models.UniqueConstraint(fields=["result", "item"], name="indeks_resultitem_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}={self.score}"

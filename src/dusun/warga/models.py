"""The census register of a dusun: households (KK), residents and the dated events that change them.

Shaped after Prodeskel DDK (family) and DAK (member) and what the IDM items read. Personal data (NIK,
KK number, names, birth dates, addresses, coordinates) lives only in `Household` and `Resident`; every
read of them goes through `selectors.py`, which applies the area scope (dusun.akun.scope) in one place.

Residents carry their village (`dusun`) as well as their household: the scope filter and the statistics
then never need a join, and the services keep the two equal. The register keeps history: a person who
dies or moves away stays, with the dated event and a status, instead of being deleted.

`StatCell` (exact aggregates, internal) and `PublicStatCell` (the published, suppressed version) are
derived tables rebuilt by `statistics.refresh`; they hold counts only.
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level

from . import choices as c

sixteen_digits = RegexValidator(r"^\d{16}$", _("Harus tepat 16 angka."))


def _choice_array(choices_class, label):
    return ArrayField(
        models.CharField(max_length=24, choices=choices_class.choices), verbose_name=label, default=list, blank=True
    )


class Household(models.Model):
    """A family as on its Kartu Keluarga, and the house it lives in (DDK)."""

    # Opaque id for URLs: the KK number never appears in an address bar, a log line or a Referer.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dusun = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.DESA},
        verbose_name=_("desa"),
    )
    subunit = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": Level.SUBUNIT},
        verbose_name=_("kampung/RT"),
    )
    kk_number = models.CharField(_("nomor KK"), max_length=16, unique=True, validators=[sixteen_digits])
    address = models.CharField(_("alamat"), max_length=200, blank=True)
    location = models.PointField(_("lokasi rumah"), srid=4326, null=True, blank=True)
    building = models.ForeignKey(
        "ruang.Building", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("bangunan")
    )
    parcels = models.ManyToManyField("ruang.Parcel", blank=True, related_name="+", verbose_name=_("persil"))

    # Housing (DDK aset rumah; "housing quality" in the statistics).
    tenure = models.CharField(_("status rumah"), max_length=12, choices=c.HouseTenure.choices, blank=True)
    floor = models.CharField(_("lantai"), max_length=12, choices=c.Floor.choices, blank=True)
    wall = models.CharField(_("dinding"), max_length=12, choices=c.Wall.choices, blank=True)
    roof = models.CharField(_("atap"), max_length=12, choices=c.Roof.choices, blank=True)
    floor_area_m2 = models.DecimalField(
        _("luas lantai (m²)"), max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # Water, sanitation, energy, communication (IDM items 28–35).
    drinking_water = models.CharField(_("sumber air minum"), max_length=24, choices=c.WaterSource.choices, blank=True)
    bathing_water = models.CharField(
        _("sumber air mandi/cuci"), max_length=24, choices=c.WaterSource.choices, blank=True
    )
    toilet = models.CharField(_("jamban"), max_length=12, choices=c.Toilet.choices, blank=True)
    waste = models.CharField(_("pembuangan sampah"), max_length=12, choices=c.Waste.choices, blank=True)
    lighting = models.CharField(_("penerangan"), max_length=20, choices=c.Lighting.choices, blank=True)
    cooking_fuel = models.CharField(_("bahan bakar memasak"), max_length=16, choices=c.CookingFuel.choices, blank=True)
    firewood_source = models.CharField(
        _("sumber kayu bakar"), max_length=12, choices=c.FirewoodSource.choices, blank=True
    )
    phone_signal = models.CharField(_("sinyal telepon"), max_length=12, choices=c.Signal.choices, blank=True)
    internet = models.BooleanField(_("akses internet"), null=True, blank=True)
    # Economy of the household.
    assets = _choice_array(c.Asset, _("aset"))
    land_sawah_ha = models.DecimalField(_("lahan sawah (ha)"), max_digits=7, decimal_places=2, null=True, blank=True)
    land_kebun_ha = models.DecimalField(_("lahan kebun (ha)"), max_digits=7, decimal_places=2, null=True, blank=True)
    land_ladang_ha = models.DecimalField(_("lahan ladang (ha)"), max_digits=7, decimal_places=2, null=True, blank=True)
    land_pekarangan_ha = models.DecimalField(
        _("lahan pekarangan (ha)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    land_other_ha = models.DecimalField(_("lahan lain (ha)"), max_digits=7, decimal_places=2, null=True, blank=True)
    main_income = models.CharField(_("penghasilan utama"), max_length=16, choices=c.IncomeSource.choices, blank=True)
    income_sources = _choice_array(c.IncomeSource, _("sumber penghasilan lain"))
    income_bracket = models.CharField(
        _("penghasilan per bulan"), max_length=4, choices=c.IncomeBracket.choices, blank=True
    )
    assistance = _choice_array(c.Assistance, _("bantuan sosial"))

    is_demo = models.BooleanField(_("data demo"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("keluarga")
        verbose_name_plural = _("keluarga")
        indexes = [
            # The paginated household list of one dusun, in KK order, is the hot path of operators.
            models.Index(fields=["dusun", "kk_number"], name="warga_household_dusun_kk"),
            models.Index(fields=["subunit"], name="warga_household_subunit"),
            models.Index(fields=["is_demo"], name="warga_household_demo"),
        ]

    def __str__(self) -> str:
        # Never the KK number or a name: str() ends up in logs and admin messages.
        return f"Keluarga {self.uuid}"

    @property
    def assistance_labels(self) -> list[str]:
        return [str(c.Assistance(v).label) for v in self.assistance if v in c.Assistance.values]

    @property
    def asset_labels(self) -> list[str]:
        return [str(c.Asset(v).label) for v in self.assets if v in c.Asset.values]


class Resident(models.Model):
    """A person on a KK (DAK items)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+")
    # Unique among *active* residents only: a person who moves out stays in the old village's register
    # (status "pindah", with the dated event) and gets a row in the new one. One row per person and
    # village: moving back reactivates the village's earlier row.
    nik = models.CharField(_("NIK"), max_length=16, db_index=True, validators=[sixteen_digits])
    name = models.CharField(_("nama lengkap"), max_length=120)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=c.Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=80, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    relationship = models.CharField(_("hubungan dalam keluarga"), max_length=12, choices=c.Relationship.choices)
    religion = models.CharField(_("agama"), max_length=12, choices=c.Religion.choices, blank=True)
    marital_status = models.CharField(
        _("status perkawinan"), max_length=12, choices=c.MaritalStatus.choices, blank=True
    )
    education = models.CharField(_("pendidikan terakhir"), max_length=16, choices=c.Education.choices, blank=True)
    enrolment = models.CharField(_("sedang sekolah"), max_length=8, choices=c.Enrolment.choices, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=16, choices=c.Occupation.choices, blank=True)
    disability = models.CharField(_("disabilitas"), max_length=14, choices=c.Disability.choices, blank=True)
    health_insurance = models.CharField(
        _("jaminan kesehatan"), max_length=12, choices=c.HealthInsurance.choices, blank=True
    )
    bpjs_employment = models.BooleanField(_("BPJS Ketenagakerjaan"), null=True, blank=True)
    citizenship = models.CharField(
        _("kewarganegaraan"), max_length=3, choices=c.Citizenship.choices, default=c.Citizenship.WNI
    )
    groups = _choice_array(c.GroupMembership, _("keanggotaan kelompok"))
    status = models.CharField(
        _("status"), max_length=10, choices=c.ResidentStatus.choices, default=c.ResidentStatus.AKTIF
    )

    is_demo = models.BooleanField(_("data demo"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        indexes = [
            models.Index(fields=["household"], name="warga_resident_household"),
            models.Index(fields=["dusun", "status"], name="warga_resident_dusun_status"),
            models.Index(fields=["is_demo"], name="warga_resident_demo"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=models.Q(status="aktif"),
                name="warga_resident_nik_active_unique",
                violation_error_message=_("NIK ini sudah terdaftar sebagai penduduk aktif."),
            ),
            models.UniqueConstraint(
                fields=["nik", "dusun"],
                name="warga_resident_nik_dusun_unique",
                violation_error_message=_("NIK ini sudah terdaftar di desa ini."),
            ),
        ]

    def __str__(self) -> str:
        return f"Penduduk {self.uuid}"

    @property
    def group_labels(self) -> list[str]:
        return [str(c.GroupMembership(v).label) for v in self.groups if v in c.GroupMembership.values]


class ResidentEvent(models.Model):
    """A dated change in the register: birth, death, moving in or out, first registration."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="events")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="events")
    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("peristiwa"), max_length=14, choices=c.EventKind.choices)
    date = models.DateField(_("tanggal peristiwa"))
    note = models.CharField(_("keterangan"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        verbose_name = _("peristiwa kependudukan")
        verbose_name_plural = _("peristiwa kependudukan")
        ordering = ["-date", "-created_at"]
        indexes = [
            models.Index(fields=["resident", "date"], name="warga_event_resident_date"),
            models.Index(fields=["dusun", "date"], name="warga_event_dusun_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class CensusImport(models.Model):
    """A census spreadsheet on its way in: checked in the background (a dry run with a report per row),
    then committed all-or-nothing, or abandoned. The uploaded file holds personal data, so it is
    deleted as soon as the import is committed, cancelled or fails; the report keeps no NIK or name."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Diunggah")
        CHECKING = "checking", _("Sedang diperiksa")
        CHECKED = "checked", _("Siap ditinjau")
        COMMITTING = "committing", _("Sedang disimpan")
        DONE = "done", _("Tersimpan")
        FAILED = "failed", _("Gagal")
        CANCELLED = "cancelled", _("Dibatalkan")

    class Format(models.TextChoices):
        TEMPLATE = "template", _("Templat Dusun Online")
        OPENSID = "opensid", _("Ekspor penduduk OpenSID")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The area the import is for: one dusun (operator) or the kabupaten (admin; rows name their dusun).
    wilayah = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file_format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.TEMPLATE)
    filename = models.CharField(_("nama berkas"), max_length=255)
    upload = models.FileField(_("berkas"), upload_to="warga-impor/%Y/%m/", max_length=300, blank=True)
    upload_residents = models.FileField(
        _("berkas penduduk (CSV)"), upload_to="warga-impor/%Y/%m/", max_length=300, blank=True
    )
    is_demo = models.BooleanField(_("impor data demo"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    message = models.TextField(_("pesan"), blank=True)
    report = models.JSONField(_("laporan"), default=dict)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("impor sensus")
        verbose_name_plural = _("impor sensus")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Impor {self.uuid} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.UPLOADED, self.Status.CHECKING, self.Status.COMMITTING}

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.CHECKED and not self.report.get("error_count")


class StatCell(models.Model):
    """An exact count for one area (any level, sub-units included), one category of one dimension, one
    sex and one age class. The age class is the five-year band (0–16) for the population pyramid
    (dimension "penduduk") and the broader age group (`choices.AGE_GROUPS`, 0–5) for every other
    resident table. Household dimensions use sex "" and -1. Internal only: the public sees
    `PublicStatCell`."""

    # No database constraint: the table is rebuilt as a whole, and checking a million deferred foreign
    # keys at commit would triple the rebuild time.
    wilayah = models.ForeignKey("wilayah.Wilayah", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    dimension = models.CharField(max_length=24)
    category = models.CharField(max_length=24)
    sex = models.CharField(max_length=1, blank=True)
    age_band = models.SmallIntegerField(default=-1)
    count = models.IntegerField()
    # Only for commodity rows: area and production summed over the producing households.
    area_ha = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    production_kg = models.DecimalField(max_digits=16, decimal_places=1, null=True)

    class Meta:
        indexes = [models.Index(fields=["wilayah", "dimension"], name="warga_statcell_area_dim")]


class PublicStatCell(models.Model):
    """A published cell after small-cell and complementary suppression (see `suppression.py`).

    category "" is the table's total; sex "" is both sexes; age_band -1 is all ages (only the pyramid
    uses bands). `value` is None when the cell is suppressed; `flag` says why."""

    class Flag(models.IntegerChoices):
        PUBLISHED = 0, _("Ditampilkan")
        PRIMARY = 1, _("Kurang dari 5")
        COMPLEMENTARY = 2, _("Disembunyikan (penekanan komplementer)")

    wilayah = models.ForeignKey("wilayah.Wilayah", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    dimension = models.CharField(max_length=24)
    category = models.CharField(max_length=24, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    age_band = models.SmallIntegerField(default=-1)
    value = models.IntegerField(null=True)
    flag = models.PositiveSmallIntegerField(choices=Flag.choices, default=Flag.PUBLISHED)
    area_ha = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    production_kg = models.DecimalField(max_digits=16, decimal_places=1, null=True)

    class Meta:
        indexes = [models.Index(fields=["wilayah", "sex"], name="warga_publicstat_area_sex")]


class StatRefresh(models.Model):
    """When the derived statistics were last rebuilt, and the reference date ages were computed at."""

    as_of = models.DateField(_("per tanggal"))
    refreshed_at = models.DateTimeField(_("dihitung"), auto_now=True)
    duration_ms = models.PositiveIntegerField(default=0)
    suppressed_primary = models.PositiveIntegerField(default=0)
    suppressed_complementary = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("pembaruan statistik")
        verbose_name_plural = _("pembaruan statistik")


# The attributes a census record carries beyond its keys (KK number, NIK, village, sub-unit, location):
# what an import compares with the register and writes, in one place so the two cannot drift apart.
HOUSEHOLD_ATTRIBUTES = [
    "address",
    "tenure",
    "floor",
    "wall",
    "roof",
    "floor_area_m2",
    "drinking_water",
    "bathing_water",
    "toilet",
    "waste",
    "lighting",
    "cooking_fuel",
    "firewood_source",
    "phone_signal",
    "internet",
    "assets",
    "land_sawah_ha",
    "land_kebun_ha",
    "land_ladang_ha",
    "land_pekarangan_ha",
    "land_other_ha",
    "main_income",
    "income_sources",
    "income_bracket",
    "assistance",
]
RESIDENT_ATTRIBUTES = [
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relationship",
    "religion",
    "marital_status",
    "education",
    "enrolment",
    "occupation",
    "disability",
    "health_insurance",
    "bpjs_employment",
    "citizenship",
    "groups",
    "status",
]

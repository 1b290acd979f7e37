"""Micro-spatial layers of a village (Potensi Ruang Mikro).

Every feature belongs to exactly one village (`dusun`), records where it came from (`source`), when it
was surveyed and who entered it, and keeps its edit history in `FeatureRevision`. Geometries are stored
in EPSG:4326; areas and lengths are geodesic and kept in step by `services`, never computed in one UTM
zone. Legends are data (`Legend`, `LegendClass`), not code: the KLHK national legend and ICRAF's Bungo
legend ship with the project and more can be loaded.

The layers themselves are described for import, export, tiles and popups in `layers.py` (the registry);
this module holds only the tables and their invariants.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from dusun.wilayah.models import Level

# ---------------------------------------------------------------------------------------------------------
# Legends and land-cover snapshots
# ---------------------------------------------------------------------------------------------------------


class Legend(models.Model):
    """A land-cover classification, e.g. KLHK's 23 classes or ICRAF's Bungo land-use classes."""

    code = models.SlugField(_("kode legenda"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    description = models.TextField(_("keterangan"), blank=True)
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    licence = models.CharField(_("lisensi"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("legenda tutupan lahan")
        verbose_name_plural = _("legenda tutupan lahan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ForestCategory(models.TextChoices):
    """KLHK's grouping for forest accounts ("Neraca penutupan hutan")."""

    HUTAN = "hutan", _("Hutan")
    NON_HUTAN = "non-hutan", _("Non-hutan")
    NO_DATA = "no-data", _("Tidak ada data (awan)")


class LegendClass(models.Model):
    legend = models.ForeignKey(Legend, on_delete=models.CASCADE, related_name="classes", verbose_name=_("legenda"))
    code = models.CharField(_("kode kelas"), max_length=20)
    name_id = models.CharField(_("nama (Indonesia)"), max_length=120)
    name_en = models.CharField(_("nama (Inggris)"), max_length=120, blank=True)
    colour = models.CharField(_("warna"), max_length=7, help_text=_("Warna heksadesimal, mis. #2f7d4f."))
    forest_category = models.CharField(
        _("kategori hutan"), max_length=10, choices=ForestCategory.choices, default=ForestCategory.NON_HUTAN
    )
    # KLHK/IPSDH natural forest (the six primary/secondary dryland, swamp and mangrove classes).
    natural_forest = models.BooleanField(_("hutan alam"), default=False)
    # Default carbon stock of the class in tC/ha (aboveground, time-averaged for ICRAF); null = unknown,
    # never silently zero. Versioned factor tables for carbon accounting build on this (hutan module).
    carbon_tc_ha = models.DecimalField(
        _("stok karbon (tC/ha)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("kelas tutupan lahan")
        verbose_name_plural = _("kelas tutupan lahan")
        ordering = ["legend", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["legend", "code"], name="ruang_legendclass_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"


class LegendMapping(models.Model):
    """A class of one legend read as a class of another (e.g. KLHK 20092 → ICRAF Rubber Agroforestry)."""

    source_class = models.ForeignKey(
        LegendClass, on_delete=models.CASCADE, related_name="mappings_out", verbose_name=_("kelas asal")
    )
    target_class = models.ForeignKey(
        LegendClass, on_delete=models.CASCADE, related_name="mappings_in", verbose_name=_("kelas tujuan")
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("padanan kelas")
        verbose_name_plural = _("padanan kelas")
        constraints = [
            models.UniqueConstraint(fields=["source_class", "target_class"], name="ruang_legendmapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_class} → {self.target_class}"


class LandCoverSnapshot(models.Model):
    """One dated land-cover map (a year), classed by one legend, covering any number of villages."""

    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(1980), MaxValueValidator(2100)])
    legend = models.ForeignKey(Legend, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("legenda"))
    name = models.CharField(_("nama"), max_length=120)
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    is_demo = models.BooleanField(_("data demo"), default=False, db_index=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("potret tutupan lahan")
        verbose_name_plural = _("potret tutupan lahan")
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["year", "legend", "name"], name="ruang_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


# ---------------------------------------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------------------------------------


class ImportBatch(models.Model):
    """One committed import: which file, which layer, who, how many features (for provenance and undo)."""

    layer = models.CharField(_("lapisan"), max_length=40)
    dusun = models.ForeignKey(
        "wilayah.Wilayah", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"), null=True
    )
    filename = models.CharField(_("nama berkas"), max_length=255)
    feature_count = models.PositiveIntegerField(_("jumlah fitur"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("oleh")
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("impor")
        verbose_name_plural = _("impor")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.layer}: {self.filename}"


class SpatialFeature(models.Model):
    """What every feature of every layer records."""

    dusun = models.ForeignKey(
        "wilayah.Wilayah",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Level.DESA},
        verbose_name=_("desa"),
    )
    name = models.CharField(_("nama"), max_length=200, blank=True)
    source = models.CharField(_("sumber"), max_length=200, blank=True)
    survey_date = models.DateField(_("tanggal survei"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("impor")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dimasukkan oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    is_demo = models.BooleanField(_("data demo"), default=False)

    class Meta:
        abstract = True


class LandCover(SpatialFeature):
    snapshot = models.ForeignKey(
        LandCoverSnapshot, on_delete=models.CASCADE, related_name="polygons", verbose_name=_("potret")
    )
    klass = models.ForeignKey(LegendClass, on_delete=models.PROTECT, related_name="+", verbose_name=_("kelas"))
    geom = models.MultiPolygonField(_("geometri"), srid=4326)
    area_ha = models.DecimalField(_("luas (ha)"), max_digits=12, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("poligon tutupan lahan")
        verbose_name_plural = _("tutupan lahan")
        indexes = [
            models.Index(fields=["snapshot", "dusun"], name="ruang_landcover_snap_dusun"),
            models.Index(fields=["snapshot", "klass"], name="ruang_landcover_snap_class"),
        ]

    def clean(self):
        # A polygon is classed in its snapshot's legend; a class of another legend would count its area
        # under the wrong name (and the wrong carbon factor) in every statistic.
        super().clean()
        if self.snapshot_id and self.klass_id and self.klass.legend_id != self.snapshot.legend_id:
            raise ValidationError(
                {
                    "klass": _("Kelas %(kelas)s bukan kelas legenda %(legenda)s yang dipakai potret ini.")
                    % {"kelas": self.klass, "legenda": self.snapshot.legend}
                }
            )


class FacilityKind(models.TextChoices):
    PAUD = "paud", _("PAUD/TK")
    SD = "sd", _("SD/MI")
    SMP = "smp", _("SMP/MTs")
    SMA = "sma", _("SMA/MA")
    SMK = "smk", _("SMK")
    PERGURUAN_TINGGI = "pt", _("Perguruan tinggi")
    PESANTREN = "pesantren", _("Pondok pesantren")
    RUMAH_SAKIT = "rs", _("Rumah sakit")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    PUSTU = "pustu", _("Puskesmas pembantu (Pustu)")
    POSKESDES = "poskesdes", _("Poskesdes/Polindes")
    POSYANDU = "posyandu", _("Posyandu")
    PRAKTIK_DOKTER = "dokter", _("Praktik dokter")
    PRAKTIK_BIDAN = "bidan", _("Praktik bidan")
    APOTEK = "apotek", _("Apotek")
    MASJID = "masjid", _("Masjid")
    SURAU = "surau", _("Surau/langgar/musala")
    GEREJA = "gereja", _("Gereja")
    KANTOR_DESA = "kantor_desa", _("Kantor desa")
    BALAI = "balai", _("Balai pertemuan")
    PASAR = "pasar", _("Pasar")
    TOKO = "toko", _("Toko/warung kelontong")
    BUMDES = "bumdes", _("Unit usaha BUMDes")
    KOPERASI = "koperasi", _("Koperasi")
    BANK = "bank", _("Bank/agen bank")
    MENARA = "menara", _("Menara telekomunikasi (BTS)")
    OLAHRAGA = "olahraga", _("Lapangan olahraga")
    POS_KAMLING = "poskamling", _("Pos kamling")
    TPS = "tps", _("Tempat pembuangan sampah")
    LAINNYA = "lainnya", _("Lainnya")


class Facility(SpatialFeature):
    kind = models.CharField(_("jenis"), max_length=20, choices=FacilityKind.choices)
    condition = models.CharField(_("kondisi"), max_length=20, blank=True)
    geom = models.PointField(_("lokasi"), srid=4326)

    class Meta:
        verbose_name = _("fasilitas")
        verbose_name_plural = _("fasilitas")
        indexes = [models.Index(fields=["dusun", "kind"], name="ruang_facility_dusun_kind")]


class LineKind(models.TextChoices):
    JALAN = "jalan", _("Jalan")
    SUNGAI = "sungai", _("Sungai")
    IRIGASI = "irigasi", _("Saluran irigasi")
    LISTRIK = "listrik", _("Jaringan listrik")


class RoadSurface(models.TextChoices):
    ASPAL = "aspal", _("Aspal")
    BETON = "beton", _("Beton/rabat")
    KERIKIL = "kerikil", _("Kerikil/sirtu")
    TANAH = "tanah", _("Tanah")
    SETAPAK = "setapak", _("Jalan setapak")


class RoadCondition(models.TextChoices):
    BAIK = "baik", _("Baik")
    SEDANG = "sedang", _("Sedang")
    RUSAK_RINGAN = "rusak_ringan", _("Rusak ringan")
    RUSAK_BERAT = "rusak_berat", _("Rusak berat")


class LineFeature(SpatialFeature):
    kind = models.CharField(_("jenis"), max_length=20, choices=LineKind.choices)
    surface = models.CharField(_("permukaan"), max_length=20, choices=RoadSurface.choices, blank=True)
    condition = models.CharField(_("kondisi"), max_length=20, choices=RoadCondition.choices, blank=True)
    width_m = models.DecimalField(
        _("lebar (m)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    geom = models.MultiLineStringField(_("geometri"), srid=4326)
    length_m = models.DecimalField(_("panjang (m)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("garis (jalan, sungai, irigasi, listrik)")
        verbose_name_plural = _("jalan, sungai, irigasi, listrik")
        indexes = [models.Index(fields=["dusun", "kind"], name="ruang_line_dusun_kind")]


class PotentialKind(models.TextChoices):
    WISATA = "wisata", _("Objek wisata")
    LUBUK_LARANGAN = "lubuk_larangan", _("Lubuk larangan")
    AIR_TERJUN = "air_terjun", _("Air terjun")
    MATA_AIR = "mata_air", _("Mata air")
    HHBK = "hhbk", _("Hasil hutan bukan kayu")
    KAYU = "kayu", _("Hasil hutan kayu")
    MINERAL = "mineral", _("Bahan galian/mineral")
    PERIKANAN = "perikanan", _("Perikanan")
    BUDAYA = "budaya", _("Situs budaya/adat")
    LAINNYA = "lainnya", _("Lainnya")


class Potential(SpatialFeature):
    kind = models.CharField(_("jenis"), max_length=20, choices=PotentialKind.choices)
    description = models.TextField(_("uraian"), blank=True)
    geom = models.GeometryField(_("geometri"), srid=4326)

    class Meta:
        verbose_name = _("potensi")
        verbose_name_plural = _("potensi")


class HazardKind(models.TextChoices):
    BANJIR = "banjir", _("Banjir")
    LONGSOR = "longsor", _("Tanah longsor")
    KEBAKARAN = "kebakaran", _("Kebakaran hutan/lahan")
    KEKERINGAN = "kekeringan", _("Kekeringan")
    ANGIN = "angin", _("Angin puting beliung")
    PETI = "peti", _("Tambang emas tanpa izin (PETI)")
    LAINNYA = "lainnya", _("Lainnya")


class ReportStatus(models.TextChoices):
    DILAPORKAN = "dilaporkan", _("Dilaporkan")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DITANGANI = "ditangani", _("Sedang ditangani")
    SELESAI = "selesai", _("Selesai")


class Hazard(SpatialFeature):
    kind = models.CharField(_("jenis"), max_length=20, choices=HazardKind.choices)
    observed_on = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DILAPORKAN)
    description = models.TextField(_("uraian"), blank=True)
    geom = models.GeometryField(_("geometri"), srid=4326)

    class Meta:
        verbose_name = _("bencana/gangguan")
        verbose_name_plural = _("bencana dan gangguan")


class ManagedAreaKind(models.TextChoices):
    HUTAN_DESA = "hutan_desa", _("Hutan desa")
    HUTAN_ADAT = "hutan_adat", _("Hutan adat")
    HKM = "hkm", _("Hutan kemasyarakatan (HKm)")
    HUTAN_LINDUNG = "hutan_lindung", _("Hutan lindung")
    TAMAN_NASIONAL = "taman_nasional", _("Taman nasional/kawasan konservasi")
    HUTAN_PRODUKSI = "hutan_produksi", _("Hutan produksi")
    KONSESI_HGU = "hgu", _("Konsesi perkebunan (HGU)")
    KONSESI_HTI = "hti", _("Konsesi hutan tanaman (PBPH/HTI)")
    KONSESI_TAMBANG = "tambang", _("Izin usaha pertambangan")
    LAINNYA = "lainnya", _("Lainnya")


class ManagedArea(SpatialFeature):
    kind = models.CharField(_("jenis"), max_length=20, choices=ManagedAreaKind.choices)
    permit_number = models.CharField(_("nomor SK/izin"), max_length=120, blank=True)
    permit_date = models.DateField(_("tanggal SK/izin"), null=True, blank=True)
    holder = models.CharField(_("pemegang izin/pengelola"), max_length=200, blank=True)
    geom = models.MultiPolygonField(_("geometri"), srid=4326)
    area_ha = models.DecimalField(_("luas (ha)"), max_digits=12, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("kawasan kelola/izin")
        verbose_name_plural = _("kawasan kelola dan izin")


class BuildingUse(models.TextChoices):
    RUMAH = "rumah", _("Rumah tinggal")
    IBADAH = "ibadah", _("Tempat ibadah")
    PENDIDIKAN = "pendidikan", _("Pendidikan")
    KESEHATAN = "kesehatan", _("Kesehatan")
    PEMERINTAHAN = "pemerintahan", _("Pemerintahan")
    USAHA = "usaha", _("Usaha/toko")
    GUDANG = "gudang", _("Gudang/pondok kebun")
    LAINNYA = "lainnya", _("Lainnya")


class Building(SpatialFeature):
    use = models.CharField(_("fungsi"), max_length=20, choices=BuildingUse.choices, default=BuildingUse.RUMAH)
    floors = models.PositiveSmallIntegerField(_("jumlah lantai"), null=True, blank=True)
    geom = models.MultiPolygonField(_("geometri"), srid=4326)
    area_m2 = models.DecimalField(_("luas (m²)"), max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("bangunan")
        verbose_name_plural = _("bangunan")


class ParcelTenure(models.TextChoices):
    SHM = "shm", _("Sertifikat hak milik (SHM)")
    SKT = "skt", _("Surat keterangan tanah (SKT/SKGR)")
    ADAT = "adat", _("Tanah adat/ulayat")
    KAS_DESA = "kas_desa", _("Tanah kas desa")
    NEGARA = "negara", _("Tanah negara")
    BELUM = "belum", _("Belum bersertifikat")


class Parcel(SpatialFeature):
    number = models.CharField(_("nomor persil"), max_length=60, blank=True)
    land_use = models.CharField(_("penggunaan lahan"), max_length=120, blank=True)
    tenure = models.CharField(_("status tanah"), max_length=20, choices=ParcelTenure.choices, blank=True)
    geom = models.MultiPolygonField(_("geometri"), srid=4326)
    area_ha = models.DecimalField(_("luas (ha)"), max_digits=12, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("persil")
        verbose_name_plural = _("persil")


class FeatureRevision(models.Model):
    """The edit history of every feature: one row per create, update or delete, with the full record after
    (or before, for a delete), so any past state can be shown or restored."""

    class Action(models.TextChoices):
        CREATE = "create", _("Dibuat")
        UPDATE = "update", _("Diubah")
        DELETE = "delete", _("Dihapus")

    layer = models.CharField(_("lapisan"), max_length=40)
    feature_id = models.BigIntegerField(_("id fitur"))
    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    action = models.CharField(_("aksi"), max_length=10, choices=Action.choices)
    data = models.JSONField(_("data"))  # attributes + geometry as GeoJSON
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("oleh")
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat fitur")
        verbose_name_plural = _("riwayat fitur")
        ordering = ["-at"]
        indexes = [models.Index(fields=["layer", "feature_id"], name="ruang_revision_feature")]


# ---------------------------------------------------------------------------------------------------------
# Imports in progress, remembered attribute mappings, layer versions (for tile cache validators)
# ---------------------------------------------------------------------------------------------------------


class ImportJob(models.Model):
    """An upload on its way in: analysed in the background, previewed feature by feature, then committed
    all-or-nothing (or abandoned). Nothing reaches the layer tables before `commit`."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Diunggah")
        ANALYSING = "analysing", _("Sedang diperiksa")
        PREVIEW = "preview", _("Siap ditinjau")
        COMMITTING = "committing", _("Sedang disimpan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")
        CANCELLED = "cancelled", _("Dibatalkan")

    layer = models.CharField(_("lapisan"), max_length=40)
    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa"))
    snapshot = models.ForeignKey(
        LandCoverSnapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("potret")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("oleh")
    )
    filename = models.CharField(_("nama berkas"), max_length=255)
    upload = models.FileField(_("berkas"), upload_to="imports/%Y/%m/", max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    message = models.TextField(_("pesan"), blank=True)
    source_fields = models.JSONField(_("kolom sumber"), default=list)
    mapping = models.JSONField(_("pemetaan kolom"), default=dict)
    report = models.JSONField(_("laporan per fitur"), default=dict)
    batch = models.OneToOneField(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="job", verbose_name=_("impor")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("proses impor")
        verbose_name_plural = _("proses impor")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.layer}: {self.filename} ({self.get_status_display()})"


class ImportMapping(models.Model):
    """A remembered mapping from a file's columns to a layer's attributes, offered again next time the
    same set of columns arrives for the same layer in the same village."""

    layer = models.CharField(_("lapisan"), max_length=40)
    dusun = models.ForeignKey("wilayah.Wilayah", on_delete=models.CASCADE, related_name="+", verbose_name=_("desa"))
    source_signature = models.CharField(_("tanda kolom sumber"), max_length=64)
    mapping = models.JSONField(_("pemetaan kolom"))
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        verbose_name = _("pemetaan kolom tersimpan")
        verbose_name_plural = _("pemetaan kolom tersimpan")
        constraints = [
            models.UniqueConstraint(fields=["layer", "dusun", "source_signature"], name="ruang_importmapping_unique")
        ]


class LayerVersion(models.Model):
    """A counter per layer that moves whenever any feature of the layer changes; tile ETags and caches
    are keyed on it, so a cached tile can never outlive the data it shows."""

    layer = models.CharField(_("lapisan"), max_length=40, unique=True)
    version = models.BigIntegerField(_("versi"), default=0)
    changed_at = models.DateTimeField(_("berubah"), auto_now=True)

    class Meta:
        verbose_name = _("versi lapisan")
        verbose_name_plural = _("versi lapisan")

    def __str__(self) -> str:
        return f"{self.layer} v{self.version}"

"""Writes to the administrative hierarchy."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dusun.geo import GeodesicAreaHaRounded

from .models import JENIS_BY_LEVEL, Level, ProfilDusun, Wilayah
from .reference import AreaRecord, Dataset

COMPARED_FIELDS = ("nama", "level", "jenis", "kode_bps", "parent_id", "sumber")


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@transaction.atomic
def load_dataset(dataset: Dataset) -> LoadReport:
    """Create or update every area of a checked dataset in one transaction.

    Idempotent: an area whose fields and boundary equal the file's is not written at all, so a second
    load changes nothing (not even `updated_at`). Areas absent from the file are reported, never deleted:
    other modules' data hangs off them.
    """
    report = LoadReport()
    existing = {w.kode: w for w in Wilayah.objects.select_for_update().filter(kode__in=dataset.records)}
    ids_by_kode = {kode: w.pk for kode, w in existing.items()}
    touched_geometry: list[int] = []

    for record in dataset.in_load_order():
        parent_id = None
        if record.level != Level.PROVINSI:
            parent_kode = record.kode.rsplit(".", 1)[0]
            parent_id = ids_by_kode.get(parent_kode) or Wilayah.objects.only("pk").get(kode=parent_kode).pk
        values = _values(record, parent_id, dataset.sumber)
        area = existing.get(record.kode)
        if area is None:
            area = Wilayah.objects.create(kode=record.kode, **values)
            ids_by_kode[record.kode] = area.pk
            report.created.append(record.kode)
            if area.geom is not None:
                touched_geometry.append(area.pk)
            continue
        changed = [name for name in COMPARED_FIELDS if getattr(area, name) != values[name]]
        if not _same_geometry(area.geom, record.geom):
            changed.append("geom")
            touched_geometry.append(area.pk)
        if changed:
            for name in changed:
                setattr(area, name, values[name])
            area.save(update_fields=[*changed, "updated_at"])
            report.updated.append(record.kode)
        else:
            report.unchanged += 1

    if touched_geometry:
        recompute_area(Wilayah.objects.filter(pk__in=touched_geometry))
    kabupaten_prefixes = {r.kode for r in dataset.records.values() if r.level == Level.KABUPATEN}
    for prefix in kabupaten_prefixes:
        stale = Wilayah.objects.filter(kode__startswith=prefix + ".").exclude(kode__in=dataset.records)
        report.not_in_file += list(stale.exclude(level=Level.SUBUNIT).values_list("kode", flat=True))
    return report


def recompute_area(areas) -> None:
    """Store each boundary's geodesic area (hectares) computed by PostGIS on the ellipsoid."""
    areas.filter(geom__isnull=False).update(luas_ha=GeodesicAreaHaRounded("geom"))
    areas.filter(geom__isnull=True).update(luas_ha=None)


def _values(record: AreaRecord, parent_id: int | None, sumber: str) -> dict:
    return {
        "nama": record.nama,
        "level": int(record.level),
        "jenis": record.jenis,
        "kode_bps": record.kode_bps,
        "parent_id": parent_id,
        "geom": record.geom,
        "sumber": sumber,
    }


def _same_geometry(stored, loaded) -> bool:
    if stored is None or loaded is None:
        return stored is None and loaded is None
    # Exact vertex-by-vertex equality: coordinates survive the database round trip unchanged.
    return stored.equals_exact(loaded, tolerance=0)


def create_subunit(village: Wilayah, segment: str, nama: str, jenis: str, geom=None) -> Wilayah:
    """Add a kampung/RW/RT below a village. Its code is the village code plus `segment` (e.g. RT01), so
    prefix-based scope rules cover it like any other area."""
    if village.level not in (Level.DESA, Level.SUBUNIT):
        raise ValidationError(f"Sub-wilayah hanya dapat dibuat di bawah desa/kelurahan, bukan {village}.")
    segment = segment.strip().upper()
    area = Wilayah(
        kode=f"{village.kode}.{segment}",
        nama=nama.strip(),
        level=Level.SUBUNIT,
        jenis=jenis,
        parent=village,
        geom=geom,
        sumber="dibuat di Dusun Online",
    )
    if jenis not in JENIS_BY_LEVEL[Level.SUBUNIT]:
        raise ValidationError(f"Jenis sub-wilayah harus kampung, RW atau RT, bukan '{jenis}'.")
    area.full_clean()
    area.save()
    recompute_area(Wilayah.objects.filter(pk=area.pk))
    return area


PROFIL_FIELDS = (
    "sejarah",
    "rio_nama",
    "rio_mulai",
    "rio_selesai",
    "alamat_kantor",
    "telepon",
    "email",
    "situs_web",
)


@transaction.atomic
def save_profil(village: Wilayah, data: dict, user) -> ProfilDusun:
    """Create or update a village's public profile from cleaned form data, after the model's checks.

    Only the village's operator or the kabupaten admin (`akun.scope.can_edit`) may write. Text is stripped
    so a field of spaces counts as empty. Raises ValidationError (Bahasa messages per field) and writes
    nothing when a value is wrong."""
    from dusun.akun import scope  # akun builds on wilayah's models; imported here to keep that direction

    if not scope.can_edit(user, village):
        raise PermissionDenied(_("Anda tidak berwenang mengubah profil %(wilayah)s.") % {"wilayah": village})
    profil = ProfilDusun.objects.select_for_update().filter(wilayah=village).first() or ProfilDusun(wilayah=village)
    for name in PROFIL_FIELDS:
        if name in data:
            value = data[name]
            setattr(profil, name, value.strip() if isinstance(value, str) else value)
    profil.diperbarui_oleh = user if getattr(user, "is_authenticated", False) else None
    profil.full_clean()
    profil.save()
    return profil

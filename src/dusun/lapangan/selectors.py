"""Reads of field collection: the forms a device sees, the per-village CSV media that let a phone work
offline, the review queue, and the side-by-side comparison a reviewer decides on."""

import csv
import hashlib
import io

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from dusun.akun import scope
from dusun.ruang.models import Facility, FacilityKind, PotentialKind
from dusun.warga import choices as wc
from dusun.warga.models import Household
from dusun.warga.nik import mask
from dusun.wilayah.models import Jenis, Level, Wilayah

from .models import FormKind, Formulir, Kiriman, Perangkat


def find_form(form_id: str, version: str) -> Formulir | None:
    return Formulir.objects.filter(form_id=form_id, version=version).first()


def forms_with_counts():
    """Every stored form version with its submission counts (for opening and closing versions)."""
    return Formulir.objects.annotate(
        total=Count("kiriman"), pending=Count("kiriman", filter=Q(kiriman__status=Kiriman.Status.PENDING))
    ).order_by("form_id", "-created_at")


def device_forms(device: Perangkat, *, all_versions: bool = False) -> list[Formulir]:
    """Open forms a device may fill: the census only when its creator may read the village's personal data."""
    forms = Formulir.objects.filter(is_open=True).order_by("form_id", "-created_at")
    if not scope.can_view_personal(device.created_by, device.dusun):
        forms = forms.exclude(kind=FormKind.SENSUS)
    if device.dusun.jenis != Jenis.DESA:
        forms = forms.exclude(kind=FormKind.IDM)  # IDM is measured for desa only, not kelurahan
    if all_versions:
        return list(forms)
    latest: dict[str, Formulir] = {}
    for form in forms:
        latest.setdefault(form.form_id, form)
    return list(latest.values())


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def version_of(obj) -> str:
    """The stamp a phone carries back to detect that a record changed after the form was filled."""
    return obj.updated_at.isoformat() if obj.updated_at else ""


def media_file(device: Perangkat, filename: str) -> bytes | None:
    """One per-village choice list as CSV (columns name, label[, versi]), or None for an unknown file."""
    dusun = device.dusun
    if filename == "rt.csv":
        subunits = Wilayah.objects.filter(parent=dusun, level=Level.SUBUNIT).order_by("kode")
        return _csv([{"name": s.kode, "label": s.nama} for s in subunits], ["name", "label"])
    if filename == "keluarga.csv":
        if not scope.can_view_personal(device.created_by, dusun):
            return None
        households = Household.objects.filter(dusun=dusun).select_related("subunit").order_by("kk_number")
        rows = [
            {
                "name": str(h.uuid),
                # The KK number masked, the address and RT: enough to find the house, not to reuse the KK.
                "label": " · ".join(
                    x for x in (mask(h.kk_number), h.address, h.subunit.nama if h.subunit else "") if x
                ),
                "versi": version_of(h),
            }
            for h in households
        ]
        return _csv(rows, ["name", "label", "versi"])
    if filename == "tahun_idm.csv":
        return _csv(idm_years(dusun), ["name", "label", "versi"])
    if filename == "kegiatan.csv":
        rows = [
            {
                "name": str(p.pk),
                "label": f"{p.proposal.title} ({p.proposal.year}) · {p.progress_pct}%",
                "versi": version_of(p),
            }
            for p in active_projects(dusun)
        ]
        return _csv(rows, ["name", "label", "versi"])
    if filename == "fasilitas.csv":
        rows = [
            {"name": str(f.pk), "label": f"{f.get_kind_display()} · {f.name or '-'}", "versi": version_of(f)}
            for f in Facility.objects.filter(dusun=dusun).order_by("kind", "name", "pk")
        ]
        return _csv(rows, ["name", "label", "versi"])
    return None


IDM_YEARS_OFFERED = 5


def idm_years(dusun: Wilayah) -> list[dict]:
    """Years the IDM questionnaire may be filled for (newest first), each with the version of the stored
    entry the phone will carry back (0: none yet), so the review can tell that the office saved since."""
    from django.utils import timezone

    from dusun.indeks.models import Result, Series
    from dusun.indeks.selectors import enterable_years

    years = enterable_years(timezone.localdate().year)[:IDM_YEARS_OFFERED]
    current = dict(
        Result.objects.filter(dusun=dusun, series=Series.COMPUTED, is_current=True, year__in=years).values_list(
            "year", "version"
        )
    )
    return [{"name": str(y), "label": str(y), "versi": str(current.get(y, 0))} for y in years]


def active_projects(dusun: Wilayah):
    """The village's projects still under way (an accepted proposal, physical progress below 100 %)."""
    from dusun.rencana.models import Project

    return (
        Project.objects.filter(proposal__dusun=dusun, progress_pct__lt=100)
        .select_related("proposal")
        .order_by("proposal__year", "proposal__title", "pk")
    )


def project_of(dusun: Wilayah, ref: str):
    """The project a progress form points at, when it belongs to the village (else None)."""
    from dusun.rencana.models import Project

    if not (ref or "").isdigit():
        return None
    return Project.objects.select_related("proposal").filter(pk=int(ref), proposal__dusun=dusun).first()


def md5(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()  # OpenRosa hash


# --- Review queue ------------------------------------------------------------------------------------------


def reviewable_villages(user):
    """Villages of the user's scope with their pending submission counts (only those with any submission)."""
    return (
        Wilayah.objects.villages()
        .filter(scope.scope_q(user))
        .annotate(
            pending=Count("lapangan_kiriman", filter=Q(lapangan_kiriman__status=Kiriman.Status.PENDING)),
            total=Count("lapangan_kiriman"),
        )
        .order_by("kode")
    )


def queue(user, dusun: Wilayah, status: str | None):
    items = Kiriman.objects.filter(dusun=dusun).select_related("formulir", "perangkat", "reviewed_by")
    if status:
        items = items.filter(status=status)
    return items.prefetch_related("lampiran")


def conflict_of(kiriman: Kiriman) -> str | None:
    """When the record the form was filled against changed afterwards: the time of that change."""
    d = kiriman.data
    if kiriman.formulir.kind == FormKind.IDM:
        from dusun.indeks.models import Result, Series

        year, stamp = d.get("tahun") or "", d.get("tahun_versi") or ""
        if not (year.isdigit() and stamp.isdigit()):
            return None
        current = (
            Result.objects.filter(dusun=kiriman.dusun, year=int(year), series=Series.COMPUTED, is_current=True)
            .values_list("version", "created_at")
            .first()
        )
        if (current[0] if current else 0) == int(stamp):
            return None
        return f"versi {current[0]}, {current[1]:%d-%m-%Y %H:%M}" if current else "dihapus"
    if kiriman.formulir.kind == FormKind.KEMAJUAN:
        target = project_of(kiriman.dusun, d.get("kegiatan", ""))
        if target is None:
            return "dihapus"
        current = version_of(target)
        return None if current == d.get("kegiatan_versi", "") else current
    if d.get("mode") != "perbarui":
        return None
    if kiriman.formulir.kind == FormKind.SENSUS:
        target = Household.objects.filter(uuid=d.get("keluarga"), dusun=kiriman.dusun).first()
        stamp = d.get("keluarga_versi", "")
    else:
        ref = d.get("fasilitas", "")
        target = Facility.objects.filter(pk=int(ref), dusun=kiriman.dusun).first() if ref.isdigit() else None
        stamp = d.get("fasilitas_versi", "")
    if target is None:
        return "dihapus"
    current = version_of(target)
    return None if current == stamp else current


def _label(choices_class, value: str) -> str:
    if not value:
        return ""
    try:
        return str(choices_class(value).label)
    except ValueError:
        return f"{value} (?)"


HOUSE_ROWS = [
    ("alamat", "address", "Alamat", None),
    ("lantai", "floor", "Lantai", wc.Floor),
    ("dinding", "wall", "Dinding", wc.Wall),
    ("atap", "roof", "Atap", wc.Roof),
    ("air_minum", "drinking_water", "Sumber air minum", wc.WaterSource),
    ("jamban", "toilet", "Jamban", wc.Toilet),
    ("penerangan", "lighting", "Penerangan", wc.Lighting),
]


def _point_text(point) -> str:
    return f"{point.y:.6f}, {point.x:.6f}" if point else ""


def _geo_text(value: str) -> str:
    parts = (value or "").split()
    return f"{float(parts[0]):.6f}, {float(parts[1]):.6f}" if len(parts) >= 2 else ""


def _submitted_geometry(kiriman: Kiriman):
    from .services import geometry, geopoint

    d = kiriman.data
    if kiriman.formulir.kind == FormKind.POTENSI:
        shape = d.get("bentuk", "")
        return geometry(shape, d.get(shape, "")) if shape in ("titik", "garis", "area") else None
    if kiriman.formulir.kind == FormKind.KEMAJUAN:
        return geopoint(d.get("lokasi_1", ""))
    return geopoint(d.get("lokasi", ""))


def _map_config(kiriman: Kiriman, current, personal: bool) -> dict | None:
    """The village outline, the record as it is now and the submitted geometry, as GeoJSON for the map.
    A census house location is personal data: no map for roles that see the census masked."""
    import json

    if not personal or kiriman.formulir.kind == FormKind.IDM:  # a questionnaire has nothing to map
        return None
    try:
        submitted = _submitted_geometry(kiriman)
    except ValidationError:
        submitted = None
    now = getattr(current, "location", None) or getattr(current, "geom", None)
    village = kiriman.dusun.geom
    if village is None and submitted is None:
        return None
    extents = [g.extent for g in (village, now, submitted) if g is not None]
    pad = 0.001 if village is None else 0  # a lone point still gets a readable zoom
    extent = (
        min(e[0] for e in extents) - pad,
        min(e[1] for e in extents) - pad,
        max(e[2] for e in extents) + pad,
        max(e[3] for e in extents) + pad,
    )

    def feature(geom, role: str) -> dict:
        return {"type": "Feature", "properties": {"role": role}, "geometry": json.loads(geom.geojson)}

    features = [feature(g, role) for g, role in ((village, "desa"), (now, "sekarang"), (submitted, "kiriman")) if g]
    return {"bounds": list(extent), "geojson": {"type": "FeatureCollection", "features": features}}


def _idm_rows(kiriman: Kiriman) -> list[tuple]:
    """Each answered IDM item: the score stored for that year now, and the score answered."""
    from dusun.indeks.models import Item, Result, ResultItem, Series

    from .services import idm_entries

    d = kiriman.data
    try:
        entries = idm_entries(d)
    except ValidationError:
        entries = {}
    year = d.get("tahun") or ""
    rows = [("Tahun", year, year)]
    now = {}
    if year.isdigit():
        result = Result.objects.filter(
            dusun=kiriman.dusun, year=int(year), series=Series.COMPUTED, is_current=True
        ).first()
        if result:
            now = dict(ResultItem.objects.filter(result=result).values_list("item__code", "score"))
    items = {code: (order, label) for code, order, label in Item.objects.filter(code__in=entries).values_list(
        "code", "order", "official_label"
    )}  # fmt: skip
    for code, score in sorted(entries.items(), key=lambda e: (items.get(e[0], (999, ""))[0], e[0])):
        rows.append((f"{code} {items.get(code, (0, ''))[1]}".strip(), now.get(code, ""), score))
    return rows


def comparison(kiriman: Kiriman, *, personal: bool) -> dict:
    """Rows of (label, value now, value submitted, changed) and the members, masked unless `personal`."""
    d = kiriman.data
    rows = []
    members = []
    nearby = []
    current = None
    if kiriman.formulir.kind == FormKind.SENSUS:
        if d.get("mode") == "perbarui":
            current = Household.objects.filter(uuid=d.get("keluarga"), dusun=kiriman.dusun).first()
        kk_now = current.kk_number if current else ""
        kk_new = d.get("kk", "") if d.get("mode") != "perbarui" else kk_now
        rows.append(("Nomor KK", kk_now if personal else mask(kk_now), kk_new if personal else mask(kk_new)))
        for key, field, label, choices in HOUSE_ROWS:
            now = getattr(current, field, "") if current else ""
            new = d.get(key, "")
            if choices:
                now, new = _label(choices, now), _label(choices, new)
            rows.append((label, now, new or now))
        rows.append(("Lokasi rumah", _point_text(current.location if current else None), _geo_text(d.get("lokasi"))))
        for m in d.get("anggota") or []:
            members.append(
                {
                    "nik": m.get("nik", "") if personal else mask(m.get("nik", "")),
                    "nama": m.get("nama", "") if personal else "•••",
                    "jk": _label(wc.Sex, m.get("jk", "")),
                    "tanggal_lahir": m.get("tanggal_lahir", "") if personal else (m.get("tanggal_lahir") or "")[:4],
                    "hubungan": _label(wc.Relationship, m.get("hubungan", "")),
                    "peristiwa": _label(wc.EventKind, m.get("peristiwa", "")),
                }
            )
    elif kiriman.formulir.kind == FormKind.IDM:
        rows = _idm_rows(kiriman)
    elif kiriman.formulir.kind == FormKind.KEMAJUAN:
        project = project_of(kiriman.dusun, d.get("kegiatan", ""))
        current = project.proposal if project else None  # its location is what the map shows
        title = f"{project.proposal.title} ({project.proposal.year})" if project else "?"
        rows.append(("Kegiatan", title, title))
        rows.append(("Tanggal pemeriksaan", "", d.get("tanggal", "")))
        rows.append(("Kemajuan fisik (%)", str(project.progress_pct) if project else "", d.get("kemajuan", "")))
        rows.append(("Realisasi kumulatif (Rp)", f"{project.realised:.0f}" if project else "", d.get("realisasi", "")))
        rows.append(("Catatan", "", d.get("catatan", "")))
        for n in range(1, 4):
            if d.get(f"foto_{n}"):
                rows.append((f"Lokasi foto {n}", "", _geo_text(d.get(f"lokasi_{n}"))))
    elif kiriman.formulir.kind == FormKind.POTENSI:
        from .services import geometry

        shape = d.get("bentuk", "")
        geom = geometry(shape, d.get(shape, "")) if shape in ("titik", "garis", "area") else None
        rows.append(("Jenis", "", _label(PotentialKind, d.get("jenis"))))
        rows.append(("Nama", "", d.get("nama", "")))
        rows.append(("Uraian", "", d.get("uraian", "")))
        rows.append(("Geometri", "", f"{geom.geom_type}, {geom.num_coords} titik" if geom else ""))
    else:
        if d.get("mode") == "perbarui" and (d.get("fasilitas") or "").isdigit():
            current = Facility.objects.filter(pk=int(d["fasilitas"]), dusun=kiriman.dusun).first()
        rows.append(
            ("Jenis", _label(FacilityKind, current.kind) if current else "", _label(FacilityKind, d.get("jenis")))
        )
        rows.append(("Nama", current.name if current else "", d.get("nama", "")))
        rows.append(("Kondisi", current.condition if current else "", d.get("kondisi", "")))
        rows.append(("Lokasi", _point_text(current.geom if current else None), _geo_text(d.get("lokasi"))))
        rows.append(("Catatan", current.note if current else "", d.get("catatan", "")))
        from .services import geopoint

        point = geopoint(d.get("lokasi", ""))
        if point and d.get("mode") != "perbarui":
            # Possible duplicates: facilities already mapped within 50 m of the submitted point.
            nearby = list(
                Facility.objects.filter(dusun=kiriman.dusun, geom__distance_lte=(point, D(m=50)))
                .annotate(distance=Distance("geom", point))
                .order_by("distance")[:5]
            )
    return {
        "map": _map_config(kiriman, current, personal),
        "rows": [(label, now, new, str(now) != str(new) and bool(new)) for label, now, new in rows],
        "members": members,
        "nearby": nearby,
        "current": current,
        "conflict": conflict_of(kiriman),
    }

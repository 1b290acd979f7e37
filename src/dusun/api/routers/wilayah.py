"""Areas of the hierarchy (public): list with filters, detail with optional geometry, village summary."""

import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from dusun.wilayah.models import Level, Wilayah

from ..auth import current_user
from ..common import KODE_DESCRIPTION, KODE_PATTERN, LEVEL_BY_NAME, NAME_BY_LEVEL, AreaRef, LevelName, get_area, ref
from ..errors import ERRORS
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, Page, paginate

router = Router(tags=["wilayah"])


class WilayahOut(Schema):
    kode: str = Field(..., description="Kode Kemendagri bertitik.")
    kode_bps: str | None = Field(None, description="Kode BPS (sistem lain, hanya padanan).")
    nama: str
    level: str = Field(..., description="provinsi, kabupaten, kecamatan, dusun atau subwilayah.")
    jenis: str = Field(..., description="Jenis di tingkatnya: desa, kelurahan, kampung, RT, …")
    parent: str | None = Field(None, description="Kode wilayah induk.")
    luas_ha: float | None = Field(None, description="Luas geodesik batas (ha), bukan luas resmi.")


class WilayahDetail(WilayahOut):
    parent_ref: AreaRef | None = None
    anak: dict[str, int] = Field(..., description="Jumlah wilayah anak per tingkat.")
    bbox: list[float] | None = Field(None, description="[barat, selatan, timur, utara] dalam derajat (WGS 84).")
    geometry: dict | None = Field(None, description="Batas sebagai GeoJSON (hanya bila ?geometry=true).")


def _out(area: Wilayah) -> dict:
    return {
        "kode": area.kode,
        "kode_bps": area.kode_bps,
        "nama": area.nama,
        "level": NAME_BY_LEVEL[area.level],
        "jenis": area.jenis,
        "parent": area.parent.kode if area.parent_id else None,
        "luas_ha": float(area.luas_ha) if area.luas_ha is not None else None,
    }


LEVEL = Query(None, description="Hanya tingkat ini.")


@router.get("/wilayah/", response={200: Page[WilayahOut], **ERRORS}, summary="Daftar wilayah")
def wilayah_list(
    request: HttpRequest,
    level: LevelName | None = LEVEL,
    parent: str | None = Query(None, pattern=KODE_PATTERN, description="Hanya anak langsung wilayah ini."),
    q: str | None = Query(None, max_length=100, description="Cari di nama atau awal kode (Kemendagri/BPS)."),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    current_user(request)
    rows = Wilayah.objects.select_related("parent").order_by("kode")
    if level is not None:
        rows = rows.filter(level=LEVEL_BY_NAME[level])
    if parent:
        rows = rows.filter(parent=get_area(parent))
    if q and q.strip():
        term = q.strip()
        rows = rows.filter(Q(nama__icontains=term) | Q(kode__startswith=term) | Q(kode_bps__startswith=term))
    return paginate(request, rows, limit, offset, _out)


def kode_path():
    return Path(..., pattern=KODE_PATTERN, description=KODE_DESCRIPTION, example="15.08.14.2009")


@router.get("/wilayah/{kode}/", response={200: WilayahDetail, **ERRORS}, summary="Satu wilayah")
def wilayah_detail(
    request: HttpRequest,
    kode: str = kode_path(),
    geometry: bool = Query(False, description="Sertakan batas wilayah sebagai GeoJSON."),
):
    current_user(request)
    area = get_area(kode)
    body = _out(area)
    children = Wilayah.objects.filter(parent=area).values("level").annotate(n=Count("pk"))
    body["parent_ref"] = ref(area.parent) if area.parent_id else None
    body["anak"] = {NAME_BY_LEVEL[row["level"]]: row["n"] for row in children}
    body["bbox"] = [round(v, 6) for v in area.geom.extent] if area.geom else None
    body["geometry"] = None
    if geometry and area.geom is not None:
        geojson = Wilayah.objects.filter(pk=area.pk).annotate(g=AsGeoJSON("geom", precision=6)).values_list("g")
        body["geometry"] = json.loads(geojson[0][0])
    return body


class Cell(Schema):
    jumlah: int | str | None = Field(..., description='Angka; "<5" untuk sel kecil; null bila disembunyikan.')
    ditekan: str | None = Field(None, description="primer atau komplementer bila sel disembunyikan.")


class IdmLatest(Schema):
    tahun: int
    seri: str
    nilai: float | None
    status: str | None


class Summary(Schema):
    wilayah: WilayahOut
    jumlah_dusun: dict[str, int] = Field(..., description="Desa dan kelurahan di dalam wilayah (0 untuk dusun).")
    penduduk: Cell = Field(..., description="Jumlah penduduk (statistik publik, sel kecil ditekan).")
    keluarga: Cell
    tutupan_lahan: dict | None = Field(None, description="Potret tutupan lahan terbaru: tahun, hutan alam (ha).")
    idm: IdmLatest | None = Field(None, description="Hasil IDM terbaru (dusun saja).")


@router.get("/wilayah/{kode}/ringkasan/", response={200: Summary, **ERRORS}, summary="Ringkasan wilayah")
def wilayah_summary(request: HttpRequest, kode: str = kode_path()):
    """Angka utama satu dusun, kecamatan atau kabupaten: luas, jumlah dusun, penduduk dan keluarga (versi
    publik), tutupan lahan terbaru dan IDM terbaru."""
    from dusun.indeks.selectors import village_history
    from dusun.ruang import selectors as ruang
    from dusun.warga import selectors as warga
    from dusun.warga.json_export import cell_json
    from dusun.wilayah.selectors import village_counts

    from ..common import STAT_LEVELS

    current_user(request)
    area = get_area(kode, STAT_LEVELS)
    stats = warga.public_statistics(area)
    landcover = None
    try:
        snapshot = ruang.resolve_snapshot(area, None)
        lc = ruang.landcover_stats(area, snapshot)
        landcover = {
            "tahun": snapshot.year,
            "legenda": snapshot.legend.code,
            "terpetakan_ha": round(lc.total_ha, 4),
            "hutan_alam_ha": round(lc.natural_forest_ha, 4),
        }
    except ruang.StatsError:
        landcover = None
    idm = None
    if area.level == Level.DESA:
        history = village_history(area)
        if history:
            # Latest year; within it the official series when both exist (as the village page shows it).
            latest = max(history, key=lambda p: (p.year, p.series == "resmi"))
            idm = {"tahun": latest.year, "seri": latest.series, "nilai": latest.value, "status": latest.status or None}
    counts = village_counts(area) if area.level != Level.DESA else {"desa": 0, "kelurahan": 0}
    return {
        "wilayah": _out(area),
        "jumlah_dusun": counts,
        "penduduk": cell_json(stats.population["semua"]),
        "keluarga": cell_json(stats.households),
        "tutupan_lahan": landcover,
        "idm": idm,
    }

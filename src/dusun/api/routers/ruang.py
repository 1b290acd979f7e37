"""Spatial statistics of an area (public): land cover by class, per village, facilities, roads, managed
areas — the same bodies as the ruang module's statistics API (`ruang.views_map`), so both stay identical."""

from django.http import HttpRequest
from ninja import Query, Router

from dusun.ruang import selectors
from dusun.ruang.views_map import _stats_data

from ..auth import current_user
from ..common import NAME_BY_LEVEL, STAT_LEVELS, get_area
from ..errors import ERRORS, ApiError
from .wilayah import kode_path

router = Router(tags=["ruang"])

SNAPSHOT = Query(None, pattern=r"^[0-9]{4}$", description="Tahun potret tutupan lahan; kosong = terbaru.")
LEGEND = Query(None, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$", description="Kode legenda bila setahun ada dua.")


def _stats(request: HttpRequest, kode: str, stat: str) -> dict:
    current_user(request)
    area = get_area(kode, STAT_LEVELS)
    try:
        return _stats_data(request, NAME_BY_LEVEL[area.level], area.kode, stat)
    except selectors.StatsError as exc:
        raise ApiError(exc.status, exc.message) from None


@router.get("/wilayah/{kode}/tutupan-lahan/", response={200: dict, **ERRORS}, summary="Tutupan lahan per kelas")
def landcover(
    request: HttpRequest, kode: str = kode_path(), snapshot: str | None = SNAPSHOT, legend: str | None = LEGEND
):
    """Luas (ha, geodesik) per kelas legenda dalam satu potret, dengan daftar potret yang tersedia
    (`snapshots_available`). Dusun, kecamatan atau kabupaten."""
    return _stats(request, kode, "landcover")


@router.get(
    "/wilayah/{kode}/tutupan-lahan/per-dusun/", response={200: dict, **ERRORS}, summary="Tutupan lahan per dusun"
)
def landcover_villages(
    request: HttpRequest, kode: str = kode_path(), snapshot: str | None = SNAPSHOT, legend: str | None = LEGEND
):
    """Untuk kecamatan dan kabupaten: per dusun luas terpetakan, hutan alam, kelas dominan, luas kawasan."""
    return _stats(request, kode, "villages")


@router.get("/wilayah/{kode}/fasilitas/", response={200: dict, **ERRORS}, summary="Jumlah fasilitas per jenis")
def facilities(request: HttpRequest, kode: str = kode_path()):
    return _stats(request, kode, "facilities")


@router.get("/wilayah/{kode}/jalan/", response={200: dict, **ERRORS}, summary="Panjang jalan (km)")
def roads(request: HttpRequest, kode: str = kode_path()):
    """Panjang jalan per permukaan dan kondisi, dan garis lain (sungai, saluran), geodesik."""
    return _stats(request, kode, "roads")


@router.get("/wilayah/{kode}/kawasan/", response={200: dict, **ERRORS}, summary="Kawasan kelola per dusun")
def managed_areas(request: HttpRequest, kode: str = kode_path()):
    return _stats(request, kode, "managed-areas")

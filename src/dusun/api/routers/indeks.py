"""Village development index (IDM), public: the results of all villages for a year, a village's history,
and one village-year in full (the body of the indeks module's own API)."""

from enum import StrEnum

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from dusun.indeks import api as indeks_api
from dusun.indeks import selectors
from dusun.wilayah.models import Level
from dusun.wilayah.selectors import home_kabupaten

from ..auth import current_user
from ..common import KODE_PATTERN, get_area
from ..errors import ERRORS, ApiError
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, Page, paginate
from ._util import body_of
from .wilayah import kode_path

router = Router(tags=["indeks"])


class SeriesName(StrEnum):
    resmi = "resmi"
    hitung = "hitung"


class IdmRow(Schema):
    kode: str
    nama: str
    kecamatan_kode: str
    kecamatan_nama: str
    nilai: float | None = Field(None, description="Nilai IDM (null bila belum lengkap).")
    status: str | None
    target_status: str | None
    peringkat: int | None
    lengkap: bool
    nilai_tahun_sebelumnya: float | None


class HistoryRow(Schema):
    tahun: int
    seri: str
    nilai: float | None
    komponen: dict[str, float | None]
    status: str | None


SERIES = Query(SeriesName.resmi, description="resmi (Kemendesa) atau hitung (Dusun Online).")


def _f(value):
    return float(value) if value is not None else None


@router.get("/idm/", response={200: Page[IdmRow], **ERRORS}, summary="IDM semua dusun per tahun")
def idm_list(
    request: HttpRequest,
    tahun: int | None = Query(None, ge=2015, le=2100, description="Tahun; kosong = tahun terbaru yang ada."),
    seri: SeriesName = SERIES,
    wilayah: str | None = Query(None, pattern=KODE_PATTERN, description="Kecamatan atau kabupaten; kosong = Bungo."),
    status: str | None = Query(None, max_length=40, description="Hanya status ini, mis. MAJU."),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Setiap desa (bukan kelurahan) dengan nilai dan status tahun itu, urut kode; `peringkat` menurut nilai."""
    current_user(request)
    area = get_area(wilayah, (Level.KECAMATAN, Level.KABUPATEN)) if wilayah else home_kabupaten()
    if tahun is None:
        years = selectors.available_years(area, seri.value)
        if not years:
            return paginate(request, [], limit, offset, lambda r: r)
        tahun = years[-1]
    rows = selectors.year_rows(area, seri.value, tahun)
    if status:
        rows = [r for r in rows if r.status.upper() == status.strip().upper()]
    return paginate(
        request,
        sorted(rows, key=lambda r: r.kode),
        limit,
        offset,
        lambda r: {
            "kode": r.kode,
            "nama": r.nama,
            "kecamatan_kode": r.kecamatan_kode,
            "kecamatan_nama": r.kecamatan_nama,
            "nilai": _f(r.value),
            "status": r.status or None,
            "target_status": r.target_status or None,
            "peringkat": r.rank,
            "lengkap": r.complete,
            "nilai_tahun_sebelumnya": _f(r.previous_value),
        },
    )


@router.get("/wilayah/{kode}/idm/", response={200: list[HistoryRow], **ERRORS}, summary="Riwayat IDM satu dusun")
def idm_history(request: HttpRequest, kode: str = kode_path()):
    current_user(request)
    village = get_area(kode, (Level.DESA,))
    return [
        {"tahun": p.year, "seri": p.series, "nilai": p.value, "komponen": p.components, "status": p.status or None}
        for p in selectors.village_history(village)
    ]


@router.get("/wilayah/{kode}/idm/{tahun}/", response={200: dict, **ERRORS}, summary="IDM satu dusun satu tahun")
def idm_year(request: HttpRequest, kode: str = kode_path(), tahun: int = Path(..., ge=2015, le=2100)):
    """Skor setiap indikator dengan asalnya, IKS/IKE/IKL/IDM, status, target, skor minimal, penambahan;
    seri resmi di samping seri hitung, dan selisihnya."""
    current_user(request)
    village = get_area(kode, (Level.DESA,))
    response = indeks_api.idm(request, village.kode, tahun)
    body = body_of(response)
    if response.status_code != 200:
        raise ApiError(response.status_code, body.get("detail") or _("Tidak ditemukan."))
    return body

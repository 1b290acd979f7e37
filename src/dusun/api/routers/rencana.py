"""Development projects (public), as the transparency page shows them: accepted proposals with budget,
realisation, physical progress, delay; beneficiary households under 5 written "<5"; no names."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from dusun.rencana import selectors
from dusun.wilayah.models import Level
from dusun.wilayah.selectors import home_kabupaten

from ..auth import current_user
from ..common import KODE_PATTERN, AreaRef, get_area, ref
from ..errors import ERRORS
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, Page, paginate

router = Router(tags=["rencana"])


class ProjectOut(Schema):
    id: int
    dusun: AreaRef
    kecamatan: AreaRef
    tahun: int
    kegiatan: str
    bidang: str
    anggaran: float = Field(..., description="Rupiah.")
    realisasi: float = Field(..., description="Rupiah, kumulatif.")
    kemajuan_fisik_pct: int
    mulai: date
    target_selesai: date
    keadaan: str = Field(..., description="berjalan, terlambat atau selesai.")
    terlambat: bool
    penerima_kk: str = Field(..., description='Jumlah keluarga penerima; di bawah 5 ditulis "<5".')


def _project(item) -> dict:
    proposal = item.proposal
    return {
        "id": item.pk,
        "dusun": ref(proposal.dusun),
        "kecamatan": ref(proposal.dusun.parent),
        "tahun": proposal.year,
        "kegiatan": proposal.title,
        "bidang": proposal.bidang,
        "anggaran": float(item.budget),
        "realisasi": float(item.realised),
        "kemajuan_fisik_pct": item.progress_pct,
        "mulai": item.start_date,
        "target_selesai": item.end_date,
        "keadaan": str(item.state),
        "terlambat": bool(item.delayed),
        "penerima_kk": item.households_public,
    }


@router.get("/proyek/", response={200: Page[ProjectOut], **ERRORS}, summary="Kegiatan pembangunan (publik)")
def projects(
    request: HttpRequest,
    wilayah: str | None = Query(
        None, pattern=KODE_PATTERN, description="Dusun, kecamatan atau kabupaten; kosong = Bungo."
    ),
    tahun: int | None = Query(None, ge=2000, le=2100, description="Tahun pelaksanaan."),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    user = current_user(request)
    area = get_area(wilayah, (Level.DESA, Level.KECAMATAN, Level.KABUPATEN)) if wilayah else home_kabupaten()
    items = selectors.public_projects(area, user)
    if tahun is not None:
        items = [i for i in items if i.proposal.year == tahun]
    items.sort(key=lambda i: (i.proposal.year, i.proposal.dusun.kode, i.pk))
    return paginate(request, items, limit, offset, _project)

"""Economy of an area (public): a village's commodities, enterprises, markets and APBDes — the body of the
economy module's own API — or, for a kecamatan or the kabupaten, its villages' sums."""

from django.http import Http404, HttpRequest
from ninja import Query, Router

from dusun.ekonomi import selectors
from dusun.ekonomi import views as ekonomi_views
from dusun.wilayah.models import Level

from ..auth import current_user
from ..common import STAT_LEVELS, get_area, ref
from ..errors import ERRORS, ApiError
from ._util import body_of, plain
from .wilayah import kode_path

router = Router(tags=["ekonomi"])


@router.get("/wilayah/{kode}/ekonomi/", response={200: dict, **ERRORS}, summary="Ekonomi wilayah")
def economy(
    request: HttpRequest,
    kode: str = kode_path(),
    tahun: int | None = Query(None, ge=2000, le=2100, description="Tahun (kecamatan/kabupaten); kosong = terbaru."),
):
    """Dusun: komoditas (tahun terbaru), usaha, pasar, APBDes per tahun. Kecamatan/kabupaten: APBDes dan
    komoditas semua dusunnya dijumlahkan."""
    current_user(request)
    area = get_area(kode, STAT_LEVELS)
    if area.level == Level.DESA:
        try:
            return body_of(ekonomi_views.api(request, area.kode))
        except Http404 as exc:
            raise ApiError(404, str(exc)) from None
    finance = selectors.area_finance(area, tahun)
    commodities = selectors.area_commodities(area, tahun)
    return plain(
        {
            "wilayah": ref(area),
            "apbdes": finance,
            "komoditas": {
                "tahun": commodities["year"],
                "baris": [
                    {
                        "nama": row["commodity__name"],
                        "luas_ha": row["area_ha"],
                        "produksi_kg": row["production_kg"],
                        "jumlah_dusun": row["villages"],
                    }
                    for row in commodities["rows"]
                ],
            },
        }
    )

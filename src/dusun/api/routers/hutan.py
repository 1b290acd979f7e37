"""Forest change and carbon (public): natural-forest loss and gain between two land-cover snapshots, the
largest class changes, and the carbon account with its factor table — the figures of the /hutan/ pages."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from dusun.hutan import selectors, tasks
from dusun.hutan.change import ChangeError
from dusun.hutan.models import ChangeRun
from dusun.ruang import selectors as ruang
from dusun.wilayah.models import Level

from ..auth import current_user
from ..common import STAT_LEVELS, get_area, ref
from ..errors import ERRORS, ApiError
from ._util import plain
from .wilayah import kode_path

router = Router(tags=["hutan"])

YEAR = r"^[0-9]{4}$"
MAX_CHANGES = 50


def _carbon(matrix) -> tuple[dict | None, str | None]:
    table = selectors.default_table()
    if table is None:
        return None, None
    try:
        c = selectors.carbon(matrix, table)
    except selectors.CarbonError as error:
        return None, error.message
    return {
        "tabel_faktor": {"id": table.pk, "nama": table.name, "versi": table.version, "sumber": table.source},
        "stok_awal_tc": c.total_from,
        "stok_akhir_tc": c.total_to,
        "emisi_tc": c.emissions_tc,
        "serapan_tc": c.removals_tc,
        "bersih_tc": c.net_tc,
        "emisi_tco2e": c.emissions_co2e,
        "serapan_tco2e": c.removals_co2e,
        "bersih_tco2e": c.net_co2e,
        "per_kelas": [
            {"kelas": line.klass.code, "nama": line.klass.name_id, "faktor_tc_ha": line.factor, "awal_ha": line.ha}
            for line in c.stock_from
        ],
    }, None


def _matrix_body(matrix) -> dict:
    return {
        "hutan_alam_awal_ha": round(matrix.natural_forest_from, 4),
        "hutan_alam_akhir_ha": round(matrix.natural_forest_to, 4),
        "kehilangan_ha": round(matrix.loss_ha, 4),
        "pertambahan_ha": round(matrix.gain_ha, 4),
        "kehilangan_ha_per_tahun": round(matrix.loss_ha_per_year, 4),
        "laju_pct_per_tahun": round(matrix.rate_pct_per_year, 6) if matrix.rate_pct_per_year is not None else None,
        "peringatan": matrix.alert,
        "perubahan": [
            {"dari": a.code, "dari_nama": a.name_id, "ke": b.code, "ke_nama": b.name_id, "ha": round(ha, 4)}
            for a, b, ha in matrix.changes[:MAX_CHANGES]
        ],
    }


@router.get("/wilayah/{kode}/hutan/", response={200: dict, **ERRORS}, summary="Perubahan hutan dan karbon")
def forest(
    request: HttpRequest,
    kode: str = kode_path(),
    dari: str | None = Query(None, pattern=YEAR, description="Tahun potret awal; kosong = terlama."),
    ke: str | None = Query(None, pattern=YEAR, description="Tahun potret akhir; kosong = terbaru."),
):
    """Dusun: dihitung saat diminta. Kecamatan/kabupaten: jumlah dusunnya setelah perhitungan latar selesai;
    sementara itu `status` = `diproses` dan angka null (ulangi permintaan beberapa saat lagi)."""
    current_user(request)
    area = get_area(kode, STAT_LEVELS)
    # Missing data is a 404 (the request was fine, the data is not there); only a contradictory pair of
    # years is the caller's error (400).
    if len({s.pk for s in ruang.snapshots_in(area)}) < 2:
        raise ApiError(
            404,
            _("%(area)s belum punya dua potret tutupan lahan; perubahan butuh dua tahun untuk dibandingkan.")
            % {"area": area},
        )
    for year in (dari, ke):
        if year:
            try:
                ruang.resolve_snapshot(area, year)
            except ruang.StatsError as exc:
                raise ApiError(exc.status, exc.message) from None
    try:
        first, last = selectors.snapshot_pair(area, dari, ke)
    except ChangeError as error:
        raise ApiError(400, error.message) from None
    if area.level == Level.DESA:
        matrix, status = selectors.village_matrix(area, first, last), "selesai"
    else:
        matrix, run = selectors.area_matrix(area, first, last)
        if matrix is None:
            tasks.queue(run)
            run.refresh_from_db()
            if run.status == ChangeRun.Status.DONE:  # the immediate task backend (tests, a fast worker)
                matrix, run = selectors.area_matrix(area, first, last)
        status = "selesai" if matrix is not None else "diproses"
    body = {
        "wilayah": ref(area),
        "dari": {"tahun": first.year, "legenda": first.legend.code},
        "ke": {"tahun": last.year, "legenda": last.legend.code},
        "status": status,
        "ambang_peringatan": {"persen": selectors.alert_thresholds()[0], "min_ha": selectors.alert_thresholds()[1]},
        "perubahan_hutan": _matrix_body(matrix) if matrix is not None else None,
        "karbon": None,
        "karbon_galat": None,
    }
    if matrix is not None:
        body["karbon"], body["karbon_galat"] = _carbon(matrix)
    return plain(body)

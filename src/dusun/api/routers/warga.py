"""Census statistics. Public: the suppressed aggregates, exactly the body of the census module's own
statistics API. With a token of a role that may read the area's personal data (the village's operator,
the kabupaten admin — `scope.can_view_personal`, as the statistics page decides): the exact aggregates.
Households: only through `/keluarga/`, scoped and logged exactly as the /warga/ register list."""

from enum import StrEnum

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dusun.akun import scope
from dusun.akun.audit import log_access
from dusun.akun.models import AccessLog
from dusun.warga import selectors
from dusun.warga.choices import AGE_GROUPS
from dusun.warga.json_export import statistics_json
from dusun.warga.nik import mask
from dusun.wilayah.models import Level

from ..auth import current_user, token_auth
from ..common import KODE_PATTERN, STAT_LEVELS, get_area
from ..errors import ERRORS, ApiError
from ..pagination import MAX_OFFSET, Page, page_links
from .wilayah import kode_path

router = Router(tags=["warga"])


class Sex(StrEnum):
    L = "L"
    P = "P"


SEX = Query(None, description="L (laki-laki) atau P (perempuan); kosong = semua.")


@router.get("/wilayah/{kode}/penduduk/", response={200: dict, **ERRORS}, summary="Statistik penduduk (publik)")
def public(request: HttpRequest, kode: str = kode_path(), jenis_kelamin: Sex | None = SEX):
    """Agregat sensus dengan penekanan sel kecil: jumlah 1–4 tampil "<5", sel yang dapat dihitung balik
    disembunyikan (`jumlah: null, ditekan: komplementer`). Sama bagi siapa pun, dengan atau tanpa token."""
    current_user(request)
    area = get_area(kode, STAT_LEVELS)
    return statistics_json(selectors.public_statistics(area, sex=jenis_kelamin.value if jenis_kelamin else ""))


@router.get(
    "/wilayah/{kode}/penduduk/persis/",
    response={200: dict, **ERRORS},
    auth=token_auth,
    summary="Statistik penduduk persis (berwenang)",
)
def exact(
    request: HttpRequest,
    kode: str = kode_path(),
    jenis_kelamin: Sex | None = SEX,
    kelompok_umur: int | None = Query(
        None, ge=0, le=len(AGE_GROUPS) - 1, description="0: 0–4, 1: 5–14, 2: 15–24, 3: 25–44, 4: 45–64, 5: 65+."
    ),
    subwilayah: str | None = Query(None, pattern=KODE_PATTERN, description="Kode sub-wilayah (kampung/RT) dusun ini."),
):
    """Angka persis tanpa penekanan, hanya untuk operator dusun itu dan admin kabupaten (403 bagi yang lain,
    termasuk staf kecamatan). Tetap agregat: tidak ada data perorangan."""
    user = current_user(request)
    area = get_area(kode, STAT_LEVELS)
    if not selectors.can_see_exact(user, area):
        message = _("Angka persis %(area)s hanya untuk operator dusun itu dan admin kabupaten.") % {"area": area}
        raise ApiError(403, message)
    subunit = None
    if subwilayah:
        candidates = selectors.subunits_of(area) if area.level == Level.DESA else []
        subunit = next((s for s in candidates if s.kode == subwilayah), None)
        if subunit is None:
            raise ApiError(404, _("Sub-wilayah %(kode)s tidak ada di %(area)s.") % {"kode": subwilayah, "area": area})
    stats = selectors.exact_statistics(
        user, area, sex=jenis_kelamin.value if jenis_kelamin else "", age_group=kelompok_umur, subunit=subunit
    )
    body = statistics_json(stats)
    body["persis"] = True
    return body


# --- Households (personal data, scoped and logged) ---------------------------------------------------------

HOUSEHOLD_MAX_LIMIT = 100


class HouseholdOut(Schema):
    uuid: str | None = Field(None, description="Hanya untuk yang berwenang atas data pribadi.")
    nomor_kk: str | None = Field(None, description="Hanya untuk yang berwenang atas data pribadi.")
    nomor_kk_tersamar: str = Field(..., description="Nomor KK tersamar, mis. 1508********0001.")
    kepala_keluarga: str | None = Field(None, description="Hanya untuk yang berwenang atas data pribadi.")
    subwilayah: str | None
    anggota_aktif: int
    atribut: dict[str, str | None] | None = Field(None, description="Keadaan rumah (versi tersamar untuk verifikasi).")
    demo: bool | None = None


class HouseholdPage(Page[HouseholdOut]):
    pribadi: bool = Field(..., description="true: data pribadi (operator dusun, admin kabupaten); false: tersamar.")


@router.get(
    "/wilayah/{kode}/keluarga/",
    response={200: HouseholdPage, **ERRORS},
    auth=token_auth,
    summary="Keluarga satu dusun (berwenang)",
)
def households(
    request: HttpRequest,
    response: HttpResponse,
    kode: str = kode_path(),
    limit: int = Query(50, ge=1, le=HOUSEHOLD_MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Seperti daftar keluarga di /warga/: operator dusun itu dan admin kabupaten mendapat nomor KK dan nama
    kepala keluarga (setiap halaman dicatat di log akses data pribadi); staf kecamatan mendapat versi
    tersamar (nomor KK tersamar, tanpa nama); yang lain 403. Tidak ada pencarian: NIK dan nama tidak boleh
    masuk URL."""
    user = current_user(request)
    area = get_area(kode, (Level.DESA,))
    if not scope.can_view(user, area):
        raise ApiError(403, _("Anda tidak berwenang melihat data warga %(area)s.") % {"area": area})
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    if not scope.can_view_personal(user, area):
        # Kecamatan staff: the masked rows of the verification page (the selector pages by 50; a request
        # spans at most three of its pages). Its paginator clamps pages past the end, so stop at `count`.
        size = selectors.PAGE_SIZE
        page = selectors.masked_households(user, area, offset // size + 1)
        count = page.paginator.count
        rows = []
        if offset < count:
            number, skip = offset // size + 1, offset % size
            while len(rows) < limit:
                rows.extend(page.object_list[skip:])
                skip = 0
                if not page.has_next():
                    break
                number += 1
                page = selectors.masked_households(user, area, number)
        rows = rows[:limit]
        body = page_links(request, count, limit, offset)
        body["items"] = [
            {
                "nomor_kk_tersamar": r.kk_masked,
                "subwilayah": r.subunit or None,
                "anggota_aktif": r.active_members,
                "atribut": r.attributes,
            }
            for r in rows
        ]
        body["pribadi"] = False
        return body
    rows = selectors.households(user, area)
    count = rows.count()
    items = list(rows[offset : offset + limit])
    log_access(
        user,
        AccessLog.Action.LIST,
        wilayah=area,
        object_type="warga.household",
        object_ref=f"api:offset:{offset}",
        record_count=len(items),
        reason="API",
        request=request,
    )
    body = page_links(request, count, limit, offset)
    body["items"] = [
        {
            "uuid": str(h.uuid),
            "nomor_kk": h.kk_number,
            "nomor_kk_tersamar": mask(h.kk_number),
            "kepala_keluarga": h.head_name,
            "subwilayah": h.subunit.nama if h.subunit_id else None,
            "anggota_aktif": h.active_members,
            "demo": h.is_demo,
        }
        for h in items
    ]
    body["pribadi"] = True
    return body

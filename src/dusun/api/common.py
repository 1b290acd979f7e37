"""Glue shared by the routers: area lookup by Kemendagri code, level names, the caller."""

from enum import StrEnum

from django.utils.translation import gettext as _
from ninja import Schema

from dusun.wilayah.models import Level, Wilayah

from .errors import ApiError

# Dotted Kemendagri codes (15, 15.08, 15.08.14, 15.08.14.2009, 15.08.14.2009.RT01); anything else is a 400
# before any query runs.
KODE_PATTERN = r"^[0-9]{2}(\.[0-9A-Z-]{1,12}){0,5}$"
KODE_DESCRIPTION = "Kode wilayah Kemendagri bertitik, mis. 15.08 (Bungo) atau 15.08.14.2009 (Sungai Telang)."


class LevelName(StrEnum):
    provinsi = "provinsi"
    kabupaten = "kabupaten"
    kecamatan = "kecamatan"
    dusun = "dusun"
    subwilayah = "subwilayah"


LEVEL_BY_NAME = {
    LevelName.provinsi: Level.PROVINSI,
    LevelName.kabupaten: Level.KABUPATEN,
    LevelName.kecamatan: Level.KECAMATAN,
    LevelName.dusun: Level.DESA,
    LevelName.subwilayah: Level.SUBUNIT,
}
NAME_BY_LEVEL = {int(v): k.value for k, v in LEVEL_BY_NAME.items()}
STAT_LEVELS = (Level.DESA, Level.KECAMATAN, Level.KABUPATEN)


class AreaRef(Schema):
    kode: str
    nama: str
    level: str


def ref(area: Wilayah | None) -> dict | None:
    if area is None:
        return None
    return {"kode": area.kode, "nama": area.nama, "level": NAME_BY_LEVEL[area.level]}


def get_area(kode: str, levels: tuple[int, ...] | None = None) -> Wilayah:
    area = Wilayah.objects.select_related("parent__parent").filter(kode=kode).first()
    if area is None:
        raise ApiError(404, _("Wilayah dengan kode %(kode)s tidak ditemukan; lihat /api/v1/wilayah/.") % {"kode": kode})
    if levels is not None and area.level not in levels:
        names = ", ".join(NAME_BY_LEVEL[int(level)] for level in levels)
        raise ApiError(
            404,
            _("Data ini tersedia untuk wilayah tingkat %(levels)s; %(kode)s adalah %(level)s.")
            % {"levels": names, "kode": kode, "level": NAME_BY_LEVEL[area.level]},
        )
    return area

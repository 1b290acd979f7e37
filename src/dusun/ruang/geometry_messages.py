"""Geometry problems in words an operator understands: one table for the editor and the import report.

GEOS (GeoDjango's `valid_reason`) and PostGIS (`ST_IsValidReason`) report invalidity in English with the
place, e.g. "Self-intersection[102.01 -1.52]"; both pages show the same Bahasa explanation instead.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

GEOMETRY_WORDS = {
    "Point": gettext_lazy("titik"),
    "MultiPoint": gettext_lazy("multi-titik"),
    "LineString": gettext_lazy("garis"),
    "MultiLineString": gettext_lazy("multi-garis"),
    "Polygon": gettext_lazy("poligon"),
    "MultiPolygon": gettext_lazy("multi-poligon"),
}
# PostGIS's GeometryType() spells types in capitals; "EMPTY" is what the import writes for nothing left.
_UPPER_WORDS = {key.upper(): word for key, word in GEOMETRY_WORDS.items()}
_UPPER_WORDS.update(
    {
        "GEOMETRYCOLLECTION": gettext_lazy("kumpulan geometri campuran"),
        "EMPTY": gettext_lazy("geometri kosong"),
    }
)

_REASON = re.compile(r"^(?P<reason>[^\[]+)\[(?P<x>[-+\d.eE]+) (?P<y>[-+\d.eE]+)")
REASONS = {
    "Self-intersection": gettext_lazy(
        "sisi-sisinya saling bersilangan (seperti angka 8) di sekitar %(place)s; geser titik sudutnya agar "
        "sisi tidak bersilangan"
    ),
    "Ring Self-intersection": gettext_lazy(
        "cincinnya menyentuh dirinya sendiri di %(place)s; pisahkan titik sudut yang bertumpuk"
    ),
    "Too few points": gettext_lazy("terlalu sedikit titik sudut berbeda di sekitar %(place)s"),
    "Hole lies outside shell": gettext_lazy("lubang poligon berada di luar batas luarnya (%(place)s)"),
    "Nested holes": gettext_lazy("ada lubang di dalam lubang (%(place)s)"),
    "Interior is disconnected": gettext_lazy("lubang-lubang memotong poligon menjadi beberapa bagian (%(place)s)"),
    "Nested shells": gettext_lazy("bagian poligon bertumpuk di dalam bagian lain (%(place)s)"),
    "Duplicate Rings": gettext_lazy("ada cincin yang sama dua kali (%(place)s)"),
}


def geometry_words(types) -> str:
    return ", ".join(str(GEOMETRY_WORDS.get(t, t)) for t in types)


def geometry_type_word(name: str) -> str:
    """A geometry type as GEOS ("Polygon") or PostGIS ("POLYGON", "EMPTY") spells it, in Bahasa."""
    word = GEOMETRY_WORDS.get(name) or _UPPER_WORDS.get((name or "").upper())
    return str(word) if word else name


def explain_validity(reason: str) -> tuple[str, tuple[float, float] | None]:
    """The Bahasa explanation of a GEOS/PostGIS validity reason, and its place as (lon, lat) when given.

    A reason without a place is returned as it is (there is nothing to point at); a known reason with a
    place is explained with the place written as "lat, lon", the order GPS apps and QGIS show.
    """
    reason = (reason or "").strip()
    match = _REASON.match(reason)
    if match is None:
        explained = REASONS.get(reason)
        return (str(explained) % {"place": _("tempat yang tidak disebutkan")} if explained else reason), None
    lon, lat = float(match["x"]), float(match["y"])
    place = f"{lat:.6f}, {lon:.6f}"
    explained = REASONS.get(match["reason"].strip())
    detail = (str(explained) % {"place": place}) if explained else f"{match['reason'].strip()} ({place})"
    return detail, (lon, lat)

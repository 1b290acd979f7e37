"""Locations of problems and proposals: parsing, the inside-the-village check, and what "inside" means
for counting beneficiaries.

"Inside" a location is decided on the WGS 84 ellipsoid (PostGIS geography, never one UTM zone): a household
counts when the geodesic distance from its house point to the location is at most the proposal's reach
(`buffer_m`). Polygons default to a reach of 0 m (the house is in the polygon or on its edge); lines
default to 100 m either side (a road or a water pipe serves the houses along it); points default to 250 m
(a well, a posyandu, a bridge serves its surroundings). The operator may change the reach; the page
always shows it next to the numbers.
"""

import json

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, F, Func
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dusun.warga.choices import ResidentStatus
from dusun.warga.models import Household, Resident
from dusun.wilayah.models import Wilayah

DEFAULT_BUFFER_M = {"Point": 250, "MultiPoint": 250, "LineString": 100, "MultiLineString": 100}
MAX_BUFFER_M = 5000
ACCEPTED_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")


# How a location is named to people (documents, lists): what it is, not the GEOS type name.
SHAPE_LABELS = {
    "Point": gettext_lazy("titik"),
    "MultiPoint": gettext_lazy("titik"),
    "LineString": gettext_lazy("garis"),
    "MultiLineString": gettext_lazy("garis"),
    "Polygon": gettext_lazy("area"),
    "MultiPolygon": gettext_lazy("area"),
}


def shape_label(geom: GEOSGeometry) -> str:
    return str(SHAPE_LABELS.get(geom.geom_type, geom.geom_type))


def default_buffer(geom: GEOSGeometry) -> int:
    return DEFAULT_BUFFER_M.get(geom.geom_type, 0)


def parse_location(text: str, dusun: Wilayah) -> GEOSGeometry:
    """A GeoJSON geometry (as drawn on the map) or WKT, checked to be valid and inside the village."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Lokasi belum ditentukan. Klik peta untuk menaruh titik, garis atau area."))
    try:
        if text.startswith("{"):
            data = json.loads(text)
            if data.get("type") == "Feature":
                data = data.get("geometry") or {}
            geom = GEOSGeometry(json.dumps(data), srid=4326)
        else:
            geom = GEOSGeometry(text, srid=4326)
    except (ValueError, TypeError, AttributeError, GEOSException):
        raise ValidationError(
            _("Lokasi tidak terbaca: isikan GeoJSON atau WKT dalam koordinat bujur/lintang.")
        ) from None
    if geom.srid != 4326:
        geom.srid = 4326
    if geom.geom_type not in ACCEPTED_TYPES:
        raise ValidationError(_("Lokasi harus titik, garis atau area, bukan %(type)s.") % {"type": geom.geom_type})
    if geom.empty:
        raise ValidationError(_("Lokasi kosong. Gambar titik, garis atau area di peta."))
    if not geom.valid:
        raise ValidationError(
            _("Bentuk lokasi tidak sah (%(reason)s). Gambar ulang tanpa garis yang saling memotong.")
            % {"reason": geom.valid_reason}
        )
    if not Wilayah.objects.filter(pk=dusun.pk, geom__covers=geom).exists():
        raise ValidationError(
            _("Lokasi berada (sebagian) di luar batas %(nama)s. Pindahkan ke dalam batas desa yang tampak di peta.")
            % {"nama": dusun.nama}
        )
    return geom


class WithinMetres(Func):
    """`ST_DWithin(column::geography, geom::geography, metres)`: geodesic, whatever the query's aliases."""

    output_field = BooleanField()

    def __init__(self, column, ewkt: str, metres: float):
        super().__init__(column)
        self.ewkt, self.metres = ewkt, metres

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"ST_DWithin(({sql})::geography, ST_GeomFromEWKT(%s)::geography, %s)",
            [*params, self.ewkt, self.metres],
        )


def households_inside(dusun: Wilayah, geom: GEOSGeometry, buffer_m: int):
    """The census households of the village whose house point lies within `buffer_m` metres of `geom`."""
    near = WithinMetres(F("location"), geom.ewkt, float(buffer_m))
    return Household.objects.filter(dusun=dusun, location__isnull=False).alias(near=near).filter(near=True)


def beneficiaries(dusun: Wilayah, geom: GEOSGeometry, buffer_m: int) -> tuple[int, int]:
    """(households, persons living there now) inside the location."""
    households = households_inside(dusun, geom, buffer_m)
    persons = Resident.objects.filter(household__in=households, status=ResidentStatus.AKTIF).count()
    return households.count(), persons


def geodesic_size(geom: GEOSGeometry) -> tuple[float, str]:
    """Length in metres of a line, area in hectares of a polygon, 0 for a point (for display)."""
    with connection.cursor() as cursor:
        if geom.dims == 1:
            cursor.execute("SELECT ST_Length(ST_GeomFromEWKT(%s)::geography)", [geom.ewkt])
            return round(cursor.fetchone()[0], 1), "m"
        if geom.dims == 2:
            cursor.execute("SELECT ST_Area(ST_GeomFromEWKT(%s)::geography) / 10000.0", [geom.ewkt])
            return round(cursor.fetchone()[0], 2), "ha"
    return 0.0, ""

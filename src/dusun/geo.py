"""Spatial helpers shared by every module.

Areas are always geodesic (on the WGS 84 ellipsoid, PostGIS `geography`), never from one UTM zone:
Bungo straddles UTM 47S/48S and a single zone over-states hectares by 0.15–0.25 %.
"""

from django.db.models import DecimalField, FloatField, Func


class GeodesicAreaHa(Func):
    """Area of a 4326 geometry in hectares, on the ellipsoid (ST_Area of the geography cast)."""

    template = "(ST_Area(%(expressions)s::geography) / 10000.0)"
    output_field = FloatField()


class GeodesicAreaHaRounded(Func):
    """The same, rounded to 0.01 ha for storage in a DecimalField."""

    template = "round((ST_Area(%(expressions)s::geography) / 10000.0)::numeric, 2)"
    output_field = DecimalField(max_digits=14, decimal_places=2)

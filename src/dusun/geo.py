"""Spatial helpers shared by every module.

Areas and lengths are always geodesic (on the WGS 84 ellipsoid, PostGIS `geography`), never from one UTM
zone: Bungo straddles UTM 47S/48S and a single zone over-states hectares by 0.15–0.25 %.
"""

from django.db.models import DecimalField, FloatField, Func


class GeodesicAreaHa(Func):
    """Area of a 4326 geometry in hectares, on the ellipsoid (ST_Area of the geography cast)."""

    template = "(ST_Area(%(expressions)s::geography) / 10000.0)"
    output_field = FloatField()


class GeodesicAreaHaRounded(Func):
    """Geodesic area rounded for a DecimalField: hectares by default, square metres with per_hectare=False."""

    output_field = DecimalField(max_digits=16, decimal_places=4)

    def __init__(self, expression, decimals: int = 2, per_hectare: bool = True, **extra):
        divisor = "10000.0" if per_hectare else "1.0"
        self.template = f"round((ST_Area(%(expressions)s::geography) / {divisor})::numeric, {int(decimals)})"
        super().__init__(expression, **extra)


class GeodesicLengthM(Func):
    """Length of a 4326 line in metres on the ellipsoid, rounded to centimetres."""

    template = "round(ST_Length(%(expressions)s::geography)::numeric, 2)"
    output_field = DecimalField(max_digits=14, decimal_places=2)

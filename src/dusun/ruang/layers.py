"""The layer registry: one description per spatial layer, used by import, export, tiles, popups, stats.

Like pygeoapi's providers, everything generic (GDAL import, export formats, vector tiles, TileJSON) works
from a `LayerSpec`, so adding a layer is adding a model and one entry here. The slug is the layer's name
in URLs and files (Bahasa, as users say it).
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import models as m

# Bookkeeping fields every feature has; the rest of a model's fields are its attribute schema.
BASE_FIELDS = ("id", "dusun", "import_batch", "created_by", "created_at", "updated_at", "is_demo", "geom")


@dataclass(frozen=True)
class LayerSpec:
    slug: str
    model: type[m.SpatialFeature]
    title: str
    # OGC simple-feature types accepted on import (after promoting single to multi where the column is multi).
    geometry_types: tuple[str, ...]
    # Geodesic measure kept in step with the geometry by the services: ("area_ha" | "area_m2" | "length_m", unit)
    measure: tuple[str, str] | None = None
    # Attribute used to colour the layer and to group statistics.
    category_field: str = "kind"
    extra_base_fields: tuple[str, ...] = field(default_factory=tuple)

    @property
    def attribute_fields(self) -> list[models.Field]:
        """The importable/exportable attributes, in model order, with their Bahasa labels and choices."""
        skip = set(BASE_FIELDS) | set(self.extra_base_fields) | ({self.measure[0]} if self.measure else set())
        return [f for f in self.model._meta.concrete_fields if f.name not in skip]


LAYERS: dict[str, LayerSpec] = {
    spec.slug: spec
    for spec in [
        LayerSpec(
            "tutupan-lahan",
            m.LandCover,
            _("Tutupan lahan"),
            ("Polygon", "MultiPolygon"),
            ("area_ha", "ha"),
            category_field="klass",
        ),
        LayerSpec("fasilitas", m.Facility, _("Fasilitas"), ("Point",)),
        LayerSpec(
            "jaringan",
            m.LineFeature,
            _("Jalan, sungai, irigasi, listrik"),
            ("LineString", "MultiLineString"),
            ("length_m", "m"),
        ),
        LayerSpec("potensi", m.Potential, _("Potensi"), ("Point", "LineString", "Polygon", "MultiPolygon")),
        LayerSpec("bencana", m.Hazard, _("Bencana dan PETI"), ("Point", "Polygon", "MultiPolygon")),
        LayerSpec(
            "kawasan", m.ManagedArea, _("Kawasan kelola dan izin"), ("Polygon", "MultiPolygon"), ("area_ha", "ha")
        ),
        LayerSpec(
            "bangunan",
            m.Building,
            _("Bangunan"),
            ("Polygon", "MultiPolygon"),
            ("area_m2", "m2"),
            category_field="use",
        ),
        LayerSpec(
            "persil", m.Parcel, _("Persil"), ("Polygon", "MultiPolygon"), ("area_ha", "ha"), category_field="tenure"
        ),
    ]
}


def get_layer(slug: str) -> LayerSpec:
    """The layer for a URL slug; KeyError for an unknown one (views turn it into a 404)."""
    return LAYERS[slug]

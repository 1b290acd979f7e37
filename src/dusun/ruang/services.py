"""Writes to the spatial layers. Every change of a feature goes through here, so that each one is
permission-checked against the user's area scope, has its geodesic measure recomputed, and leaves a
`FeatureRevision` behind (the edit history)."""

import json

from django.contrib.gis.geos import GEOSGeometry, MultiLineString, MultiPolygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dusun.akun import scope
from dusun.geo import GeodesicAreaHaRounded, GeodesicLengthM
from dusun.wilayah.models import Level, Wilayah

from .layers import LayerSpec
from .models import FeatureRevision, SpatialFeature


def coerce_geometry(spec: LayerSpec, geom: GEOSGeometry) -> GEOSGeometry:
    """Promote single geometries to the layer's multi type and refuse a type the layer does not take."""
    if geom.srid != 4326:
        raise ValidationError(_("Geometri harus dalam EPSG:4326 (WGS 84)."))
    if geom.geom_type not in spec.geometry_types:
        raise ValidationError(
            _("Lapisan %(layer)s menerima %(accepted)s, bukan %(type)s.")
            % {"layer": spec.title, "accepted": ", ".join(spec.geometry_types), "type": geom.geom_type}
        )
    column = spec.model._meta.get_field("geom").geom_type
    if column == "MULTIPOLYGON" and geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=4326)
    elif column == "MULTILINESTRING" and geom.geom_type == "LineString":
        geom = MultiLineString(geom, srid=4326)
    if not geom.valid:
        raise ValidationError(
            _("Geometri tidak sah (%(reason)s). Perbaiki lalu simpan lagi.") % {"reason": geom.valid_reason}
        )
    return geom


def recompute_measures(spec: LayerSpec, features: QuerySet) -> None:
    """Store each feature's geodesic area or length, computed by PostGIS on the WGS 84 ellipsoid."""
    if spec.measure is None:
        return
    field_name, unit = spec.measure
    if unit == "ha":
        features.update(**{field_name: GeodesicAreaHaRounded("geom", decimals=4)})
    elif unit == "m2":
        features.update(**{field_name: GeodesicAreaHaRounded("geom", decimals=2, per_hectare=False)})
    else:
        features.update(**{field_name: GeodesicLengthM("geom")})


def feature_snapshot(spec: LayerSpec, feature: SpatialFeature) -> dict:
    """A feature's attributes and geometry as plain JSON, for the revision history."""
    data = {}
    for f in spec.attribute_fields:
        value = getattr(feature, f.attname)
        data[f.attname] = (
            value.isoformat()
            if hasattr(value, "isoformat")
            else (str(value) if value is not None and not isinstance(value, (int, float, str, bool)) else value)
        )
    data["dusun"] = feature.dusun.kode if feature.dusun_id else None
    data["geometry"] = json.loads(feature.geom.geojson) if feature.geom else None
    return data


def _check_editable(user, dusun: Wilayah) -> None:
    if dusun.level != Level.DESA:
        raise ValidationError(_("Fitur harus milik satu desa, bukan %(area)s.") % {"area": dusun})
    if not scope.can_edit(user, dusun):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data %(area)s.") % {"area": dusun})


def _check_inside(dusun: Wilayah, geom: GEOSGeometry) -> None:
    """A feature must at least touch its village (boundaries are simplified, so edges may stick out)."""
    if dusun.geom is not None and not Wilayah.objects.filter(pk=dusun.pk, geom__intersects=geom).exists():
        raise ValidationError(
            _("Geometri berada di luar batas %(area)s. Gambar atau impor fitur di dalam wilayahnya.") % {"area": dusun}
        )


def _revise(spec: LayerSpec, feature: SpatialFeature, action: str, user) -> None:
    FeatureRevision.objects.create(
        layer=spec.slug,
        feature_id=feature.pk,
        dusun_id=feature.dusun_id,
        action=action,
        data=feature_snapshot(spec, feature),
        user=user if getattr(user, "is_authenticated", False) else None,
    )


@transaction.atomic
def create_feature(spec: LayerSpec, *, user, dusun: Wilayah, geom: GEOSGeometry, attributes: dict) -> SpatialFeature:
    _check_editable(user, dusun)
    geom = coerce_geometry(spec, geom)
    _check_inside(dusun, geom)
    feature = spec.model(dusun=dusun, geom=geom, **attributes)
    if getattr(user, "is_authenticated", False):
        feature.created_by = user
    feature.full_clean()
    feature.save()
    recompute_measures(spec, spec.model.objects.filter(pk=feature.pk))
    feature.refresh_from_db()
    _revise(spec, feature, FeatureRevision.Action.CREATE, user)
    return feature


@transaction.atomic
def update_feature(
    spec: LayerSpec, feature: SpatialFeature, *, user, geom: GEOSGeometry | None = None, attributes: dict | None = None
) -> SpatialFeature:
    feature = spec.model.objects.select_for_update().get(pk=feature.pk)
    _check_editable(user, feature.dusun)
    if geom is not None:
        feature.geom = coerce_geometry(spec, geom)
        _check_inside(feature.dusun, feature.geom)
    for name, value in (attributes or {}).items():
        setattr(feature, name, value)
    feature.full_clean()
    feature.save()
    recompute_measures(spec, spec.model.objects.filter(pk=feature.pk))
    feature.refresh_from_db()
    _revise(spec, feature, FeatureRevision.Action.UPDATE, user)
    return feature


@transaction.atomic
def delete_feature(spec: LayerSpec, feature: SpatialFeature, *, user) -> None:
    _check_editable(user, feature.dusun)
    _revise(spec, feature, FeatureRevision.Action.DELETE, user)
    feature.delete()

"""Reads for the feature editor and its JSON API: a layer's features in one village as GeoJSON, one
feature, its edit history, and what the editor page needs around them (boundary, snapshots, classes).

Spatial layers hold no personal data, so features are public; only the names of the people who edited
them (in the history) are limited to users who may see the village's internal data.
"""

import json
from decimal import Decimal

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import models
from django.shortcuts import get_object_or_404

from dusun.akun import scope
from dusun.wilayah.models import Level, Wilayah
from dusun.wilayah.selectors import map_features

from .layers import LAYERS, LayerSpec
from .models import FeatureRevision, LandCoverSnapshot, SpatialFeature

# Seven decimals (≈ 1 cm) so that a feature loaded, left untouched and saved again keeps its vertices.
GEOJSON_PRECISION = 7


def editable_layers() -> list[LayerSpec]:
    return list(LAYERS.values())


def get_village(kode: str) -> Wilayah:
    return get_object_or_404(Wilayah.objects.select_related("parent"), kode=kode, level=Level.DESA)


def snapshots() -> models.QuerySet[LandCoverSnapshot]:
    return LandCoverSnapshot.objects.select_related("legend").order_by("-year", "name")


def _related(spec: LayerSpec) -> list[str]:
    return ["dusun"] + [f.name for f in spec.attribute_fields if f.is_relation]


def feature_queryset(spec: LayerSpec) -> models.QuerySet:
    # The village's boundary is never needed here and would be decoded once per feature.
    return spec.model.objects.select_related(*_related(spec)).defer("dusun__geom")


def get_feature(spec: LayerSpec, pk: int) -> SpatialFeature:
    return get_object_or_404(feature_queryset(spec), pk=pk)


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def feature_version(feature: SpatialFeature) -> str:
    """Changes whenever the feature is saved: the editor sends it back (If-Match) to detect lost updates."""
    return f"{feature.pk}-{feature.updated_at.timestamp():.6f}"


def feature_properties(spec: LayerSpec, feature: SpatialFeature) -> dict:
    props: dict = {"id": feature.pk, "layer": spec.slug, "dusun": feature.dusun.kode}
    for f in spec.attribute_fields:
        if f.is_relation:
            related = getattr(feature, f.name)
            props[f.name] = related.pk if related else None
            props[f"{f.name}_label"] = str(related) if related else ""
        else:
            value = getattr(feature, f.attname)
            props[f.name] = _json_value(value)
            if f.choices:
                props[f"{f.name}_label"] = str(getattr(feature, f"get_{f.name}_display")()) if value else ""
    if spec.measure:
        props[spec.measure[0]] = _json_value(getattr(feature, spec.measure[0]))
    if spec.slug == "tutupan-lahan":
        props["klass_code"] = feature.klass.code
        props["colour"] = feature.klass.colour
    props["source_kind"] = "import" if feature.import_batch_id else "manual"
    props["is_demo"] = feature.is_demo
    props["updated_at"] = feature.updated_at.isoformat()
    props["version"] = feature_version(feature)
    return props


def feature_geojson(spec: LayerSpec, feature: SpatialFeature) -> dict:
    geometry = getattr(feature, "geojson", None)
    geometry = json.loads(geometry) if geometry else json.loads(feature.geom.json)
    return {"type": "Feature", "id": feature.pk, "geometry": geometry, "properties": feature_properties(spec, feature)}


def feature_collection(spec: LayerSpec, village: Wilayah, snapshot: LandCoverSnapshot | None = None) -> dict:
    """Every feature of a layer in one village (fine at village scale: hundreds to a few thousand)."""
    features = (
        feature_queryset(spec)
        .filter(dusun=village)
        .annotate(geojson=AsGeoJSON("geom", precision=GEOJSON_PRECISION))
        .defer("geom")
        .order_by("pk")
    )
    if snapshot is not None:
        features = features.filter(snapshot=snapshot)
    return {
        "type": "FeatureCollection",
        "layer": spec.slug,
        "dusun": village.kode,
        "features": [feature_geojson(spec, f) for f in features],
    }


def feature_history(spec: LayerSpec, feature_id: int, viewer) -> dict | None:
    """The revisions of a feature, newest first; kept after a delete, so None only if it never existed."""
    revisions = list(
        FeatureRevision.objects.filter(layer=spec.slug, feature_id=feature_id)
        .select_related("user", "dusun")
        .order_by("-at", "-pk")
    )
    if not revisions:
        return None
    village = revisions[0].dusun
    show_names = scope.can_view(viewer, village)
    return {
        "layer": spec.slug,
        "feature_id": feature_id,
        "dusun": village.kode,
        "exists": spec.model.objects.filter(pk=feature_id).exists(),
        "revisions": [
            {
                "id": r.pk,
                "action": r.action,
                "action_label": str(r.get_action_display()),
                "at": r.at.isoformat(),
                "user": (r.user.get_username() if r.user else None) if show_names else None,
                "data": r.data,
            }
            for r in revisions
        ],
    }


def boundary(village: Wilayah) -> dict:
    return map_features([(village, "focus")])

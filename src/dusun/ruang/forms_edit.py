"""Input of the feature editor and its JSON API: a GeoJSON geometry and a layer's attributes.

Everything here only *reads and checks* what a browser or a script sent, with messages in Bahasa that say
what is wrong and where; the writes, the scope check and the authoritative geometry checks stay in
`services`, which every save goes through.
"""

import math

from django import forms
from django.contrib.gis.geos import (
    GEOSGeometry,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .geometry_messages import GEOMETRY_WORDS, explain_validity, geometry_words
from .layers import LayerSpec
from .models import LandCoverSnapshot, LegendClass

# A village-scale feature drawn or edited by hand has hundreds of vertices, an imported forest boundary
# a few tens of thousands; anything beyond this belongs in the import wizard, not in one request.
MAX_VERTICES = 50_000

# Nesting depth of "coordinates" for each GeoJSON type (a position is depth 0).
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


class GeometryError(ValidationError):
    """A geometry problem, optionally with the place it occurs ([lon, lat]) so the map can point at it."""

    def __init__(self, message: str, location: tuple[float, float] | None = None):
        super().__init__(message, code="geometry")
        self.location = location


def _position(value, where: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) < 2 or len(value) > 4:
        raise GeometryError(_("Posisi %(where)s harus berupa [bujur, lintang].") % {"where": where})
    lon, lat = value[0], value[1]
    # bool is an int in Python, but `true` is never a coordinate.
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        raise GeometryError(_("Posisi %(where)s berisi nilai yang bukan angka.") % {"where": where})
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeometryError(_("Posisi %(where)s berisi angka tak hingga atau NaN.") % {"where": where})
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(
            _(
                "Koordinat [%(lon)s, %(lat)s] di luar jangkauan (bujur −180…180, lintang −90…90). "
                "GeoJSON memakai urutan [bujur, lintang] dalam derajat WGS 84; apakah urutannya terbalik "
                "atau koordinatnya dalam meter?"
            )
            % {"lon": lon, "lat": lat}
        )
    # A third (altitude) or fourth (measure) value is dropped: the layers are two-dimensional.
    return float(lon), float(lat)


def _positions(value, depth: int, where: str, counter: list[int]):
    if depth == 0:
        counter[0] += 1
        if counter[0] > MAX_VERTICES:
            raise GeometryError(
                _("Geometri memiliki lebih dari %(max)s titik sudut. Sederhanakan atau gunakan impor berkas.")
                % {"max": f"{MAX_VERTICES:,}".replace(",", ".")}
            )
        return _position(value, where)
    if not isinstance(value, (list, tuple)):
        raise GeometryError(_("Susunan koordinat tidak sesuai jenis geometrinya (%(where)s).") % {"where": where})
    return [_positions(item, depth - 1, f"{where}[{i}]", counter) for i, item in enumerate(value)]


def _line(coords, where: str) -> LineString:
    if len(coords) < 2:
        raise GeometryError(_("Garis %(where)s perlu sedikitnya 2 titik.") % {"where": where})
    return LineString(coords)


def _polygon(rings, where: str) -> Polygon:
    if not rings:
        raise GeometryError(_("Poligon %(where)s tidak memiliki cincin.") % {"where": where})
    built = []
    for i, ring in enumerate(rings):
        if len(ring) < 4:
            raise GeometryError(
                _(
                    "Cincin poligon %(where)s perlu sedikitnya 3 titik sudut berbeda (4 posisi, yang terakhir sama "
                    "dengan yang pertama)."
                )
                % {"where": f"{where}[{i}]"},
                location=ring[0] if ring else None,
            )
        if ring[0] != ring[-1]:
            raise GeometryError(
                _("Cincin poligon %(where)s tidak tertutup: posisi terakhir harus sama dengan yang pertama.")
                % {"where": f"{where}[{i}]"},
                location=ring[0],
            )
        built.append(LinearRing(ring))
    return Polygon(*built)


def parse_geometry(value) -> GEOSGeometry:
    """A GeoJSON geometry object (RFC 7946: WGS 84 longitude/latitude) as a GEOS geometry in EPSG:4326.

    Built from checked coordinates with GEOS directly rather than handed to GDAL's GeoJSON reader, so
    that every malformed input gets a precise message instead of a library error (or a crash).
    """
    if not isinstance(value, dict):
        raise GeometryError(
            _('Geometri harus berupa objek GeoJSON, mis. {"type": "Point", "coordinates": [102.1, -1.5]}.')
        )
    kind = value.get("type")
    if kind == "GeometryCollection":
        raise GeometryError(_("GeometryCollection tidak didukung; kirim satu fitur per geometri."))
    if kind not in _DEPTH:
        raise GeometryError(
            _("Jenis geometri '%(type)s' tidak dikenal. Gunakan Point, LineString, Polygon atau versi Multi-nya.")
            % {"type": str(kind)[:40]}
        )
    if "coordinates" not in value:
        raise GeometryError(_('Geometri tidak memiliki koordinat ("coordinates").'))
    coords = _positions(value["coordinates"], _DEPTH[kind], "coordinates", [0])
    if kind != "Point" and not coords:
        raise GeometryError(_("Geometri kosong: tidak ada koordinat."))
    if kind == "Point":
        geom = Point(coords)
    elif kind == "MultiPoint":
        geom = MultiPoint([Point(c) for c in coords])
    elif kind == "LineString":
        geom = _line(coords, "coordinates")
    elif kind == "MultiLineString":
        geom = MultiLineString([_line(c, f"coordinates[{i}]") for i, c in enumerate(coords)])
    elif kind == "Polygon":
        geom = _polygon(coords, "coordinates")
    else:
        geom = MultiPolygon([_polygon(c, f"coordinates[{i}]") for i, c in enumerate(coords)])
    geom.srid = 4326
    return geom


def check_geometry(spec: LayerSpec, geom: GEOSGeometry) -> None:
    """The layer's geometry type and OGC validity, in words an operator understands, with the place.

    `services.coerce_geometry` checks the same and stays the authority; this only explains it better.
    """
    if geom.geom_type not in spec.geometry_types:
        raise GeometryError(
            _("Lapisan %(layer)s hanya menerima %(accepted)s, bukan %(type)s.")
            % {
                "layer": spec.title,
                "accepted": geometry_words(spec.geometry_types),
                "type": GEOMETRY_WORDS.get(geom.geom_type, geom.geom_type),
            }
        )
    if geom.valid:
        return
    detail, place = explain_validity(geom.valid_reason)
    if place is None:
        raise GeometryError(_("Geometri tidak sah (%(reason)s). Perbaiki lalu simpan lagi.") % {"reason": detail})
    raise GeometryError(
        _("Geometri tidak sah: %(detail)s. Perbaiki lalu simpan lagi.") % {"detail": detail}, location=place
    )


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LegendClass) -> str:
        return f"{obj.code} · {obj.name_id}"


class SnapshotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LandCoverSnapshot) -> str:
        return f"{obj.name} ({obj.year}, {obj.legend.name})"


class FeatureAttributesForm(forms.Form):
    """The attributes of one layer (LayerSpec.attribute_fields), with the models' Bahasa labels and choices.

    Used twice: rendered as the editor's attribute form, and bound to a GeoJSON Feature's `properties`
    by the API. `partial=True` (PATCH) keeps only the fields that were sent. For land cover, `klass` may
    also be given as `klass_code` (the class code in the snapshot's legend), which is what scripts know.
    """

    def __init__(
        self,
        spec: LayerSpec,
        data: dict | None = None,
        *,
        snapshot: LandCoverSnapshot | None = None,
        partial: bool = False,
        creating: bool = False,
    ):
        self.spec = spec
        self.fixed_snapshot = snapshot
        self._not_scalar: set[str] = set()
        self._unknown_class_code: str | None = None
        self._class_conflict = False
        if data is not None:
            data = self._prepare(dict(data), creating)
        super().__init__(data, auto_id="id_attr_%s")
        for model_field in self._ordered_fields():
            self.fields[model_field.name] = self._form_field(model_field)
        if partial and data is not None:
            for name in list(self.fields):
                if name not in data:
                    del self.fields[name]

    def _ordered_fields(self) -> list[models.Field]:
        # The field that classes the feature (kind, class, use, tenure) comes first: it is what the
        # operator chooses every time, the rest is optional detail.
        fields = self.spec.attribute_fields
        first = [f for f in fields if f.name == self.spec.category_field]
        return first + [f for f in fields if f.name != self.spec.category_field]

    def _form_field(self, model_field: models.Field) -> forms.Field:
        if model_field.name == "snapshot":
            field = SnapshotChoiceField(
                queryset=LandCoverSnapshot.objects.select_related("legend"), label=capfirst(model_field.verbose_name)
            )
            if self.fixed_snapshot is not None:
                field.initial = self.fixed_snapshot.pk
                field.widget = forms.HiddenInput()
            return field
        if model_field.name == "klass":
            classes = LegendClass.objects.select_related("legend")
            if self.fixed_snapshot is not None:
                classes = classes.filter(legend_id=self.fixed_snapshot.legend_id)
            return ClassChoiceField(
                queryset=classes, label=capfirst(model_field.verbose_name), empty_label=_("— pilih kelas —")
            )
        field = model_field.formfield()
        if isinstance(field, forms.TypedChoiceField):
            # Django's "---------" means nothing to an operator.
            field.choices = [("", _("— pilih —") if field.required else _("— tidak diisi —"))] + [
                c for c in field.choices if c[0] != ""
            ]
        if isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.update({"rows": 2, "cols": 30})
        if isinstance(field, forms.CharField) and field.max_length:
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
        return field

    def _prepare(self, data: dict, creating: bool) -> dict:
        """JSON values as a form expects them: null as empty, numbers as text, class codes as classes."""
        if creating:
            for model_field in self.spec.attribute_fields:
                if model_field.name not in data and model_field.has_default():
                    data[model_field.name] = model_field.get_default()
        if self.fixed_snapshot is not None:
            data.setdefault("snapshot", self.fixed_snapshot.pk)
        code = data.pop("klass_code", None)
        if code is not None and "klass" in {f.name for f in self.spec.attribute_fields}:
            legend_id = self._legend_id(data.get("snapshot"))
            found = LegendClass.objects.filter(legend_id=legend_id, code=str(code)).values_list("pk", flat=True)
            if not found:
                data["klass"] = ""
                self._unknown_class_code = str(code)[:40]
            elif data.get("klass") in (None, "") or str(data["klass"]) == str(found[0]):
                data["klass"] = found[0]
            else:
                # A feature read from the API carries both; one was changed and the other not.
                self._class_conflict = True
        prepared = {}
        for key, value in data.items():
            if value is None:
                prepared[key] = ""
            elif isinstance(value, bool):
                prepared[key] = "true" if value else "false"
            elif isinstance(value, (int, float, str)):
                prepared[key] = str(value)
            else:
                # Lists and objects are never attribute values; reported by clean().
                self._not_scalar.add(key)
                prepared[key] = ""
        return prepared

    def _legend_id(self, snapshot_value) -> int | None:
        if self.fixed_snapshot is not None:
            return self.fixed_snapshot.legend_id
        try:
            return LandCoverSnapshot.objects.values_list("legend_id", flat=True).get(pk=int(snapshot_value))
        except (TypeError, ValueError, LandCoverSnapshot.DoesNotExist):
            return None

    def clean(self):
        cleaned = super().clean()
        for name in self._not_scalar & set(self.fields):
            self._errors.pop(name, None)
            cleaned.pop(name, None)
            self.add_error(name, _("Nilai harus berupa teks atau angka, bukan daftar atau objek."))
        if self._class_conflict and "klass" in self.fields:
            self._errors.pop("klass", None)
            cleaned.pop("klass", None)
            self.add_error("klass", _("klass dan klass_code menunjuk kelas yang berbeda; kirim salah satu saja."))
        if self._unknown_class_code is not None and "klass" in self.fields:
            self._errors.pop("klass", None)
            cleaned.pop("klass", None)
            self.add_error(
                "klass",
                _("Kode kelas '%(code)s' tidak ada di legenda potret ini.") % {"code": self._unknown_class_code},
            )
        snapshot, klass = cleaned.get("snapshot"), cleaned.get("klass")
        if self.fixed_snapshot is not None and snapshot is not None and snapshot.pk != self.fixed_snapshot.pk:
            self.add_error("snapshot", _("Fitur ini milik potret lain; potret tidak dapat diganti di sini."))
        if snapshot is not None and klass is not None and klass.legend_id != snapshot.legend_id:
            self.add_error(
                "klass",
                _("Kelas %(klass)s bukan bagian legenda %(legend)s yang dipakai potret %(snapshot)s.")
                % {"klass": klass, "legend": snapshot.legend.name, "snapshot": snapshot},
            )
        return cleaned

    @property
    def attributes(self) -> dict:
        """The cleaned values, ready for services.create_feature/update_feature."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}

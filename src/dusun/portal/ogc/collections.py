"""The OGC API – Features collections: one provider per public layer, like pygeoapi's provider config.

Built from the layer registry (`ruang.layers.LAYERS`) plus the administrative boundaries (kabupaten,
kecamatan, desa). A collection says which rows it serves (model + fixed filter), how a feature is
identified (`pk` for layer features, the Kemendagri `kode` for boundaries), which properties it publishes
(ORM expressions, never raw SQL), which date is its time dimension, and which properties can be filtered
on as query parameters (the queryables).

What is published is what the map already shows in tiles and popups (`ruang.tiles.tile_fields`): the
village code and name, the layer's attributes as codes, the geodesic measure. Never bookkeeping or
personal fields: `created_by`, `import_batch`, `is_demo`, timestamps and the internal `note` stay out
(`PRIVATE_FIELDS`; a test checks every collection against it).
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dusun.indeks.models import Result
from dusun.ruang.layers import LAYERS, LayerSpec
from dusun.ruang.models import LandCover, LandCoverSnapshot, LegendClass
from dusun.wilayah.models import KODE_PATTERNS, Level, Wilayah

# Model fields that must never appear in a response, whatever a layer's schema grows into.
PRIVATE_FIELDS = frozenset(
    {"created_by", "import_batch", "is_demo", "created_at", "updated_at", "note", "diperbarui_oleh", "payload"}
)

KODE_DESA = KODE_PATTERNS[Level.DESA]
KODE_KECAMATAN = KODE_PATTERNS[Level.KECAMATAN]
KODE_ANY = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.[12]\d{3})?)?)?$")


@dataclass(frozen=True)
class Queryable:
    """A property that can be filtered on with `?<name>=<value>` (exact match unless `prefix`)."""

    lookup: str  # ORM lookup path
    title: str
    kind: str = "string"  # JSON-schema type
    pattern: re.Pattern | None = None  # the value must match this (else 400)
    choices: tuple[str, ...] = ()  # or be one of these (else 400)
    integer: bool = False
    prefix: bool = False  # code prefix: kecamatan code matches all its villages
    example: str = ""


@dataclass(frozen=True)
class Temporal:
    """The collection's time dimension: a date field, or a year (land-cover snapshot year)."""

    lookup: str
    granularity: str  # "date" | "year"
    title: str


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    model: type[models.Model]
    # name -> ORM expression; the order is the property order in responses
    properties: dict[str, object]
    geometry_type: str  # informative (GeoJSON type or "Geometry" for mixed)
    id_field: str = "pk"
    base_filter: Q = field(default_factory=Q)
    temporal: Temporal | None = None
    queryables: dict[str, Queryable] = field(default_factory=dict)
    layer_slug: str | None = None  # registry layer (its version keys the cached extent and count)
    keywords: tuple[str, ...] = ()

    def queryset(self):
        return self.model.objects.filter(self.base_filter)


# ---------------------------------------------------------------------------------------------------------
# Layer collections, from the registry
# ---------------------------------------------------------------------------------------------------------


def _layer_properties(spec: LayerSpec) -> dict[str, object]:
    props: dict[str, object] = {"dusun": F("dusun__kode"), "dusun_nama": F("dusun__nama")}
    for f in spec.attribute_fields:
        if f.name in PRIVATE_FIELDS:
            continue
        if isinstance(f, models.ForeignKey):
            if f.related_model is LegendClass:
                props |= {"kelas": F(f"{f.name}__code"), "kelas_nama": F(f"{f.name}__name_id")}
            elif f.related_model is LandCoverSnapshot:
                props |= {"tahun": F(f"{f.name}__year"), "potret": F(f"{f.name}_id")}
            continue  # other relations are not public attributes
        props[f.name] = F(f.name)
    if spec.measure:
        props[spec.measure[0]] = F(spec.measure[0])
    return props


def _layer_temporal(spec: LayerSpec) -> Temporal:
    if spec.model is LandCover:
        return Temporal("snapshot__year", "year", str(_("Tahun potret tutupan lahan")))
    names = {f.name for f in spec.model._meta.concrete_fields}
    if "observed_on" in names:  # hazards: when it happened matters more than when it was surveyed
        return Temporal("observed_on", "date", str(_("Tanggal kejadian")))
    return Temporal("survey_date", "date", str(_("Tanggal survei")))


def _layer_queryables(spec: LayerSpec) -> dict[str, Queryable]:
    q = {
        "dusun": Queryable("dusun__kode", str(_("Kode Kemendagri dusun")), pattern=KODE_DESA, example="15.08.14.2009"),
        "kecamatan": Queryable(
            "dusun__kode",
            str(_("Kode Kemendagri kecamatan (semua dusun di dalamnya)")),
            pattern=KODE_KECAMATAN,
            prefix=True,
            example="15.08.14",
        ),
    }
    if spec.model is LandCover:
        q["kelas"] = Queryable(
            "klass__code", str(_("Kode kelas tutupan lahan")), pattern=re.compile(r"^[\w.-]{1,20}$"), example="2001"
        )
        q["tahun"] = Queryable("snapshot__year", str(_("Tahun potret")), kind="integer", integer=True, example="2020")
    else:
        f = spec.model._meta.get_field(spec.category_field)
        if f.choices:
            q[spec.category_field] = Queryable(
                spec.category_field,
                capfirst(str(f.verbose_name)),
                choices=tuple(str(c) for c, _label in f.choices),
                example=str(f.choices[0][0]),
            )
    return q


def _geometry_type(spec: LayerSpec) -> str:
    types = set(spec.geometry_types)
    for single in ("Polygon", "LineString", "Point"):
        if types <= {single, "Multi" + single}:
            return "Multi" + single if "Multi" + single in types else single
    return "Geometry"


def _layer_collection(spec: LayerSpec) -> Collection:
    return Collection(
        id=spec.slug,
        title=str(spec.title),
        description=str(
            _("Lapisan %(layer)s dari Potensi Ruang Mikro, semua dusun. Atribut sama dengan peta di portal.")
            % {"layer": spec.title}
        ),
        model=spec.model,
        properties=_layer_properties(spec),
        geometry_type=_geometry_type(spec),
        temporal=_layer_temporal(spec),
        queryables=_layer_queryables(spec),
        layer_slug=spec.slug,
        keywords=("PRM", str(spec.title)),
    )


# ---------------------------------------------------------------------------------------------------------
# Administrative boundaries
# ---------------------------------------------------------------------------------------------------------


def _idm(field_name: str):
    """The latest complete IDM result of a village (official series before computed for the same year)."""
    latest = Result.objects.filter(dusun=OuterRef("pk"), is_current=True, is_complete=True).order_by(
        "-year",
        "-series",  # "resmi" sorts after "hitung": descending puts the official one first
    )
    return Subquery(latest.values(field_name)[:1])


def _wilayah_collections() -> list[Collection]:
    home = settings.DUSUN_KABUPATEN_KODE
    common = {"kode": F("kode"), "kode_bps": F("kode_bps"), "nama": F("nama"), "jenis": F("jenis")}
    return [
        Collection(
            id="kabupaten",
            title=str(_("Batas kabupaten")),
            description=str(_("Batas dan kode Kemendagri/BPS kabupaten, dengan luas geodesik.")),
            model=Wilayah,
            properties=common | {"luas_ha": F("luas_ha"), "sumber": F("sumber")},
            geometry_type="MultiPolygon",
            id_field="kode",
            base_filter=Q(level=Level.KABUPATEN),
            keywords=("batas wilayah",),
        ),
        Collection(
            id="kecamatan",
            title=str(_("Batas kecamatan")),
            description=str(_("Batas dan kode Kemendagri/BPS kecamatan di kabupaten ini, dengan luas geodesik.")),
            model=Wilayah,
            properties=common | {"kabupaten_kode": F("parent__kode"), "luas_ha": F("luas_ha"), "sumber": F("sumber")},
            geometry_type="MultiPolygon",
            id_field="kode",
            base_filter=Q(level=Level.KECAMATAN, kode__startswith=home + "."),
            keywords=("batas wilayah",),
        ),
        Collection(
            id="dusun",
            title=str(_("Batas %(word)s") % {"word": settings.DUSUN_VILLAGE_WORD.lower()}),
            description=str(
                _(
                    "Batas dan kode Kemendagri/BPS setiap desa/kelurahan, dengan luas geodesik dan status Indeks "
                    "Desa Membangun (IDM) terbaru (resmi Kemendesa bila ada, selain itu hasil hitung)."
                )
            ),
            model=Wilayah,
            properties=common
            | {
                "kecamatan_kode": F("parent__kode"),
                "kecamatan_nama": F("parent__nama"),
                "luas_ha": F("luas_ha"),
                "sumber": F("sumber"),
                "idm_tahun": _idm("year"),
                "idm_nilai": _idm("value"),
                "idm_status": _idm("status"),
                "idm_seri": _idm("series"),
            },
            geometry_type="MultiPolygon",
            id_field="kode",
            base_filter=Q(level=Level.DESA, kode__startswith=home + "."),
            queryables={
                "kecamatan": Queryable(
                    "kode",
                    str(_("Kode Kemendagri kecamatan")),
                    pattern=KODE_KECAMATAN,
                    prefix=True,
                    example="15.08.14",
                ),
                "jenis": Queryable("jenis", str(_("Desa atau kelurahan")), choices=("desa", "kelurahan")),
            },
            keywords=("batas wilayah", "IDM"),
        ),
    ]


def _build() -> dict[str, Collection]:
    items = _wilayah_collections() + [_layer_collection(spec) for spec in LAYERS.values()]
    return {c.id: c for c in items}


def collections() -> dict[str, Collection]:
    """All collections by id. Built per request (cheap: no queries) so titles follow the active language."""
    return _build()


def get(collection_id: str) -> Collection | None:
    return collections().get(collection_id)

"""The spatial-layer panel of the village, kecamatan and kabupaten pages, and its server-rendered charts.

`{% ruang_panel area %}` renders `ruang/map/panel.html`: a layers map (vector tiles, layer switcher,
snapshot selector, legend, popups — `static/dusun/layers.js`) and the statistics of the area as tables
with inline SVG bar charts and CSV/JSON downloads. The portal pages include it through their
`ruang/_*_panel.html` slot, so the portal views need not know about the ruang module.
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from dusun.wilayah.models import Level, Wilayah

from .. import selectors, tiles
from ..layers import LAYERS

register = template.Library()

API_LEVEL = {Level.DESA: "dusun", Level.KECAMATAN: "kecamatan", Level.KABUPATEN: "kabupaten"}
# Layers switched on when the map opens; the rest are one click away in the layer switcher.
VISIBLE_AT_START = {"tutupan-lahan", "kawasan", "jaringan", "bangunan", "fasilitas"}


def _facility_groups() -> list[dict]:
    """Facility kinds grouped for the map's colours and legend (land cover takes its colours from the
    legend data)."""
    return [
        {
            "code": "pendidikan",
            "label": _("Pendidikan"),
            "colour": "#1f5fa8",
            "kinds": ["paud", "sd", "smp", "sma", "smk", "pt", "pesantren"],
        },
        {
            "code": "kesehatan",
            "label": _("Kesehatan"),
            "colour": "#c62828",
            "kinds": ["rs", "puskesmas", "pustu", "poskesdes", "posyandu", "dokter", "bidan", "apotek"],
        },
        {"code": "ibadah", "label": _("Tempat ibadah"), "colour": "#2e7d32", "kinds": ["masjid", "surau", "gereja"]},
        {"code": "pemerintahan", "label": _("Pemerintahan"), "colour": "#6a3d9a", "kinds": ["kantor_desa", "balai"]},
        {
            "code": "ekonomi",
            "label": _("Ekonomi"),
            "colour": "#e66100",
            "kinds": ["pasar", "toko", "bumdes", "koperasi", "bank"],
        },
        {
            "code": "lainnya",
            "label": _("Lainnya"),
            "colour": "#555555",
            "kinds": ["menara", "olahraga", "poskamling", "tps", "lainnya"],
        },
    ]


def map_styles() -> dict:
    """Category colours per layer, shared by the legend (template) and the map (layers.js)."""
    return {
        "fasilitas": {"kind": {k: g["colour"] for g in _facility_groups() for k in g["kinds"]}, "default": "#555555"},
        "jaringan": {
            "surface": {
                "aspal": "#2b2b2b",
                "beton": "#5c5c5c",
                "kerikil": "#8c6d46",
                "tanah": "#b07a4a",
                "setapak": "#a0785a",
            },
            "kind": {"sungai": "#2f6fd1", "irigasi": "#53a7d8", "listrik": "#d4a017"},
            "default": "#444444",
        },
        "kawasan": {
            "kind": {
                "hutan_desa": "#1b7837",
                "hutan_adat": "#4d9221",
                "hkm": "#7fbc41",
                "hutan_lindung": "#00441b",
                "taman_nasional": "#014636",
                "hutan_produksi": "#8c8c1a",
                "hgu": "#c51b7d",
                "hti": "#d9a000",
                "tambang": "#8c510a",
                "lainnya": "#777777",
            },
            "default": "#777777",
        },
        "bangunan": {
            "use": {
                "rumah": "#8d6e63",
                "ibadah": "#2e7d32",
                "pendidikan": "#1f5fa8",
                "kesehatan": "#c62828",
                "pemerintahan": "#6a3d9a",
                "usaha": "#e66100",
                "gudang": "#b8a89a",
                "lainnya": "#8a8a8a",
            },
            "default": "#8d6e63",
        },
        "bencana": {"default": "#d7191c"},
        "potensi": {"default": "#008b8b"},
        "persil": {"default": "#6d4c41"},
    }


def _choice_labels(spec) -> dict[str, dict[str, str]]:
    labels = {}
    for f in spec.attribute_fields:
        if f.choices:
            labels[f.name] = {str(value): str(label) for value, label in f.flatchoices}
    return labels


def _popup_fields(spec) -> list[list[str]]:
    """(property, label) pairs a popup lists, in order; colour and codes that the title shows are left out."""
    skip = {"warna", "kelas", "dusun", "demo", "name"}
    return [[f.name, f.label] for f in tiles.tile_fields(spec) if f.name not in skip]


def _legend_entries(styles: dict, slug: str, field_name: str) -> list[dict]:
    spec = LAYERS[slug]
    field = spec.model._meta.get_field(field_name)
    colours = styles[slug][field_name]
    return [{"label": str(label), "colour": colours[value]} for value, label in field.flatchoices if value in colours]


def _kinds(styles: dict, slug: str) -> list[str]:
    """The kind codes `_legend_entries(styles, slug, "kind")` lists, in the same order."""
    field = LAYERS[slug].model._meta.get_field("kind")
    return [value for value, _label in field.flatchoices if value in styles[slug]["kind"]]


@dataclass
class Bar:
    label: str
    value: float
    text: str
    colour: str
    y: float
    width: float


def bar_chart(rows: list[tuple[str, float, str, str]], title: str, unit: str) -> dict:
    """Geometry of a horizontal bar chart as inline SVG: rows are (label, value, value text, colour)."""
    label_width, bar_width, row_height, top = 290, 300, 22, 4
    peak = max((value for _label, value, _text, _colour in rows), default=0) or 1
    bars = [
        Bar(label, value, text, colour, top + i * row_height, max(1.0, bar_width * value / peak) if value else 0)
        for i, (label, value, text, colour) in enumerate(rows)
    ]
    return {
        "bars": bars,
        "title": title,
        "unit": unit,
        "height": top * 2 + row_height * len(rows),
        "label_width": label_width,
        "bar_x": label_width + 6,
        "width": label_width + 6 + bar_width + 90,
        "row_height": row_height,
    }


@register.inclusion_tag("ruang/map/_bar_chart.html")
def ruang_bar_chart(chart: dict, chart_id: str):
    return {"chart": chart, "chart_id": chart_id}


def _fmt(value: float, digits: int = 1) -> str:
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils.formats import number_format

    if value is None:
        return "—"
    # Django's number_format cuts a float's decimals instead of rounding them (19.686 → "19,68"): round first.
    return intcomma(number_format(round(value, digits), digits, use_l10n=True))


def _map_config(area: Wilayah, snapshots: list, selected, request) -> dict:
    styles = map_styles()
    bounds = list(area.geom.extent) if area.geom else tiles.kabupaten_bounds()
    layers = []
    for slug in tiles.DRAW_ORDER:
        layer = tiles.TILE_LAYERS[slug]
        spec = layer.spec
        state = tiles.layer_state(layer, selected.pk if (slug == "tutupan-lahan" and selected) else None)
        if slug == "tutupan-lahan" and selected is None:
            continue
        tiles_template = _tiles_template(request, layer, state)
        layers.append(
            {
                "id": slug,
                "title": str(spec.title),
                "tiles": tiles_template,
                "minzoom": layer.minzoom,
                "maxzoom": layer.maxzoom,
                "detailZoom": layer.detail_zoom,
                "geometry": layer.geometry,
                "visible": slug in VISIBLE_AT_START,
                "labels": _choice_labels(spec),
                "fields": _popup_fields(spec),
            }
        )
    level = Level(area.level)
    return {
        "area": {"kode": area.kode, "nama": area.nama, "level": API_LEVEL[level]},
        "bounds": bounds,
        # Where tiles can have data (the kabupaten): the map asks for no tile outside it, but does show
        # the neighbours around a village.
        "dataBounds": tiles.kabupaten_bounds(),
        "villageTiles": request.build_absolute_uri("/tiles/dusun/") + "{z}/{x}/{y}.pbf",
        "layers": layers,
        "snapshots": [
            {
                "id": s.pk,
                "year": s.year,
                "tiles": _tiles_template(
                    request,
                    tiles.TILE_LAYERS["tutupan-lahan"],
                    tiles.layer_state(tiles.TILE_LAYERS["tutupan-lahan"], s.pk),
                ),
            }
            for s in snapshots
        ],
        "snapshot": selected.pk if selected else None,
        "styles": styles,
        "text": {
            "zoomIn": _("%(layer)s tampil mulai zoom %(zoom)s — perbesar peta."),
            "overview": _(
                "Tutupan lahan pada skala ini diringkas: kelas dominan per sel kecil. Perbesar ke zoom %(zoom)s "
                "untuk melihat setiap poligon."
            ),
            "demo": _("Data demo (sintetis)"),
            "village": settings.DUSUN_VILLAGE_WORD,
            "close": _("Tutup"),
            "ha": "ha",
            "m": "m",
            "m2": "m²",
        },
    }


def _tiles_template(request, layer, state) -> str:
    path = reverse("ruang:tile", kwargs={"layer": layer.slug, "z": 0, "x": 0, "y": 0}).removesuffix("0/0/0.pbf")
    query = f"v={state.token(layer.slug)}"
    if state.snapshot_id is not None:
        query = f"snapshot={state.snapshot_id}&{query}"
    return request.build_absolute_uri(path) + "{z}/{x}/{y}.pbf?" + query


def _child_summary(area: Wilayah, snapshot) -> list[dict]:
    """Per village (kecamatan page) or per kecamatan (kabupaten page): mapped area, natural forest,
    dominant class, managed-area share."""
    villages = selectors.landcover_by_village(area, snapshot) if snapshot else []
    shares = {s.kode: s for s in selectors.managed_area_shares(area)}
    if area.level == Level.KECAMATAN:
        rows = []
        for v in villages:
            share = shares.get(v.kode)
            rows.append(
                {
                    "kode": v.kode,
                    "nama": v.nama,
                    "url": reverse("portal:village", args=[v.kode]),
                    "area_ha": v.area_ha,
                    "mapped_ha": v.mapped_ha,
                    "forest_share": v.natural_forest_share,
                    "dominant": v.dominant_name,
                    "dominant_colour": v.dominant_colour,
                    "managed_share": share.share if share else None,
                }
            )
        return rows
    # Kabupaten: fold villages into their kecamatan.
    kecamatan = {k.kode: k for k in Wilayah.objects.filter(level=Level.KECAMATAN, parent=area)}
    folded: dict[str, dict] = {}
    class_ha: dict[str, dict[str, float]] = {}
    for v in villages:
        kec = v.kode.rsplit(".", 1)[0]
        row = folded.setdefault(kec, {"mapped_ha": 0.0, "forest_ha": 0.0, "area_ha": 0.0, "managed_ha": 0.0})
        row["mapped_ha"] += v.mapped_ha
        row["forest_ha"] += v.natural_forest_ha
        row["area_ha"] += v.area_ha or 0
        share = shares.get(v.kode)
        row["managed_ha"] += share.managed_ha if share else 0
        if v.dominant_name:
            # Dominant of the kecamatan approximated by the villages' dominant classes weighted by area.
            class_ha.setdefault(kec, {}).setdefault(f"{v.dominant_name}|{v.dominant_colour}", 0.0)
            class_ha[kec][f"{v.dominant_name}|{v.dominant_colour}"] += v.mapped_ha
    rows = []
    for kode in sorted(folded):
        row = folded[kode]
        dominant = max(class_ha.get(kode, {}).items(), key=lambda item: item[1], default=(None, 0))[0]
        name, colour = dominant.split("|") if dominant else (None, None)
        k = kecamatan.get(kode)
        rows.append(
            {
                "kode": kode,
                "nama": k.nama if k else kode,
                "url": reverse("portal:kecamatan", args=[kode]),
                "area_ha": row["area_ha"],
                "mapped_ha": row["mapped_ha"],
                "forest_share": row["forest_ha"] / row["mapped_ha"] if row["mapped_ha"] else None,
                "dominant": name,
                "dominant_colour": colour,
                "managed_share": row["managed_ha"] / row["area_ha"] if row["area_ha"] else None,
            }
        )
    return rows


@register.inclusion_tag("ruang/map/panel.html", takes_context=True)
def ruang_panel(context, area: Wilayah):
    """The whole panel for one area (a village, a kecamatan or the kabupaten)."""
    request = context["request"]
    level = Level(area.level)
    api_level = API_LEVEL[level]
    snapshots = selectors.snapshots_in(area)
    selected = snapshots[0] if snapshots else None
    wanted = request.GET.get("potret", "")
    if wanted.isdigit():
        selected = next((s for s in snapshots if s.pk == int(wanted)), selected)

    landcover = selectors.landcover_stats(area, selected) if selected else None
    legends = []
    for s in snapshots:
        stats = landcover if (landcover and s.pk == selected.pk) else selectors.landcover_stats(area, s)
        legends.append(
            {"snapshot": s, "classes": stats.classes, "selected": s.pk == (selected.pk if selected else None)}
        )

    facilities = selectors.facility_counts(area)
    buildings = selectors.building_counts(area)
    groups = _facility_groups()
    group_of = {k: g for g in groups for k in g["kinds"]}
    roads = selectors.road_lengths(area)
    shares = selectors.managed_area_shares(area)
    own_share = next((s for s in shares if s.kode == area.kode), None) if level == Level.DESA else None
    kind_labels = selectors.managed_kind_labels()

    def api(stat: str, csv: bool = False) -> str:
        name = "ruang:stats-csv" if csv else "ruang:stats"
        url = reverse(name, kwargs={"level": api_level, "kode": area.kode, "stat": stat})
        if stat in ("landcover", "villages") and selected:
            url += f"?snapshot={selected.year}"
            if sum(1 for s in snapshots if s.year == selected.year) > 1:
                url += f"&legend={selected.legend.code}"
        return url

    styles = map_styles()
    return {
        "request": request,
        "area": area,
        "level": api_level,
        "village_word": settings.DUSUN_VILLAGE_WORD,
        "snapshots": snapshots,
        "selected": selected,
        "landcover": landcover,
        "landcover_chart": bar_chart(
            [(c.label, c.ha, _fmt(c.ha), c.colour) for c in landcover.classes],
            _("Luas tutupan lahan per kelas"),
            "ha",
        )
        if landcover
        else None,
        "legends": legends,
        "facilities": facilities,
        "buildings": buildings,
        "building_total": sum(b.count for b in buildings),
        "facility_chart": bar_chart(
            [(r.label, r.count, str(r.count), group_of.get(r.code, groups[-1])["colour"]) for r in facilities],
            _("Jumlah fasilitas per jenis"),
            "",
        )
        if facilities
        else None,
        "roads": roads,
        "road_chart": bar_chart(
            [
                (
                    label,
                    roads.row_total(code),
                    _fmt(roads.row_total(code), 2),
                    styles["jaringan"]["surface"].get(code, "#888"),
                )
                for code, label in roads.surfaces
            ],
            _("Panjang jalan per jenis permukaan"),
            "km",
        )
        if roads.surfaces
        else None,
        "shares": shares,
        "own_share": own_share,
        "kind_labels": kind_labels,
        "children": _child_summary(area, selected) if level != Level.DESA else [],
        "child_word": settings.DUSUN_VILLAGE_WORD if level == Level.KECAMATAN else _("Kecamatan"),
        "map_config": _map_config(area, snapshots, selected, request),
        "layers": [
            {
                "slug": slug,
                "title": str(LAYERS[slug].title),
                "minzoom": tiles.TILE_LAYERS[slug].minzoom,
                "visible": slug in VISIBLE_AT_START,
                "available": slug != "tutupan-lahan" or selected is not None,
            }
            for slug in tiles.DRAW_ORDER
        ],
        "facility_groups": groups,
        "road_legend": _legend_entries(styles, "jaringan", "surface"),
        "kawasan_legend": [
            e
            for e, kind in zip(_legend_entries(styles, "kawasan", "kind"), _kinds(styles, "kawasan"), strict=True)
            if kind in {k for s in shares for k in s.by_kind}
        ],
        "building_legend": _legend_entries(styles, "bangunan", "use"),
        "line_colours": styles["jaringan"]["kind"],
        "api": {
            "landcover": api("landcover"),
            "landcover_csv": api("landcover", True),
            "facilities": api("facilities"),
            "facilities_csv": api("facilities", True),
            "roads": api("roads"),
            "roads_csv": api("roads", True),
            "managed": api("managed-areas"),
            "managed_csv": api("managed-areas", True),
            "villages": api("villages") if level != Level.DESA and selected else "",
            "villages_csv": api("villages", True) if level != Level.DESA and selected else "",
        },
    }


@register.filter
def percent(value, digits: int = 1) -> str:
    """0.1234 → "12,3 %" (in the page's number format); "—" for none."""
    if value is None:
        return "—"
    return _fmt(100 * value, int(digits)) + " %"


@register.filter
def number(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return _fmt(float(value), int(digits))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def layer_title(slug: str) -> str:
    """A layer's Bahasa label from the registry ("tutupan-lahan" → "Tutupan lahan"); unknown slugs as stored."""
    spec = LAYERS.get(slug)
    return str(spec.title) if spec else slug

"""Small template helpers for the index pages."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

from dusun.indeks.charts import text_colour

register = template.Library()


@register.filter
def get(mapping, key):
    """`{{ mapping|get:key }}`: a dict lookup with a variable key."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def on_colour(hex_colour: str) -> str:
    """Readable text colour on a status colour."""
    return text_colour(hex_colour) if hex_colour else "#000000"


@register.filter
def index4(value) -> str:
    """An index value shown with 4 decimals, in the active locale's format ("0,7167"); "—" when absent."""
    if value is None or value == "":
        return "—"
    return floatformat(float(value), 4)


@register.filter
def signed4(value) -> str:
    if value is None or value == "":
        return "—"
    number = float(value)
    text = floatformat(abs(number), 4)
    return ("+" if number > 0 else "−" if number < 0 else "±") + text


@register.filter
def status_badge(code: str, spec) -> str:
    """`{{ result.status|status_badge:spec }}`: the status name on its colour, or a grey dash."""
    status = spec.status_by_code.get(code) if code else None
    if status is None:
        return format_html('<span class="status none">{}</span>', _("belum lengkap") if code == "" else "—")
    return format_html(
        '<span class="status" style="background: {}; color: {}" data-status="{}">{}</span>',
        status.colour,
        text_colour(status.colour),
        status.code,
        status.name,
    )


ACTOR_LABELS = {
    "pusat": "Pusat",
    "prov": "Provinsi",
    "kab": "Kabupaten",
    "desa": "Desa",
    "csr": "CSR",
    "lainnya": "Lainnya",
}


@register.filter
def actors(mapping) -> str:
    """Kemendesa's responsible actors per level, e.g. "Kabupaten: DINKES · Desa: DD"."""
    if not mapping:
        return "—"
    parts = [f"{_(label)}: {mapping[key]}" for key, label in ACTOR_LABELS.items() if mapping.get(key)]
    return " · ".join(parts) or "—"


@register.filter
def decimals(value, places: int = 8) -> str:
    """More digits where equality to 6 decimals is the question (the comparison page)."""
    if value is None or value == "":
        return "—"
    return floatformat(float(value), int(places))

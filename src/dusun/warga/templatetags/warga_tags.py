"""Template tags for pages of other modules that show census figures (the public village page)."""

from django import template
from django.apps import apps
from django.utils.text import capfirst

from dusun.akun import scope

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def warga_village_summary(context, village) -> dict:
    """Public (suppressed) population and household counts of a village, and whether the viewer may
    open its internal census pages. Only aggregates: safe on the public page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    stats = selectors.public_statistics(village)
    return {
        "population": stats.population["semua"],
        "men": stats.population["L"],
        "women": stats.population["P"],
        "households": stats.households,
        "as_of": stats.as_of,
        "demo": stats.demo,
        "can_view": bool(user and scope.can_view(user, village)),
    }


@register.filter
def object_label(object_type: str) -> str:
    """The human name of an access-log row's data ("warga.household" → "Keluarga"); unknown types as stored."""
    try:
        return capfirst(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type

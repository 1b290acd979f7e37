"""Template tags of the feature editor: whether to offer the "Sunting peta" link to a user."""

from django import template

from dusun.akun import scope
from dusun.wilayah.models import Level

register = template.Library()


@register.simple_tag
def can_edit_map(user, village) -> bool:
    """True when `user` may draw and edit the spatial layers of `village` (the area scope decides)."""
    if village is None or getattr(village, "level", None) != Level.DESA:
        return False
    return scope.can_edit(user, village)

"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def product(request: HttpRequest) -> dict:
    """The village word ("Dusun"/"Desa") and map settings, so no template hard-codes them."""
    return {
        "village_word": settings.DUSUN_VILLAGE_WORD,
        "basemap_url": settings.DUSUN_BASEMAP_URL,
        "basemap_attribution": settings.DUSUN_BASEMAP_ATTRIBUTION,
    }

"""The printable village profile (profil dusun) as PDF: the same HTML-to-PDF route as rencana's RKPDes
(WeasyPrint, a self-contained template, no static files, no scripts).

Rendering takes a second or so, so the bytes are kept in the default cache under the profile's version token
(portal.selectors.profile_version): any change to what the profile shows gives a new key, so a cached PDF is
never stale, and the same token is the HTTP ETag so a browser that has it gets a 304 without a render.
"""

import logging

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from dusun.wilayah.models import Wilayah

from . import selectors

CACHE_SECONDS = 7 * 24 * 3600  # the key changes with the data; the timeout only bounds memory


def profile_context(village: Wilayah) -> dict:
    outline = selectors.outline_svg_path(village)
    return {
        "village": village,
        "kecamatan": village.parent,
        "kabupaten": village.parent.parent if village.parent else None,
        "profil": selectors.profil_of(village),
        "subunits": selectors.subunits_of(village),
        "stats": selectors.key_statistics(village),
        "idm": selectors.idm_by_year(village),
        "landcover": selectors.landcover_summary(village),
        "forest": selectors.forest_summary(village),
        "projects": selectors.public_projects(village),
        "outline": outline,
        "today": timezone.localdate(),
        "LANGUAGE_CODE": get_language() or "id",
    }


def to_html(village: Wilayah) -> str:
    return render_to_string("portal/profil_pdf.html", profile_context(village))


def to_pdf(village: Wilayah) -> bytes:
    # WeasyPrint reports every layout step (and its import) at INFO; keep the server log for what matters.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    return HTML(string=to_html(village)).write_pdf()


def cached_pdf(village: Wilayah, version: str) -> bytes:
    key = f"portal:profil-pdf:{version}"
    content = cache.get(key)
    if content is None:
        content = to_pdf(village)
        cache.set(key, content, CACHE_SECONDS)
    return content

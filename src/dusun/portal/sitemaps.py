"""/sitemap.xml: the public pages search engines should know: the kabupaten, every kecamatan and village, the
printable profiles, and the public pages of the modules. Never a signed-in area (robots.txt disallows those)."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from dusun.wilayah.models import Level, Wilayah


class AreaSitemap(Sitemap):
    changefreq = "weekly"

    def __init__(self, level: Level, route: str, priority: float):
        self.level, self.route, self.priority = level, route, priority

    def items(self):
        try:
            reverse(self.route, args=["15.08"])
        except NoReverseMatch:  # a module that is not installed (or not yet): its pages are left out
            return []
        prefix = settings.DUSUN_KABUPATEN_KODE + "."
        return list(
            Wilayah.objects.filter(level=self.level, kode__startswith=prefix)
            .only("kode", "updated_at")
            .order_by("kode")
        )

    def location(self, item):
        return reverse(self.route, args=[item.kode])

    def lastmod(self, item):
        return item.updated_at


class ModulePagesSitemap(Sitemap):
    """The kabupaten-wide public pages of the modules; a module whose route is not installed is left out."""

    changefreq = "weekly"
    priority = 0.6
    ROUTES = [
        "portal:home",
        "indeks:kabupaten",
        "indeks:definition",
        "hutan:kabupaten",
        "hutan:factors",
        "opendata:catalogue",
        "opendata:thematic",
        "opendata:compare",
        "ogc:landing",
    ]

    def items(self):
        found = []
        for name in self.ROUTES:
            try:
                found.append(reverse(name))
            except NoReverseMatch:
                continue
        return found

    def location(self, item):
        return item


SITEMAPS = {
    "modul": ModulePagesSitemap(),
    "kecamatan": AreaSitemap(Level.KECAMATAN, "portal:kecamatan", 0.7),
    "dusun": AreaSitemap(Level.DESA, "portal:village", 0.8),
    "profil": AreaSitemap(Level.DESA, "portal:village-profile-pdf", 0.4),
    "data-kecamatan": AreaSitemap(Level.KECAMATAN, "opendata:kecamatan", 0.5),
    "data-dusun": AreaSitemap(Level.DESA, "opendata:village", 0.5),
}

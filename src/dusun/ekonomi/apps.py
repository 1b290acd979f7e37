from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EkonomiConfig(AppConfig):
    name = "dusun.ekonomi"
    verbose_name = _("Ekonomi desa")

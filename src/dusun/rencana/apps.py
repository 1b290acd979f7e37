from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RencanaConfig(AppConfig):
    name = "dusun.rencana"
    verbose_name = _("Perencanaan pembangunan")

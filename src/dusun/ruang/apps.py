from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuangConfig(AppConfig):
    name = "dusun.ruang"
    verbose_name = _("Ruang (lapisan spasial)")

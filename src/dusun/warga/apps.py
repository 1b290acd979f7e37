from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WargaConfig(AppConfig):
    name = "dusun.warga"
    verbose_name = _("Warga (keluarga dan penduduk)")

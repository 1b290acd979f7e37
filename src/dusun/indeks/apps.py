from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndeksConfig(AppConfig):
    name = "dusun.indeks"
    verbose_name = _("Indeks Desa Membangun")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AkunConfig(AppConfig):
    name = "dusun.akun"
    verbose_name = _("Akun dan peran")

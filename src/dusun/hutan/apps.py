from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HutanConfig(AppConfig):
    name = "dusun.hutan"
    verbose_name = _("Hutan dan karbon")

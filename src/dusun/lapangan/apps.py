from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LapanganConfig(AppConfig):
    name = "dusun.lapangan"
    verbose_name = _("Pengumpulan data lapangan")

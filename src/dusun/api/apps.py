from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The documented REST API (/api/v1/): one router per module, each calling that module's selectors."""

    name = "dusun.api"
    label = "api"
    verbose_name = "API"

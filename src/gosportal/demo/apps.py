from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for local runs: sits above every app, so it may use all of them."""

    name = "gosportal.demo"
    label = "demo"
    verbose_name = _("Демонстрационные данные")

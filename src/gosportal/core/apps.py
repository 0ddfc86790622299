from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gosportal.core"
    label = "core"
    verbose_name = _("Ядро портала")

    def ready(self) -> None:
        from gosportal.core import checks  # noqa: F401  (registers system checks)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """Desks of officers and operators: views over the other apps' services."""

    name = "gosportal.backoffice"
    label = "backoffice"
    verbose_name = _("Рабочие места сотрудников")

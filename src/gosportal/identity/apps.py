from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "gosportal.identity"
    label = "identity"
    verbose_name = _("Подтверждение личности")

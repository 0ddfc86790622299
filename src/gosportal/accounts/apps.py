from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gosportal.accounts"
    label = "accounts"
    verbose_name = _("Учётные записи")

    def ready(self) -> None:
        from gosportal.accounts import notices  # noqa: F401  (registers outbox subscribers)

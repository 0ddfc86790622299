from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "gosportal.signatures"
    label = "signatures"
    verbose_name = _("Электронные подписи")

    def ready(self) -> None:
        from gosportal.core.schedule import register_job

        # SIG-3: agencies' administrators hear of a certificate expiring in 30 days, once.
        register_job("gosportal.signatures.tasks.notify_expiring_certificates", every_seconds=86400)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gosportal.core"
    label = "core"
    verbose_name = _("Ядро портала")

    def ready(self) -> None:
        from gosportal.core.schedule import register_job

        # Safety net for NOT-5: events whose after-commit nudge was lost are drained anyway.
        register_job("gosportal.core.tasks.drain_outbox", every_seconds=30)
        # SEC-4: committed audit rows join the signed Merkle tree within a minute.
        register_job("gosportal.core.tasks.seal_audit", every_seconds=60)
        # Handled outbox events are kept OUTBOX_RETENTION_DAYS, then deleted (daily).
        register_job("gosportal.core.tasks.purge_outbox", every_seconds=86400)
        from gosportal.core import checks  # noqa: F401  (registers system checks)

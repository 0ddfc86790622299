from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "gosportal.identity"
    label = "identity"
    verbose_name = _("Подтверждение личности")

    def ready(self) -> None:
        from gosportal.core.schedule import register_job

        # REG-3: remote identity checks end after 30 days and their pictures are deleted.
        register_job("gosportal.identity.tasks.expire_remote_checks", every_seconds=86400)
        from gosportal.accounts.deletion import register_eraser
        from gosportal.accounts.export import register_export_part
        from gosportal.identity import export
        from gosportal.identity.remote import erase_remote_files

        register_eraser(erase_remote_files)  # REC-4: the pictures of remote checks
        from gosportal.identity import data_changes  # noqa: F401 -- subscribes to profiles.changed

        register_export_part(
            "identity_confirmations.json",
            export.identity_confirmations_part,
            description=_(
                "подтверждения личности: способ, статус, даты, почтовый идентификатор "
                "письма. Коды подтверждения в выгрузку не входят."
            ),
        )

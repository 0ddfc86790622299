from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gosportal.notifications"
    label = "notifications"
    verbose_name = _("Уведомления")

    def ready(self) -> None:
        from gosportal.core.schedule import register_job

        # NOT-4: due deliveries, retries after back-off, SMS delivery reports, lost nudges.
        register_job("gosportal.notifications.tasks.send_deliveries", every_seconds=60)
        # Daily digests fall due at 9:00 in each user's zone; checking often is cheap.
        register_job("gosportal.notifications.tasks.send_digests", every_seconds=900)
        from gosportal.accounts.deletion import register_eraser
        from gosportal.accounts.export import register_export_part
        from gosportal.notifications import subscribers  # noqa: F401 - registers handlers
        from gosportal.notifications.services import (
            erase_notifications,
            export_notifications,
            export_push_devices,
        )

        register_eraser(erase_notifications)  # REC-4
        from gosportal.core.metrics import register_collector
        from gosportal.notifications.metrics import collect_deliveries

        register_collector(collect_deliveries)
        register_export_part(
            "notifications.json",
            export_notifications,
            description=_(
                "уведомления: заголовок, текст, время, прочитано ли, доставка по каналам."
            ),
        )
        register_export_part(
            "push_devices.json",
            export_push_devices,
            description=_(
                "устройства для push-уведомлений: название, когда подключено и когда "
                "последний раз получило уведомление, служба доставки (без ключей)."
            ),
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "gosportal.applications"
    label = "applications"
    verbose_name = _("Заявления")

    def ready(self) -> None:
        from gosportal.core.schedule import register_job

        # NOT-3, OFF-2, OFF-3: deadline reminders about applications, once per occasion
        # and from 9:00; hourly, so a new day is noticed that morning.
        register_job("gosportal.applications.tasks.send_deadline_reminders", every_seconds=3600)
        from gosportal.accounts.deletion import register_eraser
        from gosportal.accounts.export import register_export_part
        from gosportal.applications.export import applications_part, erase_drafts

        register_eraser(erase_drafts)  # REC-4: drafts were never sent to an agency
        register_export_part(
            "applications.json",
            applications_part,
            description=_("заявления: номера, ответы, история статусов, имена файлов; шаблоны."),
        )

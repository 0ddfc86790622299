from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "gosportal.appeals"
    label = "appeals"
    verbose_name = _("Обжалование решений")

    def ready(self) -> None:
        from gosportal.accounts.export import register_export_part
        from gosportal.appeals.export import appeals_part

        register_export_part(
            "appeals.json",
            appeals_part,
            description=_("жалобы на решения: причины, имена файлов, решения ведомств."),
        )

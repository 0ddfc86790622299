from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "gosportal.profiles"
    label = "profiles"
    verbose_name = _("Персональные данные")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from gosportal.core.schedule import register_job

        # PROF-8: daily; each reminder is sent once per occasion, so a restart re-running it
        # early sends nothing twice.
        register_job("gosportal.profiles.tasks.send_data_reminders", every_seconds=86400)
        from gosportal.accounts.deletion import register_eraser
        from gosportal.accounts.selectors import register_login_resolver
        from gosportal.profiles.selectors import user_by_snils
        from gosportal.profiles.services import erase_profile

        register_login_resolver(user_by_snils)  # AUTH-1: sign-in and recovery by SNILS
        register_eraser(erase_profile)  # REC-4
        from gosportal.profiles.middleware import remember_preferences_at_sign_in

        user_logged_in.connect(remember_preferences_at_sign_in, dispatch_uid="profiles.preferences")
        from gosportal.profiles.data_requests import erase_data_requests
        from gosportal.profiles.documents import erase_documents
        from gosportal.profiles.scans import erase_passport_scans

        register_eraser(erase_documents)
        register_eraser(erase_passport_scans)
        register_eraser(erase_data_requests)
        from gosportal.profiles import checks  # noqa: F401 -- REG-2: subscribes to profiles.changed

        self._register_export_parts()

    def _register_export_parts(self) -> None:
        """PROF-7: the profile's files in «Скачать мои данные»."""
        from gosportal.accounts.export import register_export_part
        from gosportal.profiles import export

        register_export_part(
            "profile.json",
            export.profile_part,
            description=_("«Мои данные»: ФИО, дата и место рождения, паспорт, СНИЛС, ИНН, адреса."),
        )
        register_export_part(
            "profile_changes.json",
            export.profile_changes_part,
            description=_(
                "история изменений «Моих данных»: поле, было и стало (номера документов "
                "скрыты), когда и каким способом."
            ),
        )
        register_export_part(
            "registry_checks.json",
            export.registry_checks_part,
            description=_("проверки ваших данных в МВД, СФР и ФНС и их результаты."),
        )
        register_export_part(
            "documents.json",
            export.documents_part,
            description=_(
                "документы: водительское удостоверение, полис ОМС, свидетельства о "
                "регистрации транспортных средств, свидетельства о рождении детей."
            ),
        )
        register_export_part(
            "data_change_requests.json",
            export.data_requests_part,
            description=_("заявки на изменение даты рождения и пола и решения по ним."),
        )
        register_export_part(
            "passport_scans.json",
            export.passport_scans_part,
            description=_("проверки сканов паспорта: когда загружены и результат сверки."),
        )
        register_export_part(
            "consents.json",
            export.consents_part,
            description=_("согласия на обработку данных: когда даны и отозваны."),
        )

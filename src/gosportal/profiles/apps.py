from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "gosportal.profiles"
    label = "profiles"
    verbose_name = _("Персональные данные")

    def ready(self) -> None:
        from gosportal.accounts.deletion import register_eraser
        from gosportal.accounts.selectors import register_login_resolver
        from gosportal.profiles.selectors import user_by_snils
        from gosportal.profiles.services import erase_profile

        register_login_resolver(user_by_snils)  # AUTH-1: sign-in and recovery by SNILS
        register_eraser(erase_profile)  # REC-4
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
            "consents.json",
            export.consents_part,
            description=_("согласия на обработку данных: когда даны и отозваны."),
        )

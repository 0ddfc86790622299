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

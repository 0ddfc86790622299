from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """Desks of officers and operators: views over the other apps' services."""

    name = "gosportal.backoffice"
    label = "backoffice"
    verbose_name = _("Рабочие места сотрудников")

    def ready(self):
        from gosportal.accounts.models import User
        from gosportal.accounts.signin import register_landing

        # After signing in without a «next», civil servants start on «Рабочие места».
        register_landing(User.Kind.CIVIL_SERVANT, "backoffice:home")

        from gosportal.accounts.signin import register_second_factor_rule
        from gosportal.backoffice.desks import holds_desk_permission

        # Desk operators see other people's data: never signed in on a password alone.
        register_second_factor_rule("backoffice.desk_operator", holds_desk_permission)

        from django.contrib.auth.signals import user_logged_in

        from gosportal.backoffice.desks import remember_desk_link

        user_logged_in.connect(remember_desk_link, dispatch_uid="backoffice.desk_link")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "gosportal.organizations"
    label = "organizations"
    verbose_name = _("Организации и предприниматели")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from gosportal.accounts.deletion import register_eraser
        from gosportal.accounts.export import register_export_part
        from gosportal.organizations.acting import remember_menu_at_sign_in
        from gosportal.organizations.services import erase_organizations, export_part

        user_logged_in.connect(remember_menu_at_sign_in, dispatch_uid="organizations.menu")

        register_eraser(erase_organizations)  # REC-4: an entrepreneur is the person
        register_export_part(
            "organizations.json",
            export_part,
            description=_("организации, от имени которых вы действуете: реквизиты и ваша роль."),
        )

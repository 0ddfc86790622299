from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "gosportal.catalog"
    label = "catalog"
    verbose_name = _("Ведомства и услуги")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gosportal.accounts.deletion import register_eraser
        from gosportal.accounts.export import register_export_part
        from gosportal.catalog.export import erase_catalog_traces, favourites_part
        from gosportal.catalog.models import Category
        from gosportal.catalog.selectors import forget_category_choices

        for signal in (post_save, post_delete):
            signal.connect(forget_category_choices, sender=Category, dispatch_uid="catalog.choices")

        register_eraser(erase_catalog_traces)  # REC-4: interests are personal data
        register_export_part(
            "catalog.json",
            favourites_part,
            description=_("избранные и недавно открытые услуги с датами."),
        )

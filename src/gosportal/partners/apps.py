from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "gosportal.partners"
    label = "partners"
    verbose_name = _("Сайты-партнёры")

    def ready(self):
        from gosportal.core.schedule import register_job

        # CAT-5: expired single sign-on codes and tokens of partner sites are deleted.
        register_job("gosportal.partners.tasks.purge_expired_grants", every_seconds=86400)
        # CAT-5: the catalogue card of a partner's service leads to the partner's site.
        from gosportal.catalog import external
        from gosportal.partners.selectors import external_site_for

        external.register(external_site_for)

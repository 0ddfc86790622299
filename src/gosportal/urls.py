"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, reverse
from django.views.i18n import set_language

from gosportal.api.urls import api
from gosportal.integrations import views as integration_views

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME


def admin_login(request, extra_context=None):
    """Staff sign in through the portal's own sign-in (lockout, second factor, history)."""
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("accounts:login")
    )


admin.site.login = admin_login

urlpatterns = [
    path("", include("gosportal.core.urls")),
    path("accounts/", include("gosportal.accounts.urls")),
    path("profile/", include("gosportal.profiles.urls")),
    path("identity/", include("gosportal.identity.urls")),
    path("organizations/", include("gosportal.organizations.urls")),
    path("desk/", include("gosportal.backoffice.urls")),
    # CAT-1 … CAT-3: the catalogue of services.
    path("services/", include("gosportal.catalog.urls")),
    # APP-1 … APP-8: the citizen's applications («Мои заявления»).
    path("applications/", include("gosportal.applications.urls")),
    # APP-9: appeals against a refusal, on the application's own address.
    path("applications/<str:ref>/appeal/", include("gosportal.appeals.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("dev/outbox/", integration_views.dev_outbox, name="dev_outbox"),
    path("notifications/", include("gosportal.notifications.urls")),
    path("", include("gosportal.notifications.pwa_urls")),  # manifest, service worker
    # REG-3: sandbox partner banks (OpenID Connect providers); BANK_SANDBOX=false: 404.
    path("sandbox/bank/", include("gosportal.integrations.bank.sandbox_urls")),
    # CAT-5: single sign-on for partner sites (OpenID Connect provider) and the sandbox
    # partner sites (PARTNER_SANDBOX=false: 404).
    path("sso/", include("gosportal.partners.urls")),
    path("sandbox/partner/", include("gosportal.partners.sandbox_urls")),
    # DOC-3: issued documents (/documents/) and the public verification page (/verify/).
    path("", include("gosportal.documents.urls")),
    # Sandbox certification centre: root certificate and CRLs; CA_SANDBOX=false: 404.
    path("sandbox/ca/", include("gosportal.integrations.ca.sandbox_urls")),
]

handler400 = "gosportal.core.views.bad_request"
handler403 = "gosportal.core.views.permission_denied"
handler404 = "gosportal.core.views.page_not_found"
handler500 = "gosportal.core.views.server_error"

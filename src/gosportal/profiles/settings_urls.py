"""URL patterns of «Настройки профиля» (PROF-6) and the consents page (PROF-5)."""

from django.urls import path

from gosportal.profiles import settings_views

urlpatterns = [
    path("settings/", settings_views.settings_view, name="settings"),
    path("consents/", settings_views.consents_view, name="consents"),
    path("consents/grant/", settings_views.grant_consent_view, name="consent_grant"),
    path("consents/revoke/", settings_views.revoke_consent_view, name="consent_revoke"),
]

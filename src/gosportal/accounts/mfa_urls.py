"""URL patterns of this part of accounts (included by accounts/urls.py)."""

from django.urls import path

from gosportal.accounts import mfa_views, webauthn_views

urlpatterns = [
    path(
        "login/second-factor/",
        mfa_views.signin_second_factor_view,
        name="signin_second_factor",
    ),
    path("security/", mfa_views.security_view, name="security"),
    path("security/totp/", mfa_views.totp_add_view, name="mfa_add_totp"),
    path("security/sms/", mfa_views.code_add_view, {"channel": "sms"}, name="mfa_add_sms"),
    path("security/email/", mfa_views.code_add_view, {"channel": "email"}, name="mfa_add_email"),
    path(
        "security/recovery-codes/",
        mfa_views.recovery_codes_view,
        name="mfa_recovery_codes",
    ),
    path("security/<int:pk>/default/", mfa_views.set_default_view, name="mfa_set_default"),
    path("security/<int:pk>/remove/", mfa_views.remove_view, name="mfa_remove"),
    # Security keys and passkeys (AUTH-3, AUTH-6).
    path("security/webauthn/", webauthn_views.add_view, name="mfa_add_webauthn"),
    path(
        "security/webauthn/options/",
        webauthn_views.register_options_view,
        name="webauthn_register_options",
    ),
    path(
        "login/second-factor/webauthn/options/",
        webauthn_views.signin_options_view,
        name="webauthn_signin_options",
    ),
    path("login/second-factor/webauthn/", webauthn_views.signin_view, name="webauthn_signin"),
    path("login/passkey/options/", webauthn_views.passkey_options_view, name="passkey_options"),
    path("login/passkey/", webauthn_views.passkey_signin_view, name="passkey_signin"),
]

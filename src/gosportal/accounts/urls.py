from django.urls import include, path

from gosportal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("confirm/", views.reauth_view, name="reauth"),
    # Registration, e-mail confirmation, password policy (REG-1, AUTH-2).
    path("", include("gosportal.accounts.registration_urls")),
    # Second factors, security settings, re-authentication (AUTH-3, AUTH-7).
    path("", include("gosportal.accounts.mfa_urls")),
    # Login history, sessions, "this was not me", IP allow-list (AUTH-7 … AUTH-10).
    path("", include("gosportal.accounts.activity_urls")),
    # Contacts, data export, deletion, switching accounts (REC-3, REC-4, REG-6).
    path("", include("gosportal.accounts.account_urls")),
]

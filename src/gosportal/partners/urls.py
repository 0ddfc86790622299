"""URLs of single sign-on for partner sites, mounted at /sso/ (docs/partners.md)."""

from django.urls import path

from gosportal.partners import views

app_name = "partners"

urlpatterns = [
    path(".well-known/openid-configuration", views.discovery_view, name="discovery"),
    path("jwks.json", views.jwks_view, name="jwks"),
    path("authorize", views.authorize_view, name="authorize"),
    path("token", views.token_view, name="token"),
    path("userinfo", views.userinfo_view, name="userinfo"),
    path("go/<slug:slug>/", views.go_view, name="go"),
    path("sites/", views.sites_view, name="sites"),
    path("sites/revoke/", views.revoke_view, name="revoke"),
]

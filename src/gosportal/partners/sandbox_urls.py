"""URL patterns of the sandbox partner sites, under /sandbox/partner/<site>/ (docs/sandbox.md)."""

from django.urls import path

from gosportal.partners import sandbox_views as views

app_name = "sandbox_partner"

urlpatterns = [
    path("<slug:site>/", views.home_view, name="home"),
    path("<slug:site>/login/", views.login_view, name="login"),
    path("<slug:site>/callback/", views.callback_view, name="callback"),
    path("<slug:site>/service/", views.service_view, name="service"),
    path("<slug:site>/logout/", views.logout_view, name="logout"),
]

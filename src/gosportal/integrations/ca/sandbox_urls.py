"""URL patterns of the sandbox certification centre, under /sandbox/ca/."""

from django.urls import path

from gosportal.integrations.ca import sandbox_views as views

app_name = "sandbox_ca"

urlpatterns = [
    path("<str:name>", views.published_view, name="published"),
]

"""A test-only URL configuration with one critical view behind re-authentication."""

from django.http import HttpResponse
from django.urls import include, path

from gosportal.accounts.reauth import reauth_required


@reauth_required
def critical(request):
    return HttpResponse("critical action done")


urlpatterns = [
    path("critical/", critical),
    path("", include("gosportal.urls")),
]

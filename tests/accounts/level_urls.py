"""A test-only URL configuration with a page that needs a standard account."""

from django.http import HttpResponse
from django.urls import include, path

from gosportal.accounts.levels import requires_level


@requires_level("standard")
def standard_only(request):
    return HttpResponse("standard service")


urlpatterns = [
    path("standard-only/", standard_only),
    path("", include("gosportal.urls")),
]

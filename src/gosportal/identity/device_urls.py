"""URL patterns of confirmation from a signed-in phone (REG-3), under /identity/device/."""

from django.urls import path, re_path

from gosportal.identity import device_views

app_name = "device"

urlpatterns = [
    path("", device_views.start_view, name="start"),
    path("status/", device_views.status_view, name="status"),
    re_path(r"^(?P<token>[A-Za-z0-9_-]{32})/$", device_views.approve_view, name="approve"),
]

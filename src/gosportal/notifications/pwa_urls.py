"""Root-level paths of the installable app (MOB-1)."""

from django.urls import path

from gosportal.notifications import pwa

app_name = "pwa"

urlpatterns = [
    path("manifest.webmanifest", pwa.manifest_view, name="manifest"),
    path("sw.js", pwa.service_worker_view, name="service_worker"),
    path("offline/", pwa.offline_view, name="offline"),
]

"""URL patterns of «Подтверждение личности» (REG-3)."""

from django.urls import include, path

from gosportal.identity import views

app_name = "identity"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("service-centre/", views.service_centre_view, name="service_centre"),
    path("letter/", include("gosportal.identity.post_urls")),
    path("device/", include("gosportal.identity.device_urls")),
    path("bank/", include("gosportal.identity.bank_urls")),
    path("remote/", include("gosportal.identity.remote_urls")),
]

"""URL patterns of the officer and operator desks."""

from django.urls import path

from gosportal.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("service-centre/", views.service_centre_view, name="service_centre"),
    path(
        "service-centre/decide/",
        views.service_centre_decide_view,
        name="service_centre_decide",
    ),
]

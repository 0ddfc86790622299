"""URL patterns of the remote identity check (REG-3), under /identity/remote/."""

from django.urls import path

from gosportal.identity import remote_views

app_name = "remote"

urlpatterns = [
    path("", remote_views.remote_view, name="page"),
    path("<int:check_id>/submit/", remote_views.submit_view, name="submit"),
    path("<int:check_id>/compare/", remote_views.compare_view, name="compare"),
    path("<int:check_id>/cancel/", remote_views.cancel_view, name="cancel"),
]

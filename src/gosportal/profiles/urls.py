"""URL patterns of «Мои данные» (PROF-1, PROF-4)."""

from django.urls import include, path

from gosportal.profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.my_data_view, name="my_data"),
    path("edit/", views.edit_view, name="edit"),
    path("edit/confirm/", views.confirm_view, name="confirm"),
    path("edit/resend/", views.resend_view, name="resend"),
    path("history/", views.history_view, name="history"),
    path("history/undo/", views.undo_view, name="undo"),
    path("history/undo/confirm/", views.undo_confirm_view, name="undo_confirm"),
    path("", include("gosportal.profiles.settings_urls")),  # PROF-5, PROF-6
]

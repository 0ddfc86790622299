"""URL patterns of this part of accounts (included by accounts/urls.py): login history,
sessions, «это был не я», IP allow-list (AUTH-7 … AUTH-10)."""

from django.urls import path

from gosportal.accounts import activity_views as views

urlpatterns = [
    path("history/", views.history_view, name="history"),
    path("history.csv", views.history_csv_view, name="history_csv"),
    path("sessions/", views.sessions_view, name="sessions"),
    path("sessions/<int:session_id>/end/", views.session_end_view, name="session_end"),
    path("sessions/end-others/", views.sessions_end_others_view, name="sessions_end_others"),
    path("sessions/keepalive/", views.session_keepalive_view, name="session_keepalive"),
    path("not-me/<str:token>/", views.not_me_view, name="not_me"),
    path("security/ip/", views.ip_allowlist_view, name="ip_allowlist"),
]

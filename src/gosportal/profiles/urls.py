"""URL patterns of «Мои данные» (PROF-1, PROF-4)."""

from django.urls import include, path

from gosportal.profiles import data_request_views, document_views, views

app_name = "profiles"

urlpatterns = [
    path("", views.my_data_view, name="my_data"),
    path("edit/", views.edit_view, name="edit"),
    path("edit/confirm/", views.confirm_view, name="confirm"),
    path("edit/resend/", views.resend_view, name="resend"),
    path("history/", views.history_view, name="history"),
    path("history/undo/", views.undo_view, name="undo"),
    path("history/undo/confirm/", views.undo_confirm_view, name="undo_confirm"),
    # PROF-1: further documents
    path("documents/", document_views.documents_view, name="documents"),
    path("documents/add/<slug:kind>/", document_views.add_view, name="document_add"),
    path("documents/<int:document_id>/edit/", document_views.edit_view, name="document_edit"),
    path(
        "documents/<int:document_id>/delete/",
        document_views.delete_view,
        name="document_delete",
    ),
    path("documents/confirm/", document_views.confirm_view, name="document_confirm"),
    path("documents/resend/", document_views.resend_view, name="document_resend"),
    # PROF-3: birth date and sex through support
    path("data-requests/", data_request_views.requests_view, name="data_requests"),
    path("data-requests/new/", data_request_views.new_request_view, name="data_request_new"),
    path(
        "data-requests/<int:request_id>/cancel/",
        data_request_views.cancel_view,
        name="data_request_cancel",
    ),
    path("", include("gosportal.profiles.settings_urls")),  # PROF-5, PROF-6
]

from django.urls import path

from gosportal.applications import views

app_name = "applications"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("export.csv", views.export_view, name="export"),
    path("start/<slug:slug>/", views.start_view, name="start"),
    path("templates/", views.templates_view, name="templates"),
    path("<str:ref>/", views.detail_view, name="detail"),
    path("<str:ref>/edit/", views.edit_view, name="edit"),
    path("<str:ref>/submitted/", views.submitted_view, name="submitted"),
    path("<str:ref>/cancel/", views.cancel_view, name="cancel"),
    path("<str:ref>/restore/", views.restore_view, name="restore"),
    path("<str:ref>/files/<int:attachment_id>/", views.attachment_view, name="attachment"),
]

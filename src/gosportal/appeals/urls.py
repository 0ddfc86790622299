"""The applicant's appeal pages, included under ``applications/<str:ref>/appeal/``."""

from django.urls import path

from gosportal.appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.new_view, name="new"),
    path("files/<int:evidence_id>/", views.evidence_view, name="evidence"),
]

"""URLs of issued documents: /documents/ (the owner's) and /verify/ (public, DOC-3)."""

from django.urls import path

from gosportal.documents import views

app_name = "documents"

urlpatterns = [
    path("documents/", views.list_view, name="list"),
    path("documents/<str:number>/download/", views.download_view, name="download"),
    path("verify/", views.verify_view, name="verify"),
    path("verify/<str:number>/", views.verify_number_view, name="verify_number"),
]

"""URL patterns of «Организации» (REG-5), under /organizations/."""

from django.urls import path

from gosportal.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("new/entrepreneur/", views.new_entrepreneur_view, name="new_entrepreneur"),
    path("act-as-myself/", views.act_as_myself_view, name="act_as_myself"),
    path("<uuid:public_id>/", views.detail_view, name="detail"),
    path("<uuid:public_id>/act/", views.act_view, name="act"),
]

"""URLs of the catalogue of services, mounted at /services/."""

from django.urls import path

from gosportal.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("search/", views.search_view, name="search"),
    path("favourites/", views.favourites_view, name="favourites"),
    path("c/<slug:slug>/", views.category_view, name="category"),
    path("<slug:slug>/", views.detail_view, name="detail"),
    path("<slug:slug>/favourite/", views.favourite_view, name="favourite"),
]

"""URL patterns of the officer and operator desks."""

urlpatterns: list = []

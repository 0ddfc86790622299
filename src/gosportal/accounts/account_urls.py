"""URL patterns of this part of accounts (included by accounts/urls.py)."""

urlpatterns: list = []

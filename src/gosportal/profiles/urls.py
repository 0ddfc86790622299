"""URL patterns of «Мои данные» (PROF-1, PROF-4)."""

urlpatterns: list = []

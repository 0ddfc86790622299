"""URL patterns of «Подтверждение личности» (REG-3)."""

urlpatterns: list = []

"""URL patterns of confirmation by a Russian Post letter (REG-3), under /identity/letter/."""

from django.urls import path

from gosportal.identity import post_views

app_name = "post_letter"

urlpatterns = [
    path("", post_views.letter_view, name="page"),
    path("order/", post_views.order_view, name="order"),
]

"""URL patterns of confirmation through a partner bank (REG-3), under /identity/bank/."""

from django.urls import path

from gosportal.identity import bank_views

app_name = "bank"

urlpatterns = [
    path("callback/", bank_views.callback_view, name="callback"),
    path("card/start/", bank_views.card_start_view, name="card_start"),
    path("card/return/", bank_views.card_return_view, name="card_return"),
    path("result/<int:confirmation_id>/", bank_views.result_view, name="result"),
    # Last: "card" would otherwise read as a bank id.
    path("<slug:bank_id>/start/", bank_views.start_view, name="start"),
]

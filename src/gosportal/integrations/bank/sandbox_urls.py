"""URL patterns of the sandbox banks, under /sandbox/bank/<bank>/ (docs/sandbox.md)."""

from django.urls import path

from gosportal.integrations.bank import sandbox_views as views

app_name = "sandbox_bank"

urlpatterns = [
    path("<slug:bank>/.well-known/openid-configuration", views.discovery_view, name="discovery"),
    path("<slug:bank>/jwks.json", views.jwks_view, name="jwks"),
    path("<slug:bank>/authorize", views.authorize_view, name="authorize"),
    path("<slug:bank>/token", views.token_view, name="token"),
    path("<slug:bank>/userinfo", views.userinfo_view, name="userinfo"),
    path("<slug:bank>/card-checks", views.card_checks_view, name="card_checks"),
    path("<slug:bank>/card-checks/<str:check_id>", views.card_check_view, name="card_check"),
    path("<slug:bank>/card/<str:check_id>/", views.card_view, name="card"),
    path("<slug:bank>/card/<str:check_id>/3ds/", views.card_code_view, name="card_code"),
]

"""URL patterns of this part of accounts (included by accounts/urls.py)."""

from django.urls import path

from gosportal.accounts import registration_views as views

urlpatterns = [
    # REG-1: registration of a simplified account.
    path("register/", views.register_view, name="register"),
    path("register/code/", views.register_code_view, name="register_code"),
    path("register/password/", views.register_password_view, name="register_password"),
    path("agreement/", views.agreement_view, name="agreement"),
    path("email/confirm/resend/", views.email_confirm_resend_view, name="email_confirm_resend"),
    path("email/confirm/<str:token>/", views.email_confirm_view, name="email_confirm"),
    # AUTH-2: password change and the strength meter.
    path("password/change/", views.password_change_view, name="password_change"),
    path("password/strength/", views.password_strength_view, name="password_strength"),
    # REC-1: «Забыли пароль?».
    path("password/forgot/", views.password_forgot_view, name="password_forgot"),
    path("password/forgot/code/", views.password_forgot_code_view, name="password_forgot_code"),
    path("password/forgot/new/", views.password_forgot_new_view, name="password_forgot_new"),
]

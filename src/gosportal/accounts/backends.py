"""Sign-in by phone or e-mail (and, once profiles exist, SNILS) through blind indexes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from gosportal.accounts import selectors


class LoginBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email") or kwargs.get("login")
        if not username or password is None:
            return None
        user = selectors.user_by_login(username)
        if user is None:
            # Same work for unknown logins, so timing does not reveal who exists (AUTH-1).
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

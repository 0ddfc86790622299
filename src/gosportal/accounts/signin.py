"""The sign-in pipeline shared by every way in (password, second factor, later bank and
e-signature): a first step proves the login, an optional second factor follows, and
``finish_signin`` opens the session. Between the steps only the pending user's id
and the first step's method sit in the session, for at most five minutes.
"""

import time

from django.contrib.auth import login as auth_login

from gosportal.accounts.models import Authenticator, LoginEvent, User, UserSession
from gosportal.accounts.reauth import mark_reauthenticated
from gosportal.core import audit

PENDING_KEY = "signin_pending"
PENDING_SECONDS = 300


def needs_second_factor(user: User) -> bool:
    """Users with any second factor (recovery codes alone do not count) must use one."""
    return user.authenticators.exclude(kind=Authenticator.Kind.RECOVERY_CODES).exists()


def begin_second_factor(request, user: User, *, method: str) -> None:
    """Remember that ``user`` passed the first step; the second-factor page continues."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"user_id": user.pk, "method": method, "at": int(time.time())}


def pending_signin(request) -> tuple[User, str] | None:
    """The user waiting for their second factor, or None when absent or stale."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    return (user, str(pending.get("method", ""))) if user else None


def finish_signin(request, user: User, *, method: str) -> None:
    """Open the session (a new session id), and record the sign-in."""
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend="gosportal.accounts.backends.LoginBackend")
    mark_reauthenticated(request)  # a fresh sign-in counts as a recent proof
    request.session.save()  # the new session key exists from here on
    UserSession.objects.create(
        user=user,
        session_key=request.session.session_key,
        ip=getattr(request, "client_ip", None),
        user_agent=request.headers.get("User-Agent", "")[:300],
        method=method,
    )
    LoginEvent.objects.create(
        user=user,
        ip=getattr(request, "client_ip", None),
        user_agent=request.headers.get("User-Agent", "")[:300],
        method=method,
        result=LoginEvent.Result.SUCCESS,
    )
    audit.record("accounts.login_succeeded", actor=user, details={"method": method})

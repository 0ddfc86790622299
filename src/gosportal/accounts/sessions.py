"""Server-side sessions of a user (AUTH-7): recorded at sign-in, listed, ended, and
watched on every request by ``SessionActivityMiddleware`` (idle and absolute
timeouts, sessions ended elsewhere)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gosportal.accounts.models import User, UserSession
from gosportal.core import audit


def _store(session_key: str) -> SessionBase:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)


def open_sessions_for(user: User) -> QuerySet[UserSession]:
    """«Активные сеансы»: the user's sessions not ended and not timed out yet (a timed-out
    one is only marked ended on its next request), most recently active first."""
    now = timezone.now()
    return UserSession.objects.filter(
        user=user,
        ended_at__isnull=True,
        last_activity__gte=now - timedelta(seconds=settings.SESSION_IDLE_SECONDS),
        created_at__gte=now - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS),
    ).order_by("-last_activity", "-id")


def _end(row: UserSession, *, reason: str) -> None:
    _store(row.session_key).delete()
    row.ended_at = timezone.now()
    row.end_reason = reason
    row.save(update_fields=["ended_at", "end_reason"])


def end_sessions(user: User, *, reason: str, except_key: str | None = None) -> int:
    """End every open session of ``user`` but ``except_key``; returns how many ended.

    The session data is deleted from the session store, so the browser holding it is
    signed out on its next request, whichever web process serves it.
    """
    open_sessions = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if except_key:
        open_sessions = open_sessions.exclude(session_key=except_key)
    ended = 0
    for row in open_sessions:
        _end(row, reason=reason)
        ended += 1
    return ended


def end_session(*, user: User, session_id: int, reason: str = "user") -> UserSession:
    """End one open session of ``user`` by its id (another user's id is not found)."""
    row = get_object_or_404(open_sessions_for(user), pk=session_id)
    _end(row, reason=reason)
    audit.record("accounts.session_ended", actor=user, obj=row, details={"reason": reason})
    return row


def end_other_sessions(*, user: User, current_key: str | None) -> int:
    """End every session of ``user`` but the current one; audited with the count."""
    ended = end_sessions(user, reason="user", except_key=current_key)
    audit.record("accounts.sessions_ended", actor=user, details={"ended": ended, "reason": "user"})
    return ended


def mark_signed_out(session_key: str | None, *, reason: str) -> None:
    """Sign-out or timeout: the row of the session says so (the store is flushed by logout)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason
        )


# The session itself carries when it was opened and when its activity was last written
# ([opened, noted] as Unix times), so the watch below decides without a read query.
ACTIVITY_SESSION_KEY = "accounts_activity"


def remember_activity(session: SessionBase, *, opened, noted) -> None:
    """Store the session row's times in the session (at sign-in and on each write)."""
    session[ACTIVITY_SESSION_KEY] = [round(opened.timestamp(), 3), round(noted.timestamp(), 3)]


def note_activity(request, user, now) -> bool:
    """Write the activity of this session to its row and into the session; False when the
    row is gone or ended (the session must not go on)."""
    key = request.session.session_key
    written = UserSession.objects.filter(session_key=key, user=user, ended_at__isnull=True).update(
        last_activity=now
    )
    if not written:
        return False
    times = request.session.get(ACTIVITY_SESSION_KEY)
    if times:
        request.session[ACTIVITY_SESSION_KEY] = [times[0], round(now.timestamp(), 3)]
    return True


def _times_from_row(request, user):
    """A session signed in before its times were kept in it: read them from its row once."""
    row = (
        UserSession.objects.filter(session_key=request.session.session_key, user=user)
        .values("created_at", "last_activity", "ended_at")
        .first()
    )
    if row is None or row["ended_at"] is not None:
        return None
    remember_activity(request.session, opened=row["created_at"], noted=row["last_activity"])
    return request.session[ACTIVITY_SESSION_KEY]


class SessionActivityMiddleware:
    """For signed-in requests: end idle (``SESSION_IDLE_SECONDS``) and too old
    (``SESSION_ABSOLUTE_SECONDS``) sessions with a message on the sign-in page, and note
    the activity at most once a minute (``SESSION_ACTIVITY_WRITE_SECONDS``).

    The decision reads only the session: sign-in stores the row's times in it, and each
    activity write refreshes them. That write is also the check that the row still
    exists and is not ended; a session ended from «Активные сеансы» has its stored data
    deleted, so it is signed out on its very next request anyway.

    Goes right after ``MessageMiddleware`` (it needs the user and messages).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refused = self._check(request, user)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request, user):
        times = request.session.get(ACTIVITY_SESSION_KEY) or _times_from_row(request, user)
        now = timezone.now()
        if times is None:
            reason, text = "ended", _("Сеанс завершён. Войдите снова.")
        else:
            opened, noted = times
            idle = now.timestamp() - noted
            if idle > settings.SESSION_IDLE_SECONDS:
                reason = "idle"
                text = _("Сеанс завершён из-за бездействия. Для безопасности войдите снова.")
            elif now.timestamp() - opened > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "absolute"
                text = _(
                    "Сеанс завершён: с момента входа прошло слишком много времени. Войдите снова."
                )
            elif idle < settings.SESSION_ACTIVITY_WRITE_SECONDS or note_activity(
                request, user, now
            ):
                return None
            else:
                reason, text = "ended", _("Сеанс завершён. Войдите снова.")
        key = request.session.session_key
        mark_signed_out(key, reason=reason)
        audit.record("accounts.session_expired", actor=user, details={"reason": reason})
        auth_logout(request)
        if request.path.startswith("/api/"):
            return None  # the API answers as for an anonymous caller
        messages.info(request, text)
        target = request.get_full_path() if request.method == "GET" else ""
        login_url = reverse("accounts:login")
        return redirect(f"{login_url}?{urlencode({'next': target})}" if target else login_url)

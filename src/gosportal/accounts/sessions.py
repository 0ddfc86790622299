"""Server-side sessions of a user (AUTH-7): recorded at sign-in, listed, ended."""

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone
from django.utils.module_loading import import_string

from gosportal.accounts.models import User, UserSession


def _store(session_key: str) -> SessionBase:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)


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
        _store(row.session_key).delete()
        row.ended_at = timezone.now()
        row.end_reason = reason
        row.save(update_fields=["ended_at", "end_reason"])
        ended += 1
    return ended

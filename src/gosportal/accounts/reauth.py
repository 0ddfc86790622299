"""Re-authentication before critical actions (AUTH-7).

A critical view is wrapped in ``reauth_required``: when the person has not proved
who they are within ``REAUTH_SECONDS`` (5 minutes) they are sent to the
«Подтвердите, что это вы» page and come back afterwards. A fresh sign-in counts.
"""

import functools
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "reauth_at"


def mark_reauthenticated(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def recently_reauthenticated(request) -> bool:
    at = request.session.get(SESSION_KEY)
    return isinstance(at, int) and time.time() - at <= settings.REAUTH_SECONDS


def reauth_required(view):
    """Signed in, and proved identity within the last few minutes, or sent to prove it."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not recently_reauthenticated(request):
            target = request.get_full_path() if request.method == "GET" else request.path
            return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': target})}")
        return view(request, *args, **kwargs)

    return wrapped

"""Re-authentication before critical actions (AUTH-7).

A critical view is wrapped in ``reauth_required``: when the person has not proved
who they are within ``REAUTH_SECONDS`` (5 minutes) they are sent to the
«Подтвердите, что это вы» page and come back afterwards. A fresh sign-in counts.

A long form posted after the window ran out need not be lost: with
``reauth_required(keep_input=True)`` its text fields are kept in the (server-side)
session for that page, and the page, back from the re-authentication,
fills them in again with ``kept_input`` (files cannot be kept: the page asks for them).
"""

import functools
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "reauth_at"
KEPT_KEY = "reauth_kept_input"
KEPT_MAX_CHARS = 20_000  # what a long form holds; more is not kept


def mark_reauthenticated(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def recently_reauthenticated(request) -> bool:
    at = request.session.get(SESSION_KEY)
    return isinstance(at, int) and time.time() - at <= settings.REAUTH_SECONDS


def reauth_required(view=None, *, keep_input: bool = False):
    """Signed in, and proved identity within the last few minutes, or sent to prove it.

    ``@reauth_required(keep_input=True)``: a long form's text survives the detour.
    """
    if view is None:
        return functools.partial(reauth_required, keep_input=keep_input)

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not recently_reauthenticated(request):
            if keep_input and request.method == "POST":
                _keep_input(request)
            target = request.get_full_path() if request.method == "GET" else request.path
            return redirect(f"{reverse('accounts:reauth')}?{urlencode({'next': target})}")
        return view(request, *args, **kwargs)

    return wrapped


def _keep_input(request) -> None:
    data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    if sum(len(k) + len(v) for k, v in data.items()) > KEPT_MAX_CHARS:
        return
    request.session[KEPT_KEY] = {
        "path": request.path,
        "data": data,
        "had_files": bool(request.FILES),
    }


def kept_input(request) -> tuple[dict, bool] | None:
    """What was typed on this page before the re-authentication (once), and whether files
    were chosen then; None when nothing was kept for it."""
    kept = request.session.get(KEPT_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[KEPT_KEY]
    return kept.get("data") or {}, bool(kept.get("had_files"))

"""Several accounts in one browser (REG-6, «Войти как другой пользователь»).

The browser holds one session cookie for the account in use and a signed, HttpOnly
cookie ``gp_accounts`` with the session keys of the other accounts signed in on it
(at most ``MAX_PARKED``). Adding an account parks the current key and starts a fresh
session for the sign-in page; switching swaps the session cookie with a parked key.
A parked key is only ever used when its session still exists, belongs to its account
and is not ended, so a forged or stale entry leads nowhere; keys never reach a page.
"""

import hmac
import re
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from gosportal.accounts.models import User, UserSession
from gosportal.core import audit
from gosportal.core.errors import Conflict

COOKIE_NAME = "gp_accounts"
COOKIE_SALT = "accounts.switch"
MAX_PARKED = 5
_KEY_FORMAT = re.compile(r"^[a-z0-9]{32,40}$")


@dataclass(frozen=True)
class OtherAccount:
    """What a page may show about a parked account: never its session key."""

    public_id: UUID
    name: str


@dataclass(frozen=True)
class _Parked:
    key: str
    user: User


# --- reads -----------------------------------------------------------------------


def other_accounts(request) -> list[OtherAccount]:
    """The other accounts signed in on this browser, as the account menu lists them."""
    current = request.user.pk if request.user.is_authenticated else None
    shown: list[OtherAccount] = []
    seen: set[int] = set()
    for parked in _valid_parked(request):
        if parked.user.pk == current or parked.user.pk in seen:
            continue
        seen.add(parked.user.pk)
        name = parked.user.display_name or parked.user.masked_login()
        shown.append(OtherAccount(public_id=parked.user.public_id, name=name))
    return shown


def context(request) -> dict:
    """Template context processor: ``other_accounts``, computed only when a page uses it."""
    return {"other_accounts": SimpleLazyObject(lambda: other_accounts(request))}


# --- writers (of the browser's cookies) ---------------------------------------------


def park_current(request, response: HttpResponse) -> None:
    """«Добавить учётную запись»: keep the current account signed in, start a fresh session.

    The current key moves into ``gp_accounts``; the browser's session cookie is dropped
    by the session middleware, so the sign-in page opens as for a new visitor.
    """
    valid = [p.key for p in _valid_parked(request)]
    current = _current_key(request)
    if current:
        valid = [current, *(k for k in valid if k != current)]
    if len(valid) > MAX_PARKED:
        raise Conflict(
            _(
                "В этом браузере уже открыто наибольшее число учётных записей (%(max)s). "
                "Выйдите из одной из них."
            )
            % {"max": MAX_PARKED + 1}
        )
    if current:
        audit.record("accounts.account_parked", actor=request.user)
    request.session = _store(None)  # empty and untouched: the middleware drops the cookie
    _write(response, valid)


def switch_to(request, public_id: UUID, response: HttpResponse) -> bool:
    """Make the parked account ``public_id`` the current one; False when there is none.

    Stale entries are dropped either way. The current account (if any) is parked.
    """
    valid = _valid_parked(request)
    target = next((p for p in valid if p.user.public_id == public_id), None)
    keys = [p.key for p in valid]
    if target is None:
        _write(response, keys)
        return False
    current = _current_key(request)
    keys.remove(target.key)
    if current and current != target.key:
        keys.insert(0, current)
    audit.record(
        "accounts.switched",
        actor=target.user,
        details={"from_user_id": request.user.pk if request.user.is_authenticated else None},
    )
    _use_session(request, response, target.key)
    _write(response, keys[:MAX_PARKED])
    return True


def switch_after_logout(request, response: HttpResponse) -> User | None:
    """After «Выйти»: continue in the next parked account on this browser, if any."""
    valid = _valid_parked(request)
    if not valid:
        _write(response, [])
        return None
    target, rest = valid[0], valid[1:]
    audit.record("accounts.switched", actor=target.user, details={"from_user_id": None})
    _use_session(request, response, target.key)
    _write(response, [p.key for p in rest])
    return target.user


# --- helpers -----------------------------------------------------------------------


def _store(session_key: str | None) -> SessionBase:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)


def _current_key(request) -> str | None:
    if not request.user.is_authenticated:
        return None
    return request.session.session_key


def _read(request) -> list[str]:
    raw = request.get_signed_cookie(
        COOKIE_NAME, default="", salt=COOKIE_SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    keys: list[str] = []
    for key in str(raw).split(","):
        if _KEY_FORMAT.match(key) and key not in keys:
            keys.append(key)
    return keys[:MAX_PARKED]


def _write(response: HttpResponse, keys: list[str]) -> None:
    if not keys:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return
    response.set_signed_cookie(
        COOKIE_NAME,
        ",".join(keys),
        salt=COOKIE_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _valid_parked(request) -> list[_Parked]:
    """Parked keys whose session is alive, signed in, and not ended; in cookie order."""
    current = request.session.session_key
    found = []
    for key in _read(request):
        if key == current:
            continue
        user = _session_user(key)
        if user is not None:
            found.append(_Parked(key=key, user=user))
    return found


def _session_user(key: str) -> User | None:
    data = _store(key).load()  # an expired or unknown key loads as empty
    user_id = data.get(SESSION_KEY)
    if user_id is None:
        return None
    try:
        user = User.objects.get(pk=user_id, is_active=True)
    except (ObjectDoesNotExist, ValueError, TypeError):
        return None
    # As django.contrib.auth does: a password change invalidates older sessions.
    if not hmac.compare_digest(str(data.get(HASH_SESSION_KEY, "")), user.get_session_auth_hash()):
        return None
    if not UserSession.objects.filter(session_key=key, user=user, ended_at__isnull=True).exists():
        return None
    return user


def _use_session(request, response: HttpResponse, key: str) -> None:
    """Point the browser's session cookie at ``key``, with the settings' attributes."""
    store = _store(key)
    response.set_cookie(
        settings.SESSION_COOKIE_NAME,
        key,
        max_age=None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else store.get_expiry_age(),
        domain=settings.SESSION_COOKIE_DOMAIN,
        path=settings.SESSION_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=settings.SESSION_COOKIE_HTTPONLY or None,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    # An untouched store: the session middleware then leaves the cookie set above alone.
    request.session = _store(key)

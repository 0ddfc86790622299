"""Brute-force defence of the password step (AUTH-5).

Failures are counted under the login that was typed, never under an address alone
(carrier NAT): "acct:<index>" for the login anywhere and "acct-ip:<index>:<address>"
for the login from one address. Keyed by the login, not by the account, so a login
that does not exist is counted and locked exactly like one that does, and nothing
links an account's phone to its e-mail. After ``LOGIN_CAPTCHA_AFTER`` failures a
CAPTCHA is demanded; every ``LOGIN_LOCK_AFTER`` failures lock the login for the next
of ``LOGIN_LOCK_MINUTES`` (the last one repeats; never permanent). A successful
password resets the login's counters (its per-address counters from other addresses
stay, so an attacker elsewhere keeps theirs); a password reset clears them all.
The second-factor step has its own counter ("mfa:<user id>", accounts.mfa).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gosportal.accounts.models import LoginThrottle, User
from gosportal.core.crypto import blind_index
from gosportal.core.validators import normalize_phone


@dataclass(frozen=True)
class ThrottleState:
    captcha_required: bool
    locked_until: datetime | None
    counted: bool = False  # a counter row exists, so a correct password has one to reset

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def normalise_login(login: str) -> str:
    """The same login however typed: e-mail lower-cased, phone as +7…, else as is."""
    login = (login or "").strip()
    if "@" in login:
        return login.lower()
    try:
        return normalize_phone(login)
    except ValidationError:
        return login.lower()


def _index(login: str) -> str:
    return blind_index(normalise_login(login), purpose="login-throttle")


def throttle_keys(login: str, ip: str | None) -> tuple[str, str]:
    index = _index(login)
    return f"acct:{index}", f"acct-ip:{index}:{ip or '-'}"


def _forgotten(row: LoginThrottle, now: datetime) -> bool:
    """Counters left alone long enough start again (but never in the middle of a lock)."""
    quiet = now - row.updated_at > timedelta(hours=settings.LOGIN_THROTTLE_FORGET_HOURS)
    return quiet and not (row.locked_until and row.locked_until > now)


def state(login: str, ip: str | None) -> ThrottleState:
    """Whether a CAPTCHA is demanded and until when the login is locked (one query)."""
    now = timezone.now()
    failures, locked_until, counted = 0, None, False
    for row in LoginThrottle.objects.filter(key__in=throttle_keys(login, ip)):
        counted = True
        if _forgotten(row, now):
            continue
        failures = max(failures, row.failures)
        if row.locked_until and row.locked_until > now:
            locked_until = max(locked_until or row.locked_until, row.locked_until)
    return ThrottleState(
        captcha_required=failures >= settings.LOGIN_CAPTCHA_AFTER,
        locked_until=locked_until,
        counted=counted,
    )


def _lock_minutes(level: int) -> int:
    steps = settings.LOGIN_LOCK_MINUTES or [60]
    return steps[min(level, len(steps)) - 1]


def record_failure(login: str, ip: str | None) -> datetime | None:
    """Count one wrong password under both keys; returns the end of a lock it started.

    Runs in its own transaction, so the count survives whatever the caller rolls back.
    Failures while the login is locked are not counted (they are refused unchecked).
    """
    now = timezone.now()
    new_lock = None
    with transaction.atomic():
        for key in throttle_keys(login, ip):
            LoginThrottle.objects.get_or_create(key=key)
            row = LoginThrottle.objects.select_for_update().get(key=key)
            if _forgotten(row, now):
                row.failures, row.lock_level, row.locked_until = 0, 0, None
            if row.locked_until and row.locked_until > now:
                continue
            row.failures += 1
            row.updated_at = now
            if row.failures >= settings.LOGIN_LOCK_AFTER * (row.lock_level + 1):
                row.lock_level += 1
                row.locked_until = now + timedelta(minutes=_lock_minutes(row.lock_level))
                new_lock = max(new_lock or row.locked_until, row.locked_until)
            row.save(update_fields=["failures", "lock_level", "locked_until", "updated_at"])
    return new_lock


def reset(login: str, ip: str | None) -> None:
    """A correct password: the login's counter and this address's counter start again."""
    LoginThrottle.objects.filter(key__in=throttle_keys(login, ip)).delete()


def reset_for_user(user: User) -> None:
    """After a password reset: every counter and lock of the user's logins is cleared."""
    for login in filter(None, [user.email, user.phone]):
        index = _index(login)
        LoginThrottle.objects.filter(key=f"acct:{index}").delete()
        LoginThrottle.objects.filter(key__startswith=f"acct-ip:{index}:").delete()

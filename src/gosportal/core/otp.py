"""One-time codes sent by SMS or e-mail: issuing, limits and checking (AUTH-4).

A code is kept only as a keyed hash bound to its purpose and destination; the
destination itself only as a blind index, so the table holds no phone, e-mail or code
in clear. Every number comes from ``settings.OTP``: length, lifetime, tries per code,
the resend cool-down, the caps per destination (counted across purposes and accounts,
so one phone cannot be flooded through several accounts) and per address, and the
lock of the code step after a run of wrong codes. Issuing and checking for one
destination are serialised by locking its ``OneTimeCodeLock`` rows. Both functions
commit their own bookkeeping and audit rows before raising, so call them outside any
transaction the caller might roll back: otherwise failed tries would be forgotten.
"""

import hmac
import math
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from gosportal.core import audit
from gosportal.core.crypto import blind_index
from gosportal.core.errors import DomainError, InvalidInput, RateLimited
from gosportal.core.models import OneTimeCode, OneTimeCodeLock

# The lock row with an empty purpose serialises issuing for a destination across
# purposes, because the caps per destination count every purpose.
_ALL_PURPOSES = ""


@dataclass(frozen=True)
class IssuedCode:
    """A fresh code for the caller to send; never logged, never stored in clear."""

    code: str = field(repr=False)
    expires_at: datetime
    resend_available_at: datetime


def issue_code(*, purpose: str, destination: str, ip: str | None = None) -> IssuedCode:
    """Create a code for ``destination`` (E.164 phone or lower-cased e-mail) unless a limit says no.

    Supersedes the earlier unused codes for the same purpose and destination. Raises
    ``RateLimited`` while the code step is locked, during the resend cool-down, and over
    the caps per destination or per address; the refusal is audited all the same.
    """
    conf = settings.OTP
    index = _destination_index(destination)
    details = {"purpose": purpose, "destination": index}
    with transaction.atomic():
        _lock(_ALL_PURPOSES, index)
        lock = _lock(purpose, index)
        now = timezone.now()
        refusal = _issue_refusal(conf, lock, purpose=purpose, index=index, ip=ip, now=now)
        if refusal is None:
            issued = _create_code(conf, purpose=purpose, index=index, ip=ip, now=now)
        else:
            audit.record("otp.refused", details={**details, "reason": refusal[0]})
    if refusal is not None:
        raise refusal[1]
    return issued


def verify_code(*, purpose: str, destination: str, code: str) -> None:
    """Accept the current code for ``purpose`` and ``destination`` once, or raise.

    A wrong code uses up one of the code's tries and adds to the run of wrong codes
    that locks the code step; the right one is spent and ends the run. The tries are
    committed before the error is raised, so call this outside any transaction of
    the caller's (in autocommit), or a rollback would hand the tries back.
    """
    conf = settings.OTP
    entered = "".join((code or "").split())
    if not entered:
        raise InvalidInput(_("Введите код из сообщения."), field="code")
    index = _destination_index(destination)
    with transaction.atomic():
        lock = _lock(purpose, index)
        error = _check_attempt(conf, lock, purpose=purpose, index=index, entered=entered)
    if error is not None:
        raise error


def _create_code(
    conf: dict, *, purpose: str, index: str, ip: str | None, now: datetime
) -> IssuedCode:
    code = f"{secrets.randbelow(10 ** conf['LENGTH']):0{conf['LENGTH']}d}"
    _active_codes(purpose, index).update(superseded=True)
    row = OneTimeCode.objects.create(
        purpose=purpose,
        destination_index=index,
        code_hash=_code_hash(purpose=purpose, index=index, code=code),
        ip=ip,
        created_at=now,
        expires_at=now + timedelta(seconds=conf["TTL_SECONDS"]),
    )
    audit.record("otp.issued", obj=row, details={"purpose": purpose, "destination": index})
    resend_at = now + timedelta(seconds=conf["RESEND_COOLDOWN_SECONDS"])
    destination_open_at = _destination_open_at(conf, index=index, now=now)
    if destination_open_at is not None:
        resend_at = max(resend_at, destination_open_at)
    return IssuedCode(code=code, expires_at=row.expires_at, resend_available_at=resend_at)


def _check_attempt(
    conf: dict, lock: OneTimeCodeLock, *, purpose: str, index: str, entered: str
) -> DomainError | None:
    now = timezone.now()
    details = {"purpose": purpose, "destination": index}
    if lock.locked_until is not None and lock.locked_until > now:
        audit.record("otp.failed", details={**details, "reason": "locked"})
        return _locked_error(lock.locked_until, now)
    row = _active_codes(purpose, index).order_by("-created_at", "-pk").first()
    if row is None or row.expires_at <= now:
        audit.record("otp.failed", obj=row, details={**details, "reason": "expired"})
        return InvalidInput(_("Код устарел. Запросите новый код."), field="code")
    if row.attempts >= conf["MAX_ATTEMPTS"]:
        audit.record("otp.failed", obj=row, details={**details, "reason": "attempts"})
        return _burnt_error()

    well_formed = entered.isascii() and entered.isdigit() and len(entered) == conf["LENGTH"]
    expected = row.code_hash.encode()
    given = _code_hash(purpose=purpose, index=index, code=entered).encode()
    if well_formed and hmac.compare_digest(expected, given):
        row.used_at = now
        row.save(update_fields=["used_at"])
        lock.failures = 0
        lock.save(update_fields=["failures"])
        audit.record("otp.verified", obj=row, details=details)
        return None

    # A malformed entry is still a guess, so it costs a try like a wrong code.
    row.attempts += 1
    row.save(update_fields=["attempts"])
    lock.failures += 1
    reason = "wrong" if well_formed else "malformed"
    audit.record("otp.failed", obj=row, details={**details, "reason": reason})
    if lock.failures >= conf["LOCK_AFTER_FAILURES"]:
        lock.failures = 0
        lock.locked_until = now + timedelta(seconds=conf["LOCK_SECONDS"])
        lock.save(update_fields=["failures", "locked_until"])
        # The code in flight ends with the lock; the user asks for a new one after it.
        _active_codes(purpose, index).update(superseded=True)
        audit.record("otp.locked", details={**details, "until": lock.locked_until})
        return _locked_error(lock.locked_until, now)
    lock.save(update_fields=["failures"])
    left = conf["MAX_ATTEMPTS"] - row.attempts
    if left <= 0:
        return _burnt_error()
    if not well_formed:
        return InvalidInput(
            _("Код — %(length)s цифр из сообщения.") % {"length": conf["LENGTH"]}, field="code"
        )
    return InvalidInput(
        _("Неверный код. Осталось попыток: %(left)s.") % {"left": left}, field="code"
    )


def _issue_refusal(
    conf: dict, lock: OneTimeCodeLock, *, purpose: str, index: str, ip: str | None, now: datetime
) -> tuple[str, RateLimited] | None:
    """Why a code may not be issued now (audit reason and error), or None."""
    if lock.locked_until is not None and lock.locked_until > now:
        return "locked", _locked_error(lock.locked_until, now)

    last = (
        OneTimeCode.objects.filter(purpose=purpose, destination_index=index)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is not None:
        resend_at = last + timedelta(seconds=conf["RESEND_COOLDOWN_SECONDS"])
        if resend_at > now:
            seconds = _seconds_until(resend_at, now)
            return "cooldown", RateLimited(
                _("Повторно запросить код можно через %(seconds)s с.") % {"seconds": seconds},
                retry_after=seconds,
            )

    open_at = _destination_open_at(conf, index=index, now=now)
    if open_at is not None:
        return "destination_limit", RateLimited(
            _("Слишком много кодов на этот номер или адрес. Повторите через %(minutes)s мин.")
            % {"minutes": _minutes_until(open_at, now)},
            retry_after=_seconds_until(open_at, now),
        )

    if ip:
        window, limit = conf["IP_LIMIT"]
        open_at = _window_open_at(OneTimeCode.objects.filter(ip=ip), now, window, limit)
        if open_at is not None:
            return "ip_limit", RateLimited(
                _("Слишком много кодов с вашего IP-адреса. Повторите через %(minutes)s мин.")
                % {"minutes": _minutes_until(open_at, now)},
                retry_after=_seconds_until(open_at, now),
            )
    return None


def _destination_open_at(conf: dict, *, index: str, now: datetime) -> datetime | None:
    """When every cap per destination admits one more code, or None if they do now."""
    codes = OneTimeCode.objects.filter(destination_index=index)
    opens = [
        _window_open_at(codes, now, window, limit) for window, limit in conf["DESTINATION_LIMITS"]
    ]
    opens = [moment for moment in opens if moment is not None]
    return max(opens) if opens else None


def _window_open_at(
    codes: QuerySet[OneTimeCode], now: datetime, window: int, limit: int
) -> datetime | None:
    """Sliding window: when the ``limit``-th newest code leaves it, or None if under the cap."""
    if limit <= 0:
        return now + timedelta(seconds=window)
    recent = list(
        codes.filter(created_at__gt=now - timedelta(seconds=window))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + timedelta(seconds=window)


def _lock(purpose: str, index: str) -> OneTimeCodeLock:
    lock, _created = OneTimeCodeLock.objects.select_for_update().get_or_create(
        purpose=purpose, destination_index=index
    )
    return lock


def _active_codes(purpose: str, index: str) -> QuerySet[OneTimeCode]:
    return OneTimeCode.objects.filter(
        purpose=purpose, destination_index=index, used_at__isnull=True, superseded=False
    )


def _destination_index(destination: str) -> str:
    return blind_index(destination.strip().lower(), purpose="otp-destination")


def _code_hash(*, purpose: str, index: str, code: str) -> str:
    # Binding purpose and destination means a row's hash proves nothing about any other row.
    message = f"{purpose}\x00{index}\x00{code}"
    return salted_hmac("gosportal.core.otp", message, algorithm="sha256").hexdigest()


def _locked_error(until: datetime, now: datetime) -> RateLimited:
    return RateLimited(
        _("Ввод кода заблокирован после неверных попыток. Повторите через %(minutes)s мин.")
        % {"minutes": _minutes_until(until, now)},
        retry_after=_seconds_until(until, now),
    )


def _burnt_error() -> InvalidInput:
    return InvalidInput(
        _("Код больше не действует: превышено число попыток. Запросите новый."), field="code"
    )


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _minutes_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds() / 60))

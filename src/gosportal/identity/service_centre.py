"""Identity confirmation at a service centre (REG-3, OFF-4): the person asks for a
single-use code shown as a QR code, brings it with the passport to a service centre
(МФЦ), and an operator who types or scans the code sees only that person's data,
checks the originals and confirms or refuses. The code is valid for 7 days and only
its keyed hash is stored.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts.levels import LevelTooLow, has_level
from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.services import raise_level
from gosportal.core import audit
from gosportal.core.crypto import blind_index
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gosportal.core.ratelimit import check as check_rate
from gosportal.identity.models import Confirmation
from gosportal.identity.pending import cancel_pending, open_pending
from gosportal.profiles.selectors import profile_of

# Letters and digits nobody mixes up when reading them aloud or typing (no 0/O, 1/I …).
CODE_ALPHABET = "ABCDEFHJKMNPRSTUVWXY3479"
CODE_LENGTH = 8
VALIDITY = timedelta(days=7)  # REFERENCE: service-centre QR, single use, 7 days
LOOKUP_RATE = "30/10m"  # per operator: stops guessing codes at the desk
PERMISSION = "identity.confirm_in_service_centre"
METHOD = Confirmation.Method.SERVICE_CENTRE
INDEX_PURPOSE = "identity-code"
_SEPARATORS = re.compile(r"[\s\-‐‑–—]")


class CodeNotValid(NotFound):
    """Unknown, used and expired codes answer alike, so a guess learns nothing."""

    default_message = gettext_lazy("Код не найден или больше не действует.")


def generate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """XXXX-XXXX, as printed and typed."""
    return f"{code[:4]}-{code[4:]}"


def normalize_code(text: str) -> str | None:
    """The code in canonical form (upper case, no separators), or None if it cannot be one."""
    code = _SEPARATORS.sub("", text or "").upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


def _code_hash(code: str) -> str:
    key = f"identity-code-hash\x00{settings.SECRET_KEY}".encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def qr_data_uri(code: str) -> str:
    """The code as a QR code (SVG data URI) for the person's screen or printout."""
    return segno.make(format_code(code), error="m").svg_data_uri(scale=6)


def check_can_request(user: User) -> None:
    """Only a standard account asks for confirmation: below it the data are not checked
    yet, above it there is nothing to confirm."""
    if has_level(user, User.Level.CONFIRMED):
        raise Conflict(_("Ваша личность уже подтверждена."))
    if not has_level(user, User.Level.STANDARD):
        raise LevelTooLow(needed=User.Level.STANDARD, current=user.level)


@transaction.atomic
def request_service_centre_confirmation(*, user: User) -> tuple[Confirmation, str]:
    """A new pending confirmation with a fresh code (returned once, stored only hashed);
    an earlier pending one of this method is cancelled."""
    check_can_request(user)
    cancelled = cancel_pending(user=user, method=METHOD)
    code = generate_code()
    confirmation = open_pending(
        user=user,
        method=METHOD,
        code_hash=_code_hash(code),
        code_index=blind_index(code, purpose=INDEX_PURPOSE),
        validity=VALIDITY,
    )
    audit.record(
        "identity.service_centre_requested",
        actor=user,
        obj=confirmation,
        details={"cancelled": cancelled},
    )
    return confirmation, code


def pending_service_centre(user: User) -> Confirmation | None:
    """The person's pending, unexpired service-centre confirmation, if any."""
    return (
        Confirmation.objects.filter(
            user=user,
            method=METHOD,
            status=Confirmation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-id")
        .first()
    )


def confirmations_of(user: User) -> list[Confirmation]:
    """The person's confirmations, newest first; a pending one past its date reads as expired."""
    now = timezone.now()
    rows = list(Confirmation.objects.filter(user=user).order_by("-created_at", "-id"))
    for row in rows:
        status = row.status
        if status == Confirmation.Status.PENDING and row.expires_at <= now:
            status = Confirmation.Status.EXPIRED
        row.shown_status = Confirmation.Status(status).label
        row.tone = {
            Confirmation.Status.PENDING: "info",
            Confirmation.Status.CONFIRMED: "success",
            Confirmation.Status.REJECTED: "danger",
        }.get(status, "neutral")
    return rows


def check_operator(operator: User) -> None:
    if not operator.is_authenticated or not operator.has_perm(PERMISSION):
        raise Forbidden()


def _find_by_code(code: str, *, lock: bool) -> Confirmation:
    canonical = normalize_code(code)
    if canonical is None:
        raise CodeNotValid(field="code")
    rows = Confirmation.objects.filter(
        method=METHOD,
        status=Confirmation.Status.PENDING,
        expires_at__gt=timezone.now(),
        code_index=blind_index(canonical, purpose=INDEX_PURPOSE),
    ).select_related("user")
    if lock:
        rows = rows.select_for_update()
    confirmation = rows.first()
    if confirmation is None or not hmac.compare_digest(
        confirmation.code_hash, _code_hash(canonical)
    ):
        raise CodeNotValid(field="code")
    return confirmation


def look_up_code(*, operator: User, code: str) -> Confirmation:
    """OFF-4: the pending confirmation a code unlocks; every lookup counts towards the
    operator's limit, and each successful one is audited (the operator saw personal data)."""
    check_operator(operator)
    check_rate(f"desk:service-centre:user:{operator.pk}", LOOKUP_RATE)
    confirmation = _find_by_code(code, lock=False)
    audit.record("identity.service_centre_viewed", actor=operator, obj=confirmation)
    return confirmation


def person_card(confirmation: Confirmation) -> dict:
    """Only what the code unlocks: the person's name, birth date, passport and address."""
    profile = profile_of(confirmation.user)
    return {
        "full_name": " ".join(
            part for part in (profile.last_name, profile.first_name, profile.middle_name) if part
        ),
        "birth_date": profile.birth_date,
        "passport_series": profile.passport_series,
        "passport_number": profile.passport_number,
        "passport_issued_on": profile.passport_issued_on,
        "passport_issuer": profile.passport_issuer,
        "passport_department_code": profile.passport_department_code,
        "registration_address": profile.registration_address,
        "expires_at": confirmation.expires_at,
    }


@transaction.atomic
def confirm_in_service_centre(*, operator: User, code: str) -> Confirmation:
    """The operator saw the originals: the confirmation is decided, the code burnt, the
    account confirmed and the person told."""
    check_operator(operator)
    confirmation = _find_by_code(code, lock=True)
    now = timezone.now()
    confirmation.status = Confirmation.Status.CONFIRMED
    confirmation.operator_id = operator.pk
    confirmation.decided_at = now
    confirmation.code_hash = ""
    confirmation.code_index = ""
    confirmation.save(
        update_fields=["status", "operator_id", "decided_at", "code_hash", "code_index"]
    )
    raise_level(confirmation.user, level=User.Level.CONFIRMED, reason="service_centre")
    audit.record("identity.service_centre_confirmed", actor=operator, obj=confirmation)
    send_security_notice(
        confirmation.user,
        subject=_("Личность подтверждена"),
        text=_(
            "Личность подтверждена в центре обслуживания %(date)s. Учётная запись "
            "стала подтверждённой. Если это были не вы, обратитесь в службу поддержки."
        )
        % {"date": timezone.localtime(now).strftime("%d.%m.%Y %H:%M")},
    )
    return confirmation


@transaction.atomic
def reject_in_service_centre(*, operator: User, code: str, reason: str) -> Confirmation:
    """The documents did not match: the confirmation is refused with the reason, the
    code burnt and the person told why."""
    check_operator(operator)
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 300:
        raise InvalidInput(_("Укажите причину отказа: от 5 до 300 символов."), field="reason")
    confirmation = _find_by_code(code, lock=True)
    confirmation.status = Confirmation.Status.REJECTED
    confirmation.operator_id = operator.pk
    confirmation.decided_at = timezone.now()
    confirmation.reason = reason
    confirmation.code_hash = ""
    confirmation.code_index = ""
    confirmation.save(
        update_fields=["status", "operator_id", "decided_at", "reason", "code_hash", "code_index"]
    )
    audit.record(
        "identity.service_centre_rejected",
        actor=operator,
        obj=confirmation,
        details={"reason": reason},
    )
    send_security_notice(
        confirmation.user,
        subject=_("Личность не подтверждена"),
        text=_(
            "В центре обслуживания отказали в подтверждении личности. Причина: %(reason)s. "
            "Исправьте данные в разделе «Мои данные» и запросите новый код."
        )
        % {"reason": reason},
    )
    return confirmation

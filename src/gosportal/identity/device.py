"""Identity confirmation from a phone where a confirmed account is signed in (REG-3).

A standard account signed in on a computer asks for a QR code holding a link
/identity/device/<token>/ (32 url-safe characters; only its keyed hash and blind index
are stored; valid 10 minutes; single use; a new request cancels the earlier one). The
person scans it with a phone where they are signed in to a confirmed account, sees
«Подтвердить личность для учётной записи <login> на другом устройстве?» and presses
the button: the computer's account becomes confirmed, both accounts are told and the
decision is audited; the computer page polls for the result (or has «Проверить»).

Who may approve: a signed-in account of level confirmed that belongs to the same
person (REG-6: a person may hold several accounts). The same person means the two
profiles carry the same SNILS, or the same passport (series and number) and the same
birth date. The passport rule exists because the database keeps a SNILS on one account
only (profiles.Profile.snils_index is unique), so two accounts of one person in practice
match on the passport; the same account cannot approve itself, being below confirmed.
Refusals: not signed in on the phone (sign in and open the link again), the phone's
account not confirmed, another person, and an unknown, used or expired link (one message
for all three, so a guess learns nothing). Token lookups are rate-limited per account.
The approving account is kept in ``Confirmation.operator_id``.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts.levels import has_level
from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.services import raise_level
from gosportal.core import audit
from gosportal.core.crypto import blind_index
from gosportal.core.errors import Forbidden, NotFound
from gosportal.core.ratelimit import check as check_rate
from gosportal.identity.models import Confirmation
from gosportal.identity.pending import cancel_pending, open_pending
from gosportal.identity.service_centre import check_can_request
from gosportal.profiles.selectors import profile_of

TOKEN_BYTES = 24  # 32 url-safe characters
TOKEN_LENGTH = 32
VALIDITY = timedelta(minutes=10)  # REFERENCE: a QR on screen, scanned at once
LOOKUP_RATE = "20/10m"  # per approving account: stops guessing links
METHOD = Confirmation.Method.DEVICE
INDEX_PURPOSE = "identity-device-token"


class LinkNotValid(NotFound):
    """Unknown, used and expired links answer alike."""

    default_message = gettext_lazy(
        "Ссылка недействительна или устарела. Получите новый QR-код на компьютере."
    )


class ApproverNotConfirmed(Forbidden):
    default_message = gettext_lazy(
        "Подтвердить личность с этого устройства нельзя: учётная запись, в которую выполнен "
        "вход, не подтверждена. Войдите в подтверждённую учётную запись или выберите другой "
        "способ подтверждения."
    )


class DifferentPerson(Forbidden):
    default_message = gettext_lazy(
        "Подтвердить личность с этого устройства нельзя: учётная запись, в которую выполнен "
        "вход, принадлежит другому человеку. Подтвердить можно только свою учётную запись."
    )


def generate_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _token_hash(token: str) -> str:
    key = f"identity-device-token-hash\x00{settings.SECRET_KEY}".encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def qr_data_uri(url: str) -> str:
    """The approval link as a QR code (SVG data URI) for the computer's screen."""
    return segno.make(url, error="m").svg_data_uri(scale=4)


@transaction.atomic
def request_device_confirmation(*, user: User) -> tuple[Confirmation, str]:
    """A new pending confirmation with a fresh link token (returned once, stored only
    hashed); an earlier pending one of this method is cancelled."""
    check_can_request(user)
    cancelled = cancel_pending(user=user, method=METHOD)
    token = generate_token()
    confirmation = open_pending(
        user=user,
        method=METHOD,
        code_hash=_token_hash(token),
        code_index=blind_index(token, purpose=INDEX_PURPOSE),
        validity=VALIDITY,
    )
    audit.record(
        "identity.device_requested",
        actor=user,
        obj=confirmation,
        details={"cancelled": cancelled},
    )
    return confirmation, token


def confirmation_of(user: User, confirmation_id) -> Confirmation | None:
    """One of the user's own device confirmations, or None."""
    try:
        pk = int(confirmation_id)
    except (TypeError, ValueError):
        return None
    return Confirmation.objects.filter(user=user, method=METHOD, pk=pk).first()


def state_of(confirmation: Confirmation) -> str:
    """pending / confirmed / expired / cancelled / rejected, as the waiting page shows it."""
    if (
        confirmation.status == Confirmation.Status.PENDING
        and confirmation.expires_at <= timezone.now()
    ):
        return Confirmation.Status.EXPIRED.value
    return str(confirmation.status)


def _find_by_token(token: str, *, lock: bool) -> Confirmation:
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        raise LinkNotValid()
    rows = Confirmation.objects.filter(
        method=METHOD,
        status=Confirmation.Status.PENDING,
        expires_at__gt=timezone.now(),
        code_index=blind_index(token, purpose=INDEX_PURPOSE),
    ).select_related("user")
    if lock:
        rows = rows.select_for_update()
    confirmation = rows.first()
    if confirmation is None or not hmac.compare_digest(confirmation.code_hash, _token_hash(token)):
        raise LinkNotValid()
    return confirmation


def is_same_person(first: User, second: User) -> bool:
    """Both profiles name the same SNILS, or the same passport and birth date."""
    one, other = profile_of(first), profile_of(second)
    if one.snils and other.snils and one.snils == other.snils:
        return True
    passport_one = (one.passport_series, one.passport_number)
    passport_other = (other.passport_series, other.passport_number)
    return bool(
        all(passport_one)
        and one.birth_date
        and passport_one == passport_other
        and one.birth_date == other.birth_date
    )


def check_approver(*, approver: User, confirmation: Confirmation) -> None:
    """REG-3: the phone's account is confirmed and belongs to the same person."""
    if not has_level(approver, User.Level.CONFIRMED):
        raise ApproverNotConfirmed()
    if approver.pk == confirmation.user_id or not is_same_person(approver, confirmation.user):
        raise DifferentPerson()


def look_up_token(*, approver: User, token: str) -> Confirmation:
    """The pending confirmation a link opens for this approver; each lookup counts
    towards the approver's limit."""
    check_rate(f"identity:device:user:{approver.pk}", LOOKUP_RATE)
    confirmation = _find_by_token(token, lock=False)
    check_approver(approver=approver, confirmation=confirmation)
    return confirmation


@transaction.atomic
def approve_device_confirmation(*, approver: User, token: str) -> Confirmation:
    """The person approved on the phone: the link is burnt, the computer's account
    confirmed, the decision audited and both accounts told."""
    check_rate(f"identity:device:user:{approver.pk}", LOOKUP_RATE)
    confirmation = _find_by_token(token, lock=True)
    check_approver(approver=approver, confirmation=confirmation)
    now = timezone.now()
    confirmation.status = Confirmation.Status.CONFIRMED
    confirmation.operator_id = approver.pk
    confirmation.decided_at = now
    confirmation.code_hash = ""
    confirmation.code_index = ""
    confirmation.save(
        update_fields=["status", "operator_id", "decided_at", "code_hash", "code_index"]
    )
    raise_level(confirmation.user, level=User.Level.CONFIRMED, reason="device")
    audit.record(
        "identity.device_confirmed",
        actor=approver,
        obj=confirmation,
        details={"approved_by": approver.pk},
    )
    when = timezone.localtime(now).strftime("%d.%m.%Y %H:%M")
    send_security_notice(
        confirmation.user,
        subject=_("Личность подтверждена"),
        text=_(
            "Личность подтверждена %(date)s с телефона, где выполнен вход в учётную запись "
            "%(login)s. Учётная запись стала подтверждённой. Если это были не вы, обратитесь "
            "в службу поддержки."
        )
        % {"date": when, "login": approver.masked_login()},
    )
    send_security_notice(
        approver,
        subject=_("Подтверждение личности для другой учётной записи"),
        text=_(
            "%(date)s с этого устройства подтверждена личность для учётной записи %(login)s. "
            "Если это были не вы, обратитесь в службу поддержки."
        )
        % {"date": when, "login": confirmation.user.masked_login()},
    )
    return confirmation

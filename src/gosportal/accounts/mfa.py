"""Second factors (AUTH-3, AUTH-4): enrolling, checking, switching and removing them.

Every writer of ``Authenticator`` lives here. A change is audited inside its
transaction, tells the owner by SMS and e-mail (``send_security_notice``, delivered
after commit) and signs out the owner's other browsers, because whoever changed the
second factor may not be the only one holding the account. A TOTP secret or a
recovery code never leaves this module in clear except towards the owner's screen.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts import signin
from gosportal.accounts.models import Authenticator, LoginEvent, LoginThrottle, User
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.sessions import end_sessions
from gosportal.core import audit, otp
from gosportal.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    RateLimited,
    ServiceUnavailable,
)
from gosportal.integrations.sms.base import SmsError, get_sms_gateway

Kind = Authenticator.Kind

TOTP_SESSION_KEY = "mfa_totp_secret"  # secret waiting for its first code
TOTP_ISSUER = "Госпортал"
TOTP_VALID_WINDOW = 1  # ±1 step of 30 s (REFERENCE: authentication numbers)
RECOVERY_CODE_COUNT = 10
RECOVERY_WARN_AT = 3
# Unambiguous letters and digits: no 0/O, 1/I/L.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
OTP_PURPOSE = "mfa"
# Real second factors in the order one takes over as default when the default goes.
SECOND_FACTORS = (Kind.TOTP, Kind.WEBAUTHN, Kind.SMS, Kind.EMAIL)
SESSION_END_REASON = "mfa_changed"

KIND_CHANGE_TEXT = {
    Kind.TOTP: gettext_lazy("приложение-аутентификатор"),
    Kind.SMS: gettext_lazy("код по SMS"),
    Kind.EMAIL: gettext_lazy("код по электронной почте"),
    Kind.WEBAUTHN: gettext_lazy("ключ безопасности"),
    Kind.RECOVERY_CODES: gettext_lazy("резервные коды"),
}


# --- reads -----------------------------------------------------------------------


def authenticators_for(user: User) -> QuerySet[Authenticator]:
    """The user's second factors (recovery codes included), default first."""
    return user.authenticators.order_by("-is_default", "created_at", "pk")


def second_factors_for(user: User) -> QuerySet[Authenticator]:
    """The user's real second factors: recovery codes alone do not count."""
    return authenticators_for(user).exclude(kind=Kind.RECOVERY_CODES)


def recovery_codes_left(user: User) -> int | None:
    """How many unused recovery codes the user has, or None when they have none issued."""
    row = user.authenticators.filter(kind=Kind.RECOVERY_CODES).first()
    if row is None:
        return None
    return len(authenticator_data(row).get("codes", []))


def recovery_codes_running_low(user: User) -> bool:
    left = recovery_codes_left(user)
    return left is not None and left <= RECOVERY_WARN_AT


def check_owned(user: User, authenticator_id) -> Authenticator:
    """The user's authenticator with this id; another user's id is simply not found."""
    try:
        pk = int(authenticator_id)
    except (TypeError, ValueError):
        pk = None
    row = user.authenticators.filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFound(_("Способ подтверждения не найден."))
    return row


# --- TOTP --------------------------------------------------------------------------


@dataclass(frozen=True)
class TotpEnrolment:
    """What the enrolment page shows: the secret for manual entry and its QR code."""

    secret: str
    grouped_secret: str
    uri: str
    qr_data_uri: str


def start_totp_enrolment(*, user: User, session) -> TotpEnrolment:
    """Keep a fresh secret in the session until its first code confirms it."""
    secret = session.get(TOTP_SESSION_KEY)
    if not isinstance(secret, str) or len(secret) < 32:
        secret = pyotp.random_base32()
        session[TOTP_SESSION_KEY] = secret
    account = user.email or user.phone or str(user.public_id)
    uri = pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=TOTP_ISSUER)
    qr = segno.make(uri, error="m").svg_data_uri(scale=4, dark="#000", light="#fff")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return TotpEnrolment(secret=secret, grouped_secret=grouped, uri=uri, qr_data_uri=qr)


def confirm_totp(*, user: User, secret: str, code: str, session_key: str | None) -> Authenticator:
    """Create the user's TOTP authenticator once a code from the app proves the secret."""
    if not secret:
        raise InvalidInput(_("Срок настройки истёк. Отсканируйте QR-код ещё раз."), field="code")
    step = _totp_step(secret, code)
    if step is None:
        raise InvalidInput(
            _("Код из приложения не подошёл. Проверьте время на телефоне и введите новый код."),
            field="code",
        )
    with transaction.atomic():
        lock_user(user)
        if user.authenticators.filter(kind=Kind.TOTP).exists():
            raise Conflict(_("Приложение-аутентификатор уже подключено."), field="code")
        row = Authenticator.objects.create(
            user=user,
            kind=Kind.TOTP,
            name=str(Kind.TOTP.label),
            data=json.dumps({"secret": secret}),
            last_used_step=step,
            is_default=not user.authenticators.filter(is_default=True).exists(),
        )
        record_change(user, "accounts.mfa_added", row, session_key=session_key, added=True)
    return row


def verify_totp(*, authenticator: Authenticator, code: str) -> None:
    """Accept a current code (±1 step) once: a step not after the last used one is refused."""
    secret = authenticator_data(authenticator).get("secret", "")
    step = _totp_step(secret, code)
    if step is None:
        raise InvalidInput(_("Неверный код из приложения."), field="code")
    with transaction.atomic():
        row = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
        if row.last_used_step is not None and step <= row.last_used_step:
            raise InvalidInput(
                _("Этот код уже использован. Дождитесь следующего кода в приложении."),
                field="code",
            )
        row.last_used_step = step
        row.last_used_at = timezone.now()
        row.save(update_fields=["last_used_step", "last_used_at"])
    authenticator.last_used_step = step


def _totp_step(secret: str, code: str) -> int | None:
    """The time step whose code ``code`` is, within the window around now, or None."""
    entered = "".join((code or "").split())
    if not (entered.isascii() and entered.isdigit() and len(entered) == 6):
        return None
    try:
        totp = pyotp.TOTP(secret)
        return totp.verify_and_get_timecode(
            entered, for_time=timezone.now().timestamp(), valid_window=TOTP_VALID_WINDOW
        )
    except (pyotp.exceptions.OTPVerificationError, ValueError):
        return None


# --- recovery codes ----------------------------------------------------------------


def generate_recovery_codes(
    *, user: User, session_key: str | None, announce: bool = True
) -> list[str]:
    """Issue 10 new recovery codes (the old ones stop working); returns them in clear once.

    ``announce=False`` when they come with a newly added method, whose own notice covers them.
    """
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    stored = [_hash_recovery_code(code) for code in codes]
    with transaction.atomic():
        lock_user(user)
        if not user.authenticators.exclude(kind=Kind.RECOVERY_CODES).exists():
            raise Conflict(_("Сначала подключите второй способ подтверждения входа."))
        row, created = Authenticator.objects.get_or_create(
            user=user,
            kind=Kind.RECOVERY_CODES,
            defaults={"name": str(Kind.RECOVERY_CODES.label), "data": "{}"},
        )
        row.data = json.dumps({"codes": stored})
        row.created_at = timezone.now()
        row.last_used_at = None
        row.save(update_fields=["data", "created_at", "last_used_at"])
        audit.record(
            "accounts.mfa_recovery_codes_generated", actor=user, obj=row, details={"new": created}
        )
        if announce:
            _after_change(user, kind=row.kind, added=created, session_key=session_key)
    return codes


def verify_recovery_code(*, user: User, code: str) -> int:
    """Spend one recovery code; returns how many are left. A wrong code raises."""
    entered = _normalise_recovery_code(code)
    with transaction.atomic():
        row = (
            Authenticator.objects.select_for_update()
            .filter(user=user, kind=Kind.RECOVERY_CODES)
            .first()
        )
        stored = authenticator_data(row).get("codes", []) if row else []
        match = None
        if len(entered) == 8:
            for item in stored:
                if _recovery_matches(item, entered):
                    match = item  # keep looping: equal time whichever code matches
        if match is None:
            raise InvalidInput(_("Неверный резервный код."), field="code")
        stored.remove(match)
        row.data = json.dumps({"codes": stored})
        row.last_used_at = timezone.now()
        row.save(update_fields=["data", "last_used_at"])
        audit.record(
            "accounts.mfa_recovery_code_used", actor=user, obj=row, details={"left": len(stored)}
        )
    return len(stored)


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def _hash_recovery_code(code: str) -> dict:
    salt = secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}:{_normalise_recovery_code(code)}".encode()).hexdigest()
    return {"salt": salt, "hash": digest}


def _recovery_matches(item: dict, entered: str) -> bool:
    digest = hashlib.sha256(f"{item.get('salt', '')}:{entered}".encode()).hexdigest()
    return hmac.compare_digest(digest, str(item.get("hash", "")))


# --- codes by SMS and e-mail -------------------------------------------------------


def check_can_use_channel(*, user: User, kind: str) -> str:
    """The destination for ``kind`` codes, or an error saying what the user must add first."""
    if kind == Kind.SMS:
        if not user.phone:
            raise Conflict(_("Добавьте номер мобильного телефона в профиль, чтобы получать SMS."))
        return user.phone
    if kind == Kind.EMAIL:
        if not user.email or not user.email_confirmed:
            raise Conflict(_("Подтвердите адрес электронной почты, чтобы получать коды на него."))
        return user.email.strip().lower()
    raise InvalidInput(_("Неизвестный способ подтверждения."))


def send_code(*, user: User, kind: str, ip: str | None = None) -> otp.IssuedCode:
    """Send a one-time code to the user's phone or e-mail (limits of core.otp apply)."""
    destination = check_can_use_channel(user=user, kind=kind)
    issued = otp.issue_code(purpose=OTP_PURPOSE, destination=destination, ip=ip)
    text = _("Код для входа на Госпортал: %(code)s. Никому его не сообщайте.") % {
        "code": issued.code
    }
    if kind == Kind.SMS:
        try:
            get_sms_gateway().send(to=destination, text=text)
        except SmsError as exc:
            audit.record("accounts.mfa_code_not_sent", actor=user, details={"kind": kind})
            raise ServiceUnavailable(
                _("Не удалось отправить SMS. Попробуйте позже или выберите другой способ.")
            ) from exc
    else:
        send_mail(_("Код подтверждения"), text, None, [destination])
    audit.record("accounts.mfa_code_sent", actor=user, details={"kind": kind})
    return issued


def verify_code(*, user: User, kind: str, code: str) -> None:
    """Check a code sent by ``send_code``; core.otp counts the tries and locks."""
    destination = check_can_use_channel(user=user, kind=kind)
    otp.verify_code(purpose=OTP_PURPOSE, destination=destination, code=code)


def confirm_code_authenticator(
    *, user: User, kind: str, code: str, session_key: str | None
) -> Authenticator:
    """Add SMS or e-mail codes as a second factor once a code sent there comes back."""
    verify_code(user=user, kind=kind, code=code)
    with transaction.atomic():
        lock_user(user)
        if user.authenticators.filter(kind=kind).exists():
            raise Conflict(_("Этот способ уже подключён."))
        row = Authenticator.objects.create(
            user=user,
            kind=kind,
            name=str(Kind(kind).label),
            last_used_at=timezone.now(),
            is_default=not user.authenticators.filter(is_default=True).exists(),
        )
        record_change(user, "accounts.mfa_added", row, session_key=session_key, added=True)
    return row


def mark_used(*, authenticator: Authenticator) -> None:
    """Remember when a method last let the user in (shown on the security page)."""
    Authenticator.objects.filter(pk=authenticator.pk).update(last_used_at=timezone.now())


# --- switching and removing --------------------------------------------------------


def set_default(*, user: User, authenticator_id, session_key: str | None) -> Authenticator:
    """Make one of the user's second factors the one offered first at sign-in."""
    with transaction.atomic():
        lock_user(user)
        row = check_owned(user, authenticator_id)
        if row.kind == Kind.RECOVERY_CODES:
            raise InvalidInput(_("Резервные коды нельзя сделать основным способом."))
        if row.is_default:
            return row
        # Unset first: the partial unique index allows one default at any moment.
        user.authenticators.filter(is_default=True).update(is_default=False)
        row.is_default = True
        row.save(update_fields=["is_default"])
        record_change(user, "accounts.mfa_default_set", row, session_key=session_key)
    return row


def remove_authenticator(*, user: User, authenticator_id, session_key: str | None) -> None:
    """Remove a second factor; without any left, the recovery codes go too (AUTH-3)."""
    with transaction.atomic():
        lock_user(user)
        row = check_owned(user, authenticator_id)
        if (
            signin.second_factor_mandatory(user)
            and row.kind != Kind.RECOVERY_CODES
            and not second_factors_for(user).exclude(pk=row.pk).exists()
        ):
            raise Conflict(
                _(
                    "Служебной учётной записи нужен второй фактор. Сначала подключите другой "
                    "способ, затем удалите этот."
                )
            )
        was_default = row.is_default
        removed = {"id": row.pk, "kind": row.kind}
        row.delete()
        remaining = list(second_factors_for(user))
        if not remaining:
            user.authenticators.filter(kind=Kind.RECOVERY_CODES).delete()
        elif was_default:
            heir = sorted(remaining, key=lambda a: SECOND_FACTORS.index(a.kind))[0]
            heir.is_default = True
            heir.save(update_fields=["is_default"])
        audit.record(
            "accounts.mfa_removed",
            actor=user,
            object_type="accounts.authenticator",
            object_id=str(removed["id"]),
            details={"kind": removed["kind"], "second_factor_left": bool(remaining)},
        )
        _after_change(user, kind=removed["kind"], added=False, session_key=session_key)


# --- the sign-in step's counter ----------------------------------------------------


def _throttle_key(user: User) -> str:
    return f"mfa:{user.pk}"


def check_not_locked(*, user: User) -> None:
    """Raise while the second-factor step of this user is locked after wrong codes."""
    row = LoginThrottle.objects.filter(key=_throttle_key(user)).first()
    now = timezone.now()
    if row and row.locked_until and row.locked_until > now:
        raise _locked_error(row.locked_until - now)


def record_wrong_code(*, user: User) -> None:
    """Count a wrong code; the tenth in a row locks the step for 15 minutes."""
    conf = settings.OTP
    now = timezone.now()
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(
            key=_throttle_key(user)
        )
        row.failures += 1
        row.updated_at = now
        if row.failures >= conf["LOCK_AFTER_FAILURES"]:
            row.failures = 0
            row.lock_level += 1
            row.locked_until = now + timedelta(seconds=conf["LOCK_SECONDS"])
            audit.record("accounts.mfa_locked", actor=user, details={"until": row.locked_until})
        row.save(update_fields=["failures", "lock_level", "locked_until", "updated_at"])
    if row.locked_until and row.locked_until > now:
        raise _locked_error(row.locked_until - now)


def record_failed_signin(request, user: User, *, method: str, locked: bool) -> None:
    """A refused code at the second step: audit row and «История входов» entry (AUTH-8)."""
    result = LoginEvent.Result.LOCKED if locked else LoginEvent.Result.WRONG_CODE
    with transaction.atomic():
        signin.record_login_event(request, user, method=method, result=result)
        audit.record(
            "accounts.login_failed",
            actor=user,
            details={"method": method, "step": "second_factor", "reason": result},
        )


def record_right_code(*, user: User) -> None:
    LoginThrottle.objects.filter(key=_throttle_key(user)).update(failures=0)


def _locked_error(left: timedelta) -> RateLimited:
    minutes = max(1, int((left.total_seconds() + 59) // 60))
    return RateLimited(
        _("Слишком много неверных кодов. Ввод кода заблокирован, повторите через %(minutes)s мин.")
        % {"minutes": minutes},
        retry_after=int(left.total_seconds()) + 1,
    )


# --- helpers -----------------------------------------------------------------------


def authenticator_data(row: Authenticator | None) -> dict:
    if row is None:
        return {}
    try:
        value = json.loads(row.data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def lock_user(user: User) -> None:
    """Serialise changes of one user's factors (keeps the single default consistent)."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def record_change(user, action, row, *, session_key, added=False) -> None:
    audit.record(action, actor=user, obj=row, details={"kind": row.kind})
    _after_change(user, kind=row.kind, added=added, session_key=session_key)


def _after_change(user: User, *, kind: str, added: bool, session_key: str | None) -> None:
    what = KIND_CHANGE_TEXT.get(kind, kind)
    if added:
        text = _("В вашей учётной записи подключён способ входа: %(what)s.") % {"what": what}
    else:
        text = _("Настройки входа в вашей учётной записи изменены: %(what)s.") % {"what": what}
    text += " " + _("Если это были не вы, срочно смените пароль и обратитесь в службу поддержки.")
    send_security_notice(user, subject=_("Изменены настройки безопасности"), text=text)
    end_sessions(user, reason=SESSION_END_REASON, except_key=session_key)


def enable_default_for_confirmed(*, user: User) -> Authenticator | None:
    """AUTH-3: two-factor sign-in is on by default for confirmed accounts.

    When an account reaches the confirmed level with no second factor, codes to its
    phone (or, without one, to its confirmed e-mail) are turned on, and the person is
    told; they may switch or remove the method in «Настройки безопасности». Other
    sessions are left alone: nobody changed anything by hand.
    """
    with transaction.atomic():
        lock_user(user)
        if second_factors_for(user).exists():
            return None
        if user.phone:
            kind = Kind.SMS
        elif user.email and user.email_confirmed:
            kind = Kind.EMAIL
        else:
            return None
        row = Authenticator.objects.create(
            user=user,
            kind=kind,
            name=str(Kind(kind).label),
            is_default=not user.authenticators.filter(is_default=True).exists(),
        )
        audit.record("accounts.mfa_enabled_by_default", actor=user, obj=row, details={"kind": kind})
        send_security_notice(
            user,
            subject=_("Включена двухфакторная аутентификация"),
            text=_(
                "Ваша учётная запись подтверждена, поэтому вход теперь защищён вторым фактором: "
                "после пароля мы пришлём код (%(what)s). Изменить способ можно в настройках "
                "безопасности."
            )
            % {"what": str(Kind(kind).label).lower()},
        )
    return row

"""Registration of a simplified account (REG-1), e-mail confirmation by link and
"forgot password" recovery by code (REC-1).

Both flows keep their state in the session (the phone or login, timestamps, whether
the code was accepted) for at most 30 minutes, and every step checks that the step
before it was done. Neither flow tells whether an account exists (AUTH-1): a phone
already registered gets a code request that looks the same on screen but an SMS
without a code, and recovery for an unknown login issues a code that nobody receives.
Codes go through ``core.otp``, so cool-downs and caps are the same in every case.
"""

import logging
import re
import time

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gosportal.accounts import passwords, selectors, services
from gosportal.accounts.models import User, email_index, phone_index
from gosportal.core import audit, otp
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, ServiceUnavailable
from gosportal.core.validators import check_snils, format_phone, normalize_phone
from gosportal.integrations.sms.base import SmsError, get_sms_gateway

logger = logging.getLogger(__name__)

FLOW_SECONDS = 30 * 60
REGISTRATION_KEY = "registration"
RESET_KEY = "password_reset"
REGISTER_PURPOSE = "register"
RESET_PURPOSE = "password_reset"
EMAIL_CONFIRM_SALT = "accounts.email-confirm"
EMAIL_CONFIRM_MAX_AGE = 3 * 86400

_SNILS_LIKE = re.compile(r"^\d{3}-?\d{3}-?\d{3}[\s-]?\d{2}$")


def _now() -> int:
    return int(time.time())


def _fresh(state, *, key: str, session) -> dict | None:
    if not isinstance(state, dict) or not isinstance(state.get("started"), int):
        session.pop(key, None)
        return None
    if _now() - state["started"] > FLOW_SECONDS:
        session.pop(key, None)
        return None
    return state


def seconds_until_resend(state: dict) -> int:
    return max(0, int(state.get("resend_at", 0)) - _now())


def _send_sms(phone: str, text: str) -> None:
    try:
        get_sms_gateway().send(to=phone, text=text)
    except SmsError as exc:
        logger.warning("SMS refused: %s", exc.reason)
        if exc.temporary:
            raise ServiceUnavailable(_("Не удалось отправить SMS, попробуйте позже.")) from exc
        raise InvalidInput(
            _("Не удалось отправить SMS на этот номер. Проверьте номер телефона."), field="phone"
        ) from exc


# --- registration (REG-1) ------------------------------------------------------------


def registration_state(session) -> dict | None:
    """The registration in progress in this session, or None when absent or older than 30 min."""
    return _fresh(session.get(REGISTRATION_KEY), key=REGISTRATION_KEY, session=session)


def _phone_taken(phone: str) -> bool:
    return User.objects.filter(phone_index=phone_index(phone)).exists()


def _send_registration_code(phone: str, *, ip: str | None) -> int:
    """Issue a code and send the SMS; returns when another may be asked for (epoch seconds)."""
    issued = otp.issue_code(purpose=REGISTER_PURPOSE, destination=phone, ip=ip)
    if _phone_taken(phone):
        # The screen says the same as for a new number; only the owner's phone learns more.
        text = gettext(
            "На этот номер уже зарегистрирована учётная запись Госпортала. "
            "Войдите или восстановите пароль."
        )
    else:
        text = gettext("Код для регистрации на Госпортале: %(code)s. Никому его не сообщайте.") % {
            "code": issued.code
        }
    _send_sms(phone, text)
    return int(issued.resend_available_at.timestamp())


def start_registration(session, *, phone: str, ip: str | None = None) -> dict:
    """Step 1: send a code to ``phone`` and begin the 30-minute registration."""
    phone = _normalized_phone(phone)
    resend_at = _send_registration_code(phone, ip=ip)
    now = _now()
    state = {"phone": phone, "started": now, "resend_at": resend_at, "verified": False}
    session[REGISTRATION_KEY] = state
    audit.record("accounts.registration_started", details={"phone": phone_index(phone)})
    return state


def resend_registration_code(session, *, ip: str | None = None) -> dict:
    """Step 2, «Отправить код ещё раз»: a new code within the cool-down and caps."""
    state = registration_state(session)
    if state is None:
        raise InvalidInput(_("Регистрация не начата или устарела. Начните заново."))
    state["resend_at"] = _send_registration_code(state["phone"], ip=ip)
    state["verified"] = False
    session[REGISTRATION_KEY] = state
    return state


def verify_registration_code(session, *, code: str) -> None:
    """Step 2: accept the SMS code. A number that already has an account never passes."""
    state = registration_state(session)
    if state is None:
        raise InvalidInput(_("Регистрация не начата или устарела. Начните заново."))
    otp.verify_code(purpose=REGISTER_PURPOSE, destination=state["phone"], code=code)
    if _phone_taken(state["phone"]):
        # No code was sent to this number, so this was a lucky guess: refuse it like one.
        raise InvalidInput(_("Неверный код. Запросите новый код."), field="code")
    state["verified"] = True
    state["verified_at"] = _now()
    session[REGISTRATION_KEY] = state
    audit.record(
        "accounts.registration_phone_confirmed", details={"phone": phone_index(state["phone"])}
    )


def complete_registration(session, *, password: str, email: str = "") -> User:
    """Step 3: create the simplified account for the confirmed phone (REG-1).

    An e-mail that already belongs to an account is left out and its owner told, so
    the page looks the same either way; a free one gets a confirmation link.
    """
    state = registration_state(session)
    if state is None or not state.get("verified"):
        raise InvalidInput(_("Сначала подтвердите номер телефона кодом из SMS."))
    email = (email or "").strip()
    email_taken = bool(email) and User.objects.filter(email_index=email_index(email)).exists()
    try:
        with transaction.atomic():
            user = services.create_user(
                phone=state["phone"],
                email=None if email_taken else (email or None),
                password=password,
                level=User.Level.SIMPLIFIED,
                kind=User.Kind.INDIVIDUAL,
            )
            user.password_changed_at = user.date_joined
            user.save(update_fields=["password_changed_at"])
            audit.record(
                "accounts.registered",
                actor=user,
                obj=user,
                details={"email_given": bool(email), "email_taken": email_taken},
            )
    except Conflict as exc:
        session.pop(REGISTRATION_KEY, None)
        raise InvalidInput(
            _("Не удалось завершить регистрацию. Начните заново или восстановите пароль.")
        ) from exc
    session.pop(REGISTRATION_KEY, None)
    # Mail goes out after the account is committed.
    if email_taken:
        _tell_email_owner_of_attempt(email)
    elif user.email:
        send_email_confirmation(user)
    return user


def _tell_email_owner_of_attempt(email: str) -> None:
    send_mail(
        gettext("Попытка регистрации с вашим адресом"),
        gettext(
            "Кто-то попытался зарегистрировать новую учётную запись Госпортала с вашим "
            "адресом электронной почты. Адрес к ней не привязан.\n\n"
            "Если это были вы, войдите в свою учётную запись или восстановите пароль: "
            "%(url)s\n\nЕсли это были не вы, ничего делать не нужно."
        )
        % {"url": settings.SITE_URL + reverse("accounts:password_forgot")},
        None,
        [email],
    )


# --- e-mail confirmation --------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=EMAIL_CONFIRM_SALT)


def email_confirmation_token(user: User) -> str:
    """A link token bound to the user and the current address: a new address voids it."""
    return _signer().sign_object({"u": user.pk, "e": user.email_index})


def send_email_confirmation(user: User) -> None:
    """Mail a confirmation link (valid 3 days) to the user's unconfirmed address."""
    if not user.email or user.email_confirmed:
        return
    link = settings.SITE_URL + reverse(
        "accounts:email_confirm", kwargs={"token": email_confirmation_token(user)}
    )
    send_mail(
        gettext("Подтвердите адрес электронной почты"),
        gettext(
            "Здравствуйте!\n\nЧтобы подтвердить адрес электронной почты для учётной записи "
            "Госпортала, перейдите по ссылке:\n%(link)s\n\nСсылка действует 3 дня. Если вы не "
            "регистрировались на Госпортале, просто удалите это письмо."
        )
        % {"link": link},
        None,
        [user.email],
    )
    audit.record("accounts.email_confirmation_sent", actor=user, obj=user)


def confirm_email(token: str, *, viewer: User | None = None) -> User:
    """Mark the address in ``token`` confirmed; raises when the link is forged, old or stale."""
    try:
        data = _signer().unsign_object(token, max_age=EMAIL_CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("Срок действия ссылки истёк: она действует 3 дня."), code="expired"
        ) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidInput(_("Ссылка недействительна."), code="invalid") from exc
    if not isinstance(data, dict):
        raise InvalidInput(_("Ссылка недействительна."), code="invalid")
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not user.email_index or user.email_index != data.get("e"):
        raise InvalidInput(
            _("Ссылка недействительна: адрес электронной почты с тех пор изменился."),
            code="stale",
        )
    if viewer is not None and viewer.is_authenticated and viewer.pk != user.pk:
        raise Forbidden(
            _("Эта ссылка для другой учётной записи. Выйдите и откройте ссылку ещё раз."),
            code="other_user",
        )
    if not user.email_confirmed:
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed"])
        audit.record("accounts.email_confirmed", actor=user, obj=user)
    return user


# --- password recovery (REC-1) ------------------------------------------------------------


def reset_state(session) -> dict | None:
    """The recovery in progress in this session, or None when absent or older than 30 min."""
    return _fresh(session.get(RESET_KEY), key=RESET_KEY, session=session)


def _parse_login(login: str) -> tuple[str, str]:
    """(kind, destination) for a phone or e-mail login; a Russian error otherwise."""
    login = (login or "").strip()
    if not login:
        raise InvalidInput(_("Укажите телефон или электронную почту."), field="login")
    if "@" in login:
        try:
            validate_email(login)
        except ValidationError as exc:
            raise InvalidInput(
                _("Адрес электронной почты указан неверно. Пример: ivanov@example.ru."),
                field="login",
            ) from exc
        return "email", login.lower()
    if _SNILS_LIKE.match(login):
        # The code goes to the account's phone (or e-mail); the SNILS itself is only the
        # key the code is counted and checked under.
        try:
            return "snils", "snils:" + check_snils(login)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], field="login") from exc
    try:
        return "phone", normalize_phone(login)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="login") from exc


def _send_reset_code(user: User | None, kind: str, destination: str, ip: str | None) -> int:
    issued = otp.issue_code(purpose=RESET_PURPOSE, destination=destination, ip=ip)
    if user is not None:
        text = gettext(
            "Код для восстановления пароля на Госпортале: %(code)s. Никому его не сообщайте."
        )
        text %= {"code": issued.code}
        try:
            if kind == "phone" or (kind == "snils" and user.phone):
                get_sms_gateway().send(to=user.phone, text=text)
            elif kind == "email" or user.email:
                send_mail(gettext("Восстановление пароля"), text, None, [user.email])
        except Exception:
            # A failure shown only for existing accounts would reveal them (AUTH-1).
            logger.exception("recovery code to user %s not sent", user.pk)
    return int(issued.resend_available_at.timestamp())


def start_reset(session, *, login: str, ip: str | None = None) -> dict:
    """Step 1: a code to the contact typed as login, if it belongs to an account."""
    kind, destination = _parse_login(login)
    user = selectors.user_by_login(login if kind == "snils" else destination)
    if user is not None and (not user.is_active or user.deleted_at is not None):
        user = None
    resend_at = _send_reset_code(user, kind, destination, ip)
    state = {
        "user_id": user.pk if user else None,
        "kind": kind,
        "destination": destination,
        "started": _now(),
        "resend_at": resend_at,
        "verified": False,
    }
    session[RESET_KEY] = state
    audit.record("accounts.password_reset_requested", actor=user, details={"kind": kind})
    return state


def resend_reset_code(session, *, ip: str | None = None) -> dict:
    state = reset_state(session)
    if state is None:
        raise InvalidInput(_("Восстановление не начато или устарело. Начните заново."))
    state["resend_at"] = _send_reset_code(
        reset_user(state), state["kind"], state["destination"], ip
    )
    session[RESET_KEY] = state
    return state


def reset_user(state: dict | None) -> User | None:
    if not state or not state.get("user_id"):
        return None
    return User.objects.filter(pk=state["user_id"], is_active=True).first()


def verify_reset_code(session, *, code: str) -> None:
    """Step 2: accept the code; an unknown login fails like a wrong code."""
    state = reset_state(session)
    if state is None:
        raise InvalidInput(_("Восстановление не начато или устарело. Начните заново."))
    otp.verify_code(purpose=RESET_PURPOSE, destination=state["destination"], code=code)
    if reset_user(state) is None:
        raise InvalidInput(_("Неверный код. Запросите новый код."), field="code")
    state["verified"] = True
    session[RESET_KEY] = state


def complete_reset(session, *, password: str) -> User:
    """Step 3: set the new password, end every session, notify; the flow is then spent."""
    state = reset_state(session)
    user = reset_user(state)
    if state is None or not state.get("verified") or user is None:
        raise InvalidInput(_("Сначала подтвердите восстановление кодом."))
    session.pop(RESET_KEY, None)  # single use, whatever happens next
    passwords.reset_password(user=user, password=password)
    return user


def _normalized_phone(phone: str) -> str:
    try:
        return normalize_phone(phone)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="phone") from exc


def masked_destination(state: dict) -> str:
    """How the code's destination is shown: the phone formatted, the e-mail as typed."""
    if state.get("kind") == "email":
        return state["destination"]
    if state.get("kind") == "snils":
        return ""  # the page names no contact: it would reveal whose SNILS it is
    return format_phone(state.get("phone") or state["destination"])

"""Changing the login phone or e-mail (REC-3).

The change runs in three steps kept in the person's session as a ``PendingChange``:
a code to the new contact proves it is theirs, a code to the old contact (or, when
the old one is lost, a second factor) proves the request comes from the owner, and
only then the contact is replaced. A new contact already used by another account
goes through the same steps, but its code is never sent (that account's owner gets
a notice instead), so the page cannot be used to find out whose number it is.
"""

import logging
import time
from dataclasses import asdict, dataclass, replace

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gosportal.accounts import mfa
from gosportal.accounts.models import Authenticator, User, email_index, phone_index
from gosportal.accounts.notices import send_notice_to_former_contact, send_security_notice
from gosportal.accounts.sessions import end_sessions
from gosportal.core import audit, otp
from gosportal.core.errors import Conflict, InvalidInput, ServiceUnavailable
from gosportal.core.validators import normalize_phone
from gosportal.integrations.sms.base import SmsError, get_sms_gateway

logger = logging.getLogger(__name__)

PHONE, EMAIL = "phone", "email"
FIELDS = (PHONE, EMAIL)
PURPOSE_NEW = "contact_change"
PURPOSE_OLD = "contact_change_old"
SESSION_KEY = "contact_change"
PENDING_SECONDS = 30 * 60
SESSION_END_REASON = "contact_changed"


class Step:
    NEW = "new"  # waiting for the code sent to the new contact
    OLD = "old"  # waiting for the code sent to the old contact
    FACTOR = "factor"  # the old contact is lost: waiting for a second factor


@dataclass(frozen=True)
class PendingChange:
    """A change in progress; lives in the session of the person making it."""

    user_id: int
    field: str
    value: str
    step: str
    at: int

    def as_dict(self) -> dict:
        return asdict(self)


# --- reads -----------------------------------------------------------------------


def pending_change(session, user: User) -> PendingChange | None:
    """The change this session started for ``user``, or None when absent or stale."""
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        change = PendingChange(**raw)
    except TypeError:
        session.pop(SESSION_KEY, None)
        return None
    stale = int(time.time()) - int(change.at) > PENDING_SECONDS
    if change.user_id != user.pk or change.field not in FIELDS or stale:
        session.pop(SESSION_KEY, None)
        return None
    return change


def remember(session, change: PendingChange | None) -> None:
    if change is None:
        session.pop(SESSION_KEY, None)
    else:
        session[SESSION_KEY] = change.as_dict()


def mask_contact(value: str | None) -> str:
    """A contact safe to show: +7 *** ***-**-67 or i***@example.ru."""
    if not value:
        return ""
    if "@" in value:
        name, _at, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{value[:2]} *** ***-**-{value[-2:]}"


def old_destination(user: User, field: str) -> str | None:
    """Where the confirmation of the old contact goes: the contact being replaced, or,
    when the account has none of that kind yet, the other login contact."""
    current = getattr(user, field)
    if current:
        return current
    return user.email if field == PHONE else user.phone


def can_use_second_factor(user: User) -> bool:
    """The lost-contact path needs an app code or a recovery code (both checked here)."""
    return user.authenticators.filter(
        kind__in=[Authenticator.Kind.TOTP, Authenticator.Kind.RECOVERY_CODES]
    ).exists()


# --- steps -----------------------------------------------------------------------


def check_new_contact(*, user: User, field: str, raw: str) -> str:
    """The new contact in its stored form, or ``InvalidInput`` naming the field."""
    if field not in FIELDS:
        raise InvalidInput(_("Неизвестный вид контакта."))
    if field == PHONE:
        try:
            value = normalize_phone(raw)
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], field=field) from exc
    else:
        value = User.objects.normalize_email((raw or "").strip())
        if not value or "@" not in value:
            raise InvalidInput(_("Укажите адрес электронной почты."), field=field)
    current = getattr(user, field) or ""
    if _index(field, value) == (_index(field, current) if current else None):
        message = (
            _("Этот номер уже указан в вашей учётной записи.")
            if field == PHONE
            else _("Этот адрес уже указан в вашей учётной записи.")
        )
        raise InvalidInput(message, field=field)
    return value


def start_contact_change(
    *, user: User, field: str, raw: str, ip: str | None = None
) -> PendingChange:
    """Send a code to the new contact and return the change waiting for it.

    Call outside a transaction: core.otp commits its own bookkeeping.
    """
    value = check_new_contact(user=user, field=field, raw=raw)
    issued = otp.issue_code(purpose=PURPOSE_NEW, destination=value, ip=ip)
    holder = _holder(field, value, exclude=user)
    if holder is None:
        text = _("Код для привязки к учётной записи Госпортала: %(code)s. Никому его не сообщайте.")
        _deliver(value, subject=_("Код подтверждения"), text=text % {"code": issued.code})
    else:
        # REC-3, AUTH-1: no code leaves, the page looks the same; the owner is told.
        with transaction.atomic():
            send_security_notice(
                holder,
                subject=_("Попытка привязать ваш контакт к другой учётной записи"),
                text=_(
                    "Ваш номер или адрес из учётной записи Госпортала пытались привязать к "
                    "другой учётной записи. Код не отправлен. Если это были вы, сначала "
                    "измените контакт в этой учётной записи."
                ),
            )
            audit.record(
                "accounts.contact_change_collided", actor=user, obj=holder, details={"field": field}
            )
    audit.record("accounts.contact_change_started", actor=user, obj=user, details={"field": field})
    return PendingChange(
        user_id=user.pk, field=field, value=value, step=Step.NEW, at=int(time.time())
    )


def confirm_new_contact(*, user: User, change: PendingChange, code: str) -> PendingChange:
    """Accept the code sent to the new contact; the change then waits for the old one."""
    _check_step(change, Step.NEW)
    otp.verify_code(purpose=PURPOSE_NEW, destination=change.value, code=code)
    if old_destination(user, change.field) is None:
        return replace(change, step=Step.FACTOR)
    return replace(change, step=Step.OLD)


def send_old_contact_code(*, user: User, change: PendingChange, ip: str | None = None) -> None:
    """Send (or send again) the code to the old contact."""
    _check_step(change, Step.OLD)
    destination = old_destination(user, change.field)
    issued = otp.issue_code(purpose=PURPOSE_OLD, destination=destination, ip=ip)
    text = _(
        "Код для смены контактных данных в учётной записи Госпортала: %(code)s. "
        "Если вы ничего не меняли, не сообщайте код никому и смените пароль."
    )
    _deliver(destination, subject=_("Смена контактных данных"), text=text % {"code": issued.code})


def resend_new_contact_code(*, user: User, change: PendingChange, ip: str | None = None) -> None:
    """Send a fresh code to the new contact (the same neutral rules as the first one)."""
    _check_step(change, Step.NEW)
    start_contact_change(user=user, field=change.field, raw=change.value, ip=ip)


def choose_second_factor(*, user: User, change: PendingChange) -> PendingChange:
    """«У меня нет доступа к старому контакту»: continue with a second factor instead."""
    if change.step not in (Step.OLD, Step.FACTOR):
        raise Conflict(_("Сначала подтвердите новый контакт кодом из сообщения."))
    if not can_use_second_factor(user):
        raise Conflict(
            _(
                "Без доступа к старому контакту смену можно подтвердить только кодом из "
                "приложения-аутентификатора или резервным кодом, а они у вас не подключены. "
                "Обратитесь в службу поддержки."
            )
        )
    audit.record("accounts.contact_change_old_lost", actor=user, details={"field": change.field})
    return replace(change, step=Step.FACTOR)


def confirm_old_contact(
    *, user: User, change: PendingChange, code: str, session_key: str | None
) -> User:
    """Accept the code sent to the old contact and replace the contact."""
    _check_step(change, Step.OLD)
    destination = old_destination(user, change.field)
    otp.verify_code(purpose=PURPOSE_OLD, destination=destination, code=code)
    return apply_contact_change(
        user=user, field=change.field, value=change.value, session_key=session_key
    )


def confirm_with_second_factor(
    *, user: User, change: PendingChange, code: str, session_key: str | None
) -> User:
    """Accept an app code or a recovery code and replace the contact."""
    _check_step(change, Step.FACTOR)
    verify_second_factor(user=user, code=code)
    return apply_contact_change(
        user=user, field=change.field, value=change.value, session_key=session_key
    )


def verify_second_factor(*, user: User, code: str) -> None:
    """A TOTP code (6 digits) or a recovery code; wrong ones count towards mfa's lock."""
    if not can_use_second_factor(user):
        raise Conflict(_("Приложение-аутентификатор и резервные коды не подключены."))
    mfa.check_not_locked(user=user)
    entered = "".join((code or "").split())
    if not entered:
        raise InvalidInput(_("Введите код из приложения или резервный код."), field="code")
    totp = user.authenticators.filter(kind=Authenticator.Kind.TOTP).first()
    try:
        if totp is not None and entered.isdigit():
            mfa.verify_totp(authenticator=totp, code=entered)
        else:
            mfa.verify_recovery_code(user=user, code=entered)
    except InvalidInput:
        mfa.record_wrong_code(user=user)
        raise
    mfa.record_right_code(user=user)


@transaction.atomic
def apply_contact_change(*, user: User, field: str, value: str, session_key: str | None) -> User:
    """Replace the contact (its blind index follows in ``User.save``), tell the old and the
    new contact, end the other sessions. Audited with the field name only."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if _holder(field, value, exclude=locked) is not None:
        raise InvalidInput(_("Этот контакт нельзя привязать к вашей учётной записи."), field="code")
    previous = getattr(locked, field)
    setattr(locked, field, value)
    update_fields = [field]
    if field == EMAIL:
        locked.email_confirmed = True  # the code sent to it came back
        update_fields.append("email_confirmed")
    try:
        with transaction.atomic():
            locked.save(update_fields=update_fields)
    except IntegrityError as exc:  # taken by someone else a moment ago
        raise InvalidInput(
            _("Этот контакт нельзя привязать к вашей учётной записи."), field="code"
        ) from exc
    audit.record("accounts.contact_changed", actor=locked, obj=locked, details={"field": field})
    text = _changed_text(field)
    send_security_notice(locked, subject=_("Контактные данные изменены"), text=text)
    if previous:  # NOT-5: told through the outbox, in this transaction
        send_notice_to_former_contact(
            locked, contact=previous, subject=_("Контактные данные изменены"), text=text
        )
    end_sessions(locked, reason=SESSION_END_REASON, except_key=session_key)
    for name in update_fields:
        setattr(user, name, getattr(locked, name))
    user.phone_index, user.email_index = locked.phone_index, locked.email_index
    return locked


# --- helpers -----------------------------------------------------------------------


def _check_step(change: PendingChange, step: str) -> None:
    if change.step != step:
        raise Conflict(_("Этот шаг уже пройден или ещё не начат. Обновите страницу."))


def _index(field: str, value: str) -> str:
    return phone_index(value) if field == PHONE else email_index(value)


def _holder(field: str, value: str, *, exclude: User) -> User | None:
    lookup = {f"{field}_index": _index(field, value)}
    return User.objects.filter(**lookup).exclude(pk=exclude.pk).first()


def _changed_text(field: str) -> str:
    what = _("Номер телефона") if field == PHONE else _("Адрес электронной почты")
    return _(
        "%(what)s в учётной записи Госпортала изменён. Если это были не вы, срочно "
        "обратитесь в службу поддержки."
    ) % {"what": what}


def _deliver(destination: str, *, subject: str, text: str) -> None:
    """Send a message now to a phone (SMS) or an e-mail address; refusals are readable."""
    if "@" in destination:
        send_mail(subject, text, None, [destination])
        return
    try:
        get_sms_gateway().send(to=destination, text=text)
    except SmsError as exc:
        raise ServiceUnavailable(_("Не удалось отправить SMS. Попробуйте позже.")) from exc

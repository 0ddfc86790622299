"""Account deletion (REC-4): «Удалить учётную запись», which cannot be undone.

Allowed only to accounts with a second factor and after a fresh code sent to the
phone (or e-mail). Deletion erases the personal data of accounts and keeps the
``User`` row as a pseudonymous id, because the audit trail holds ids only and must
still resolve. The former contacts are told through the outbox in the deletion's own
transaction (NOT-5), the contacts captured before erasure travelling encrypted in the
event; the notification centre erases those last notices once they are delivered.
"""

import logging
from collections.abc import Callable

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.lockout import throttle_keys
from gosportal.accounts.models import LoginThrottle, User
from gosportal.accounts.notices import send_notice_to_former_contact
from gosportal.accounts.sessions import end_sessions
from gosportal.accounts.signin import needs_second_factor
from gosportal.core import audit, otp
from gosportal.core.errors import Conflict, ServiceUnavailable
from gosportal.integrations.sms.base import SmsError, get_sms_gateway

logger = logging.getLogger(__name__)

PURPOSE = "delete_account"
SESSION_END_REASON = "account_deleted"


def check_can_delete(user: User) -> None:
    """REC-4: deletion needs a second factor and a contact to send the code to."""
    if not needs_second_factor(user):
        raise Conflict(
            _("Чтобы удалить учётную запись, сначала включите двухфакторную аутентификацию.")
        )
    if not code_destination(user):
        raise Conflict(_("В учётной записи нет телефона или почты для кода подтверждения."))


def code_destination(user: User) -> str | None:
    """The phone, or the e-mail when there is no phone."""
    return user.phone or user.email or None


def send_deletion_code(*, user: User, ip: str | None = None) -> otp.IssuedCode:
    """Send the one-time code that confirms the deletion (limits of core.otp apply)."""
    check_can_delete(user)
    destination = code_destination(user)
    issued = otp.issue_code(purpose=PURPOSE, destination=destination, ip=ip)
    text = _(
        "Код для УДАЛЕНИЯ учётной записи Госпортала: %(code)s. Если вы не удаляете "
        "учётную запись, никому не сообщайте код и смените пароль."
    ) % {"code": issued.code}
    if "@" in destination:
        send_mail(_("Удаление учётной записи"), text, None, [destination])
    else:
        try:
            get_sms_gateway().send(to=destination, text=text)
        except SmsError as exc:
            raise ServiceUnavailable(_("Не удалось отправить SMS. Попробуйте позже.")) from exc
    audit.record("accounts.deletion_code_sent", actor=user)
    return issued


def confirm_deletion(*, user: User, code: str) -> None:
    """Check the code (outside any transaction: core.otp counts the tries) and delete."""
    check_can_delete(user)
    otp.verify_code(purpose=PURPOSE, destination=code_destination(user), code=code)
    delete_account(user)


# Apps above accounts that hold personal data (profiles …) register how to erase it.
_erasers: list[Callable[[User], None]] = []


def register_eraser(eraser: Callable[[User], None]) -> None:
    if eraser not in _erasers:
        _erasers.append(eraser)


@transaction.atomic
def delete_account(user: User) -> None:
    """Erase the account's personal data and every way into it; keep the pseudonymous row."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    for erase in _erasers:
        erase(locked)
    phone, email = locked.phone, locked.email
    audit.record(
        "accounts.deleted", actor=locked.pk, object_type="accounts.user", object_id=str(locked.pk)
    )
    end_sessions(locked, reason=SESSION_END_REASON)
    locked.authenticators.all().delete()
    locked.login_events.all().delete()
    locked.sessions.all().delete()
    locked.groups.clear()
    locked.user_permissions.clear()
    LoginThrottle.objects.filter(key__in=_throttle_keys(locked, phone, email)).delete()
    for login in (phone, email):
        if login:
            LoginThrottle.objects.filter(key__startswith=_per_address_prefix(login)).delete()
    locked.phone = None
    locked.email = None  # with phone: the blind indexes become NULL, the login is free again
    locked.email_confirmed = False
    locked.display_name = ""
    locked.ip_allowlist = ""
    locked.set_unusable_password()
    locked.is_active = False
    locked.last_login = None
    locked.deleted_at = timezone.now()
    locked.save(
        update_fields=[
            "phone",
            "email",
            "email_confirmed",
            "display_name",
            "ip_allowlist",
            "password",
            "is_active",
            "last_login",
            "deleted_at",
        ]
    )
    _tell_former_contacts(locked, phone, email)


def _throttle_keys(user: User, phone: str | None, email: str | None) -> list[str]:
    keys = [f"mfa:{user.pk}"]
    keys += [throttle_keys(login, None)[0] for login in (phone, email) if login]
    return keys


def _per_address_prefix(login: str) -> str:
    acct_key = throttle_keys(login, None)[0]  # "acct:<index>"
    return f"acct-ip:{acct_key.split(':', 1)[1]}:"


def _tell_former_contacts(user: User, phone: str | None, email: str | None) -> None:
    text = _(
        "Ваша учётная запись Госпортала удалена, персональные данные стёрты. Если это "
        "были не вы, обратитесь в службу поддержки."
    )
    for contact in (phone, email):
        if contact:
            send_notice_to_former_contact(
                user, contact=contact, subject=_("Учётная запись удалена"), text=text
            )

"""Writers of accounts: every change of a User goes through here."""

from django.db import transaction
from django.utils.translation import gettext as _

from gosportal.accounts.models import User, email_index, phone_index
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.sessions import end_sessions
from gosportal.core import audit
from gosportal.core.errors import Conflict, InvalidInput
from gosportal.core.events import Event, emit
from gosportal.core.validators import normalize_phone


@transaction.atomic
def create_user(*, email=None, phone=None, password=None, **extra) -> User:
    """Create an account with a unique phone and/or e-mail; audited and announced."""
    if not email and not phone:
        raise InvalidInput(_("Укажите телефон или электронную почту."), field="phone")
    if phone:
        phone = normalize_phone(phone)
        if User.objects.filter(phone_index=phone_index(phone)).exists():
            raise Conflict(_("Этот номер телефона уже используется."), field="phone")
    if email:
        email = User.objects.normalize_email(email.strip())
        if User.objects.filter(email_index=email_index(email)).exists():
            raise Conflict(_("Этот адрес электронной почты уже используется."), field="email")
    user = User(email=email or None, phone=phone or None, **extra)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        "accounts.user_created", obj=user, details={"level": user.level, "kind": user.kind}
    )
    emit(Event("accounts.user_created", {"user_id": user.pk}))
    return user


@transaction.atomic
def deactivate_user(*, user: User, reason: str) -> int:
    """Switch the account off: it can no longer sign in and every session ends (audited).

    Returns how many sessions were ended.
    """
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ended = end_sessions(user, reason=reason)
    audit.record("accounts.user_deactivated", obj=user, details={"reason": reason, "ended": ended})
    return ended


def mark_email_confirmed(*, user: User) -> None:
    """The owner proved the address (a link that only reached that mailbox was used)."""
    if not user.email_confirmed:
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed"])
        audit.record("accounts.email_confirmed", actor=user, obj=user)


_LEVEL_ORDER = list(User.Level.values)  # simplified < standard < confirmed


@transaction.atomic
def raise_level(user: User, *, level: str, reason: str = "") -> bool:
    """Raise the account to ``level`` (never lowers it); audited and announced.

    Returns whether the level changed.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if _LEVEL_ORDER.index(locked.level) >= _LEVEL_ORDER.index(User.Level(level)):
        return False
    previous = locked.level
    locked.level = level
    locked.save(update_fields=["level"])
    user.level = level
    audit.record(
        "accounts.level_raised",
        obj=locked,
        details={"from": previous, "to": level, "reason": reason},
    )
    emit(Event("accounts.level_changed", {"user_id": locked.pk, "from": previous, "to": level}))
    if level == User.Level.CONFIRMED:
        from gosportal.accounts.mfa import enable_default_for_confirmed

        enable_default_for_confirmed(user=locked)
    return True


@transaction.atomic
def lower_level(user: User, *, level: str, reason: str = "") -> bool:
    """Lower the account to ``level`` (never raises it); audited, announced and the person
    told by a security notice. Returns whether the level changed."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if _LEVEL_ORDER.index(locked.level) <= _LEVEL_ORDER.index(User.Level(level)):
        return False
    previous = locked.level
    locked.level = level
    locked.save(update_fields=["level"])
    user.level = level
    audit.record(
        "accounts.level_lowered",
        obj=locked,
        details={"from": previous, "to": level, "reason": reason},
    )
    emit(Event("accounts.level_changed", {"user_id": locked.pk, "from": previous, "to": level}))
    send_security_notice(
        locked,
        subject=_("Уровень учётной записи понижен"),
        text=_(
            "Уровень вашей учётной записи стал «%(level)s». Чтобы вернуть прежний уровень, "
            "подтвердите личность заново в разделе «Подтверждение личности»."
        )
        % {"level": User.Level(level).label},
    )
    return True

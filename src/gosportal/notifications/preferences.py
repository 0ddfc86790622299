"""The user's notification preferences (NOT-2): channels per event type, frequency,
quiet hours; saving them is confirmed by a one-time code like «Мои данные».

Rows exist only for types the user changed; every other type uses its defaults from
the registry. Critical (security) types always keep at least one channel and always
go immediately.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.contacts import mask_contact
from gosportal.accounts.models import User
from gosportal.core import audit, otp
from gosportal.core.errors import Conflict, InvalidInput, ServiceUnavailable
from gosportal.notifications.models import Preference, QuietHours
from gosportal.notifications.types import (
    EVENT_TYPES,
    USER_CHANNELS,
    Channel,
    EventType,
    Frequency,
)
from gosportal.profiles.preferences import user_time_zone

SAVE_PURPOSE = "notifications.preferences"
SESSION_KEY = "notifications_pending_preferences"
PENDING_SECONDS = 15 * 60


@dataclass(frozen=True)
class TypeChoice:
    """What the user gets for one event type: channels and frequency."""

    channels: frozenset[str]
    frequency: str


def defaults_for(etype: EventType) -> TypeChoice:
    offered = {c.value for c in USER_CHANNELS}
    return TypeChoice(channels=frozenset(etype.channels) & offered, frequency=etype.frequency)


def choices_for(user: User) -> dict[str, TypeChoice]:
    """Every event type with the user's effective choice (defaults where unchanged)."""
    stored = {row.event_type: row for row in Preference.objects.filter(user=user)}
    result = {}
    for key, etype in EVENT_TYPES.items():
        row = stored.get(key)
        if row is None:
            result[key] = defaults_for(etype)
        else:
            frequency = Frequency.IMMEDIATELY if etype.critical else row.frequency
            result[key] = TypeChoice(channels=frozenset(row.channels()), frequency=frequency)
    return result


def user_zone(user: User) -> ZoneInfo:
    return user_time_zone(user) or ZoneInfo(settings.TIME_ZONE)


def quiet_hours_of(user: User) -> QuietHours | None:
    return QuietHours.objects.filter(user=user).first()


def quiet_until(user: User, now: datetime) -> datetime | None:
    """The end of the user's quiet hours when ``now`` falls within them, else None."""
    quiet = quiet_hours_of(user)
    if quiet is None:
        return None
    zone = user_zone(user)
    local = now.astimezone(zone)
    t = local.time()
    if quiet.start < quiet.end:
        inside = quiet.start <= t < quiet.end
    else:  # over midnight, e.g. 22:00–08:00
        inside = t >= quiet.start or t < quiet.end
    if not inside:
        return None
    end = datetime.combine(local.date(), quiet.end, tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), quiet.end, tzinfo=zone)
    return end


def next_digest_at(user: User, now: datetime) -> datetime:
    """The next daily digest moment (``NOTIFICATIONS_DIGEST_HOUR`` in the user's zone)."""
    zone = user_zone(user)
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), dtime(DIGEST_HOUR), tzinfo=zone)
    if at <= local:
        at = datetime.combine(local.date() + timedelta(days=1), dtime(DIGEST_HOUR), tzinfo=zone)
    return at


DIGEST_HOUR = 9


def check_choices(
    matrix: dict[str, set[str]], frequencies: dict[str, str]
) -> dict[str, TypeChoice]:
    """Validate a submitted matrix; critical types keep at least one channel (NOT-2)."""
    result = {}
    for key, etype in EVENT_TYPES.items():
        channels = set(matrix.get(key, set()))
        if not channels <= {c.value for c in USER_CHANNELS}:
            raise InvalidInput(_("Выберите каналы из списка."), field=f"{key}__channels")
        if etype.critical and not channels:
            raise InvalidInput(
                _("«%(type)s»: оставьте хотя бы один способ — это уведомления о безопасности.")
                % {"type": etype.title},
                field=f"{key}__channels",
            )
        frequency = frequencies.get(key, etype.frequency)
        if frequency not in Frequency.values:
            raise InvalidInput(_("Выберите частоту из списка."), field=f"{key}__frequency")
        if etype.critical:
            frequency = Frequency.IMMEDIATELY
        result[key] = TypeChoice(channels=frozenset(channels), frequency=frequency)
    return result


def check_quiet_hours(start: dtime | None, end: dtime | None) -> tuple[dtime, dtime] | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise InvalidInput(
            _("Укажите и начало, и конец тихих часов или оставьте оба поля пустыми."),
            field="quiet_start" if start is None else "quiet_end",
        )
    if start == end:
        raise InvalidInput(_("Начало и конец тихих часов совпадают."), field="quiet_end")
    return start, end


def code_destination(user: User) -> str:
    destination = user.phone or (user.email if user.email_confirmed else None)
    if not destination:
        raise Conflict(_("Укажите телефон или подтвердите электронную почту, чтобы получить код."))
    return destination


def start_save(*, user: User, data: dict, ip: str | None = None) -> dict:
    """Validate the form's data and send the code; returns what the session keeps."""
    check_choices({k: set(v) for k, v in data["matrix"].items()}, data["frequencies"])
    check_quiet_hours(data["quiet_start"], data["quiet_end"])
    send_code(user=user, ip=ip)
    return {
        "user_id": user.pk,
        "at": int(time.time()),
        "matrix": {k: sorted(v) for k, v in data["matrix"].items()},
        "frequencies": data["frequencies"],
        "quiet_start": data["quiet_start"].isoformat() if data["quiet_start"] else "",
        "quiet_end": data["quiet_end"].isoformat() if data["quiet_end"] else "",
    }


def send_code(*, user: User, ip: str | None = None) -> str:
    """Issue and send the code; returns the masked destination. Call outside a transaction."""
    from django.core.mail import send_mail

    from gosportal.integrations.sms.base import SmsError, get_sms_gateway

    destination = code_destination(user)
    issued = otp.issue_code(purpose=SAVE_PURPOSE, destination=destination, ip=ip)
    text = _(
        "Код для сохранения настроек уведомлений на Госпортале: %(code)s. Никому его не сообщайте."
    ) % {"code": issued.code}
    if "@" in destination:
        send_mail(_("Код подтверждения"), text, None, [destination])
    else:
        try:
            get_sms_gateway().send(to=destination, text=text)
        except SmsError as exc:
            raise ServiceUnavailable(_("Не удалось отправить SMS. Попробуйте позже.")) from exc
    return mask_contact(destination)


def pending_from_session(session, user: User) -> dict | None:
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, dict) or raw.get("user_id") != user.pk:
        session.pop(SESSION_KEY, None)
        return None
    if int(time.time()) - int(raw.get("at", 0)) > PENDING_SECONDS:
        session.pop(SESSION_KEY, None)
        return None
    return raw


def confirm_save(*, user: User, pending: dict, code: str) -> None:
    """A right code saves the pending preferences."""
    otp.verify_code(purpose=SAVE_PURPOSE, destination=code_destination(user), code=code)
    save_preferences(
        user=user,
        matrix={k: set(v) for k, v in pending["matrix"].items()},
        frequencies=pending["frequencies"],
        quiet_start=dtime.fromisoformat(pending["quiet_start"]) if pending["quiet_start"] else None,
        quiet_end=dtime.fromisoformat(pending["quiet_end"]) if pending["quiet_end"] else None,
    )


@transaction.atomic
def save_preferences(
    *,
    user: User,
    matrix: dict[str, set[str]],
    frequencies: dict[str, str],
    quiet_start: dtime | None,
    quiet_end: dtime | None,
) -> None:
    """Store the choices (only where they differ from the defaults) and quiet hours."""
    choices = check_choices(matrix, frequencies)
    quiet = check_quiet_hours(quiet_start, quiet_end)
    for key, choice in choices.items():
        if choice == defaults_for(EVENT_TYPES[key]):
            Preference.objects.filter(user=user, event_type=key).delete()
            continue
        Preference.objects.update_or_create(
            user=user,
            event_type=key,
            defaults={
                **{c.value: c.value in choice.channels for c in Channel},
                "frequency": choice.frequency,
            },
        )
    if quiet is None:
        QuietHours.objects.filter(user=user).delete()
    else:
        QuietHours.objects.update_or_create(
            user=user, defaults={"start": quiet[0], "end": quiet[1]}
        )
    audit.record(
        "notifications.preferences_saved",
        actor=user,
        obj=user,
        details={"quiet_hours": quiet is not None, "at": timezone.now().isoformat()},
    )

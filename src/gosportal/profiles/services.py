"""Writers of profiles: every change of personal data goes through here.

«Мои данные» (PROF-1) saves only after a one-time code; every save writes one
``ProfileChange`` per field with masked displays and the old value encrypted, so the
last save can be undone within 30 minutes (PROF-4).
"""

import time
from datetime import date, timedelta

from django.core.exceptions import FieldDoesNotExist
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts.contacts import mask_contact
from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.services import lower_level
from gosportal.core import audit, otp
from gosportal.core.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable
from gosportal.core.events import Event, emit
from gosportal.core.validators import check_snils
from gosportal.integrations.sms.base import SmsError, get_sms_gateway
from gosportal.profiles.models import (
    PersonalDocument,
    Profile,
    ProfileChange,
    Sex,
    inn_index,
    snils_index,
)


@transaction.atomic
def set_snils(*, user: User, snils: str) -> Profile:
    """Record the person's SNILS (checksum verified; one account per SNILS)."""
    try:
        digits = check_snils(snils)
    except Exception as exc:
        raise InvalidInput(exc.messages[0], field="snils") from exc
    taken = Profile.objects.filter(snils_index=snils_index(digits)).exclude(user=user)
    if taken.exists():
        raise Conflict(_("Этот СНИЛС уже указан в другой учётной записи."), field="snils")
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.snils = digits
    profile.updated_at = timezone.now()
    profile.save()
    audit.record("profiles.snils_set", actor=user, obj=profile, details={"field": "snils"})
    return profile


def erase_profile(user: User) -> None:
    """REC-4: the person's personal data goes with the account (called inside deletion)."""
    Profile.objects.filter(user=user).delete()


# --- «Мои данные» (PROF-1, PROF-3, PROF-4) ------------------------------------------------

# Fields a person may edit in «Мои данные». Birth date and sex only while empty (PROF-3).
EDITABLE_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "birthplace",
    "citizenship",
    "passport_series",
    "passport_number",
    "passport_issued_on",
    "passport_issuer",
    "passport_department_code",
    "snils",
    "inn",
    "registration_address",
    "residence_address",
)
SUPPORT_ONLY_FIELDS = ("birth_date", "sex")  # PROF-3: once set, only through support
# Who the person is: changing any of these yourself ends a confirmed identity (the
# registry checks run again and the person confirms the identity anew). A new passport
# or INN keeps the level: the registries check the new document against the same person.
RECONFIRM_FIELDS = ("last_name", "first_name", "middle_name", "snils")
DATE_FIELDS = ("birth_date", "passport_issued_on")
UNDO_WINDOW = timedelta(minutes=30)  # PROF-4
SCAN_REQUIRED = gettext_lazy(
    "Скан паспорта: приложите скан или фото нового паспорта (PDF, JPEG или PNG, до 5 МБ)."
)
SAVE_PURPOSE = "profile_save"
UNDO_PURPOSE = "profile_undo"
SAVE_SESSION_KEY = "profile_pending_save"
UNDO_SESSION_KEY = "profile_pending_undo"
PENDING_SECONDS = 15 * 60


def field_label(name: str) -> str:
    """The Russian label of a profile field, as people read it in history and notices;
    a further document's field («driver_licence.number») reads «Водительское
    удостоверение: номер»."""
    if "." in name:
        kind, attr = name.split(".", 1)
        kinds = dict(PersonalDocument.Kind.choices)
        try:
            attr_label = PersonalDocument._meta.get_field(attr).verbose_name
        except FieldDoesNotExist:
            return name
        return f"{kinds.get(kind, kind)}: {attr_label}"
    try:
        return str(Profile._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def mask_value(name: str, value, *, series: str = "") -> str:
    """How a value is shown in history: document numbers masked, dates as ДД.ММ.ГГГГ."""
    if value in (None, ""):
        return ""
    if name == "passport_number":
        prefix = f"{series[:2]} {series[2:]} " if series else ""
        return f"{prefix}****{value[-2:]}"
    if name == "snils":
        return f"***-***-{value[6:9]} {value[9:]}"
    if name == "inn":
        return f"{'*' * 8}{value[-4:]}"
    if name.endswith(".number"):  # further documents (PROF-1)
        shown = f"{series[:2]} {series[2:]}" if len(series) == 4 else series
        return f"{shown} ****{value[-2:]}".strip()
    if name.endswith(".vin"):
        return f"{'*' * 13}{value[-4:]}"
    if name.endswith(".plate_number"):
        return f"{value[0]}***{value[4:]}"
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if name == "sex":
        return str(Sex(value).label) if value in Sex.values else value
    return str(value)[:300]


def _to_raw(name: str, value) -> str:
    """A value as text for the session and for ``ProfileChange.old_value``."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _from_raw(name: str, raw: str):
    if name in DATE_FIELDS:
        return date.fromisoformat(raw) if raw else None
    if name in ("snils", "inn"):
        return raw or None
    return raw


def needs_reconfirmation(*, user: User, changes: dict) -> bool:
    """Whether saving ``changes`` ends the confirmed identity (warned before saving)."""
    return user.level == User.Level.CONFIRMED and bool(set(changes) & set(RECONFIRM_FIELDS))


def describe_changes(*, user: User, changes: dict) -> list[dict]:
    """Pending ``changes`` as the confirmation page lists them: label, was → becomes, masked."""
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    series = changes.get("passport_series", profile.passport_series)
    return [
        {
            "label": field_label(name),
            "old": mask_value(name, getattr(profile, name), series=profile.passport_series),
            "new": mask_value(name, _from_raw(name, raw), series=series),
        }
        for name, raw in changes.items()
        if name in EDITABLE_FIELDS
    ]


def profile_changes(*, user: User, data: dict) -> dict:
    """The fields of ``data`` whose values differ from the stored profile, as text."""
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    changes = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        if _to_raw(name, data[name]) != _to_raw(name, getattr(profile, name)):
            changes[name] = _to_raw(name, data[name])
    return changes


def check_identifiers_free(*, user: User, snils: str | None, inn: str | None) -> None:
    """Raise ``Conflict`` on the field when the SNILS or INN is held by another account."""
    others = Profile.objects.exclude(user=user)
    if snils and others.filter(snils_index=snils_index(snils)).exists():
        raise Conflict(_("Этот СНИЛС уже указан в другой учётной записи."), field="snils")
    if inn and others.filter(inn_index=inn_index(inn)).exists():
        raise Conflict(_("Этот ИНН уже указан в другой учётной записи."), field="inn")


@transaction.atomic
def update_profile(
    *, user: User, changes: dict, channel: str, actor: User | None
) -> list[ProfileChange]:
    """Apply ``changes`` (field → text) and record one ProfileChange per changed field.

    Audits the field names only, queues a security notice and emits ``profiles.changed``.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("Эти данные нельзя изменить здесь."))
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    values = {name: _from_raw(name, raw) for name, raw in changes.items()}
    if channel == ProfileChange.Channel.WEB:
        for name in SUPPORT_ONLY_FIELDS:
            current = getattr(profile, name)
            if name in values and current not in (None, "") and values[name] != current:
                raise InvalidInput(
                    _(
                        "Дату рождения и пол можно изменить только через службу поддержки "
                        "с подтверждающим документом."
                    ),
                    field=name,
                )
    check_identifiers_free(user=user, snils=values.get("snils"), inn=values.get("inn"))
    changed = [name for name in EDITABLE_FIELDS if name in values]
    changed = [name for name in changed if values[name] != getattr(profile, name)]
    if not changed:
        return []
    old_series = profile.passport_series
    old = {name: getattr(profile, name) for name in changed}
    for name in changed:
        setattr(profile, name, values[name])
    now = timezone.now()
    profile.updated_at = now
    try:
        with transaction.atomic():
            profile.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:  # a SNILS or INN taken meanwhile
        field = "snils" if "snils" in changed else "inn"
        raise Conflict(_("Этот номер уже указан в другой учётной записи."), field=field) from exc
    rows = ProfileChange.objects.bulk_create(
        ProfileChange(
            user=user,
            field=name,
            old_display=mask_value(name, old[name], series=old_series),
            new_display=mask_value(name, values[name], series=profile.passport_series),
            old_value=_to_raw(name, old[name]),
            changed_at=now,
            actor_id=actor.pk if actor is not None else None,
            channel=channel,
        )
        for name in changed
    )
    audit.record(
        "profiles.changed",
        actor=actor,
        obj=profile,
        details={"fields": changed, "channel": channel},
    )
    if (
        channel in (ProfileChange.Channel.WEB, ProfileChange.Channel.UNDO)
        and user.level == User.Level.CONFIRMED
        and set(changed) & set(RECONFIRM_FIELDS)
    ):
        lower_level(user, level=User.Level.STANDARD, reason="identity_changed")
    labels = ", ".join(field_label(name) for name in changed)
    send_security_notice(
        user,
        subject=_("Изменение персональных данных"),
        text=_(
            "Ваши персональные данные изменены: %(fields)s. Если это были не вы, "
            "обратитесь в службу поддержки."
        )
        % {"fields": labels},
    )
    emit(Event("profiles.changed", {"user_id": user.pk, "fields": changed}))
    return rows


def code_destination(user: User) -> str:
    """Where one-time codes for «Мои данные» go: the phone, else the e-mail."""
    destination = user.phone or user.email
    if not destination:
        raise Conflict(_("Укажите телефон или электронную почту, чтобы получить код."))
    return destination


def send_confirmation_code(*, user: User, purpose: str, ip: str | None = None) -> str:
    """Issue and send a one-time code; returns the masked destination. Call outside a
    transaction: core.otp commits its own bookkeeping."""
    destination = code_destination(user)
    issued = otp.issue_code(purpose=purpose, destination=destination, ip=ip)
    if purpose == UNDO_PURPOSE:
        text = _(
            "Код для отмены изменения персональных данных на Госпортале: %(code)s. "
            "Никому его не сообщайте."
        )
    else:
        text = _(
            "Код для сохранения персональных данных на Госпортале: %(code)s. "
            "Никому его не сообщайте."
        )
    text = text % {"code": issued.code}
    if "@" in destination:
        send_mail(_("Код подтверждения"), text, None, [destination])
    else:
        try:
            get_sms_gateway().send(to=destination, text=text)
        except SmsError as exc:
            raise ServiceUnavailable(_("Не удалось отправить SMS. Попробуйте позже.")) from exc
    return mask_contact(destination)


def start_confirmation(*, user: User, purpose: str, payload: dict, ip: str | None = None) -> dict:
    """PROF-1: send a one-time code for ``purpose``; returns what the session keeps until
    the code comes back (``payload`` plus the user and the time; see
    ``pending_from_session``). Shared by «Мои данные», further documents and undo."""
    send_confirmation_code(user=user, purpose=purpose, ip=ip)
    return {**payload, "user_id": user.pk, "at": int(time.time())}


def check_confirmation_code(*, user: User, purpose: str, code: str) -> None:
    """Raise unless ``code`` is the one-time code last sent to the person for ``purpose``."""
    otp.verify_code(purpose=purpose, destination=code_destination(user), code=code)


def start_profile_save(
    *, user: User, changes: dict, ip: str | None = None, scan_id: int | None = None
) -> dict:
    """Send the code for saving ``changes``; returns what the session keeps until then.

    PROF-2: a change of a passport already on file needs ``scan_id``, a scan received by
    ``scans.receive_passport_scan``; the code that saves the change submits the scan."""
    from gosportal.profiles.scans import needs_scan

    if not changes:
        raise InvalidInput(_("Вы ничего не изменили."))
    if scan_id is None and needs_scan(Profile.objects.filter(user=user).first(), changes):
        raise InvalidInput(SCAN_REQUIRED, field="passport_scan")
    pending = start_confirmation(
        user=user,
        purpose=SAVE_PURPOSE,
        payload={"changes": changes, "scan_id": scan_id},
        ip=ip,
    )
    audit.record("profiles.save_started", actor=user, details={"fields": sorted(changes)})
    return pending


def confirm_profile_save(*, user: User, pending: dict, code: str) -> list[ProfileChange]:
    """PROF-1: a right code applies the changes waiting in the session."""
    from gosportal.profiles.scans import needs_scan, submit_passport_scan

    check_confirmation_code(user=user, purpose=SAVE_PURPOSE, code=code)
    scan_id = pending.get("scan_id")
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        if scan_id is None and needs_scan(profile, pending["changes"]):
            raise InvalidInput(SCAN_REQUIRED, field="passport_scan")
        rows = update_profile(
            user=user, changes=pending["changes"], channel=ProfileChange.Channel.WEB, actor=user
        )
        if scan_id is not None and rows:
            submit_passport_scan(user=user, scan_id=scan_id)
    return rows


def pending_from_session(session, key: str, user: User) -> dict | None:
    """A pending save or undo of this session for ``user``, or None when absent or stale."""
    raw = session.get(key)
    if not isinstance(raw, dict) or raw.get("user_id") != user.pk:
        session.pop(key, None)
        return None
    if int(time.time()) - int(raw.get("at", 0)) > PENDING_SECONDS:
        session.pop(key, None)
        return None
    return raw


def _undoable_batch(*, user: User, change_id: int) -> list[ProfileChange]:
    """PROF-4: the rows of the last save when ``change_id`` is among them and 30 minutes
    have not passed; otherwise a readable refusal."""
    change = ProfileChange.objects.filter(pk=change_id, user=user).first()
    if change is None:
        raise NotFound(_("Изменение не найдено."))
    latest = ProfileChange.objects.filter(user=user).order_by("-changed_at", "-id").first()
    if latest is None or latest.changed_at != change.changed_at:
        raise Conflict(_("Отменить можно только последнее изменение."))
    if change.undone_at is not None or change.channel == ProfileChange.Channel.UNDO:
        raise Conflict(_("Это изменение уже отменено."))
    if timezone.now() - change.changed_at > UNDO_WINDOW:
        raise Conflict(_("Отменить изменение можно только в течение 30 минут после сохранения."))
    return list(ProfileChange.objects.filter(user=user, changed_at=change.changed_at))


def start_undo(*, user: User, change_id: int, ip: str | None = None) -> dict:
    """Check the change can be undone and send the code; returns the session's record."""
    _undoable_batch(user=user, change_id=change_id)
    return start_confirmation(
        user=user, purpose=UNDO_PURPOSE, payload={"change_id": change_id}, ip=ip
    )


def confirm_undo(*, user: User, change_id: int, code: str) -> list[ProfileChange]:
    """A right code restores the old values of the last save (PROF-4)."""
    _undoable_batch(user=user, change_id=change_id)
    check_confirmation_code(user=user, purpose=UNDO_PURPOSE, code=code)
    return undo_change(user=user, change_id=change_id, actor=user)


@transaction.atomic
def undo_change(*, user: User, change_id: int, actor: User | None) -> list[ProfileChange]:
    """Restore the values the last save replaced and mark its rows undone."""
    Profile.objects.select_for_update().filter(user=user).first()
    batch = _undoable_batch(user=user, change_id=change_id)
    if batch[0].document_action:  # a further document was added, edited or deleted
        from gosportal.profiles.documents import undo_document_change

        restored = undo_document_change(user=user, batch=batch, actor=actor)
    else:
        restored = update_profile(
            user=user,
            changes={row.field: row.old_value for row in batch},
            channel=ProfileChange.Channel.UNDO,
            actor=actor,
        )
    ProfileChange.objects.filter(pk__in=[row.pk for row in batch]).update(undone_at=timezone.now())
    return restored

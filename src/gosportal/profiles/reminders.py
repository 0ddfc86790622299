"""Reminders to keep personal data current (PROF-8): the passport to replace at 20 and 45,
a registration address not confirmed for over a year, a driver licence about to expire.

A daily task calls ``send_due_reminders``; each reminder is sent once per occasion (a
``Reminder`` row under a unique constraint, written in the same transaction as the
notice), so running it more often, or twice at once, sends nothing twice. Reminders go
out as security notices for now: that is the only channel until the notification
centre arrives, which should take them over with the person's preferences.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.profiles.models import PersonalDocument, Profile, Reminder

# REFERENCE: the internal passport is replaced at 20 and 45 and stays valid for 90 days
# after that birthday; reminders come 30 days before and on the birthday.
REPLACEMENT_AGES = (20, 45)
PASSPORT_GRACE = timedelta(days=90)
PASSPORT_NOTICE = timedelta(days=30)
ADDRESS_MAX_AGE = timedelta(days=365)
BATCH_SIZE = 500

PASSPORT_SOON = "passport_soon"
PASSPORT_DUE = "passport_due"
ADDRESS_OUTDATED = "address_outdated"
# The driver licence (PROF-1): 30 days before it expires, and once after.
LICENCE_NOTICE = timedelta(days=30)
LICENCE_AFTER = timedelta(days=90)
LICENCE_SOON = "licence_soon"
LICENCE_EXPIRED = "licence_expired"


@dataclass(frozen=True)
class Due:
    user_id: int
    kind: str
    occasion: str
    subject: str
    text: str


def send_due_reminders(today: date | None = None) -> int:
    """Send every reminder due on ``today`` not sent before; returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    for batch in _profiles_in_batches():
        due = [reminder for profile in batch for reminder in reminders_for(profile, today)]
        sent += _send_new(due)
    for batch in _licences_in_batches():
        sent += _send_new([r for licence in batch for r in licence_reminders(licence, today)])
    return sent


def _send_new(due: list[Due]) -> int:
    """Send those of ``due`` not recorded as sent; returns how many went out."""
    if not due:
        return 0
    already = set(
        Reminder.objects.filter(user_id__in={d.user_id for d in due}).values_list(
            "user_id", "kind", "occasion"
        )
    )
    sent = 0
    for reminder in due:
        if (reminder.user_id, reminder.kind, reminder.occasion) not in already:
            sent += _send(reminder)
    return sent


def _licences_in_batches():
    # valid_until is encrypted too (SEC-2): every licence is read, 500 at a time.
    licences = (
        PersonalDocument.objects.filter(
            kind=PersonalDocument.Kind.DRIVER_LICENCE, user__is_active=True
        )
        .only("pk", "user_id", "valid_until")
        .order_by("pk")
    )
    last_pk = 0
    while batch := list(licences.filter(pk__gt=last_pk)[:BATCH_SIZE]):
        yield batch
        last_pk = batch[-1].pk


def licence_reminders(licence: PersonalDocument, today: date) -> list[Due]:
    """PROF-8: the driver licence expires in 30 days, or has expired (up to 90 days ago)."""
    expires = licence.valid_until
    if expires is None:
        return []
    params = {"date": formats.date_format(expires, "d.m.Y"), "url": _documents_url()}
    occasion = f"licence-{expires:%Y-%m-%d}"
    if expires - LICENCE_NOTICE <= today < expires:
        text = _(
            "Госпортал напоминает: водительское удостоверение действительно до %(date)s. "
            "Замените его заранее и обновите данные в профиле: %(url)s"
        )
        return [
            Due(
                licence.user_id,
                LICENCE_SOON,
                occasion,
                _("Скоро истекает срок прав"),
                text % params,
            )
        ]
    if expires <= today <= expires + LICENCE_AFTER:
        text = _(
            "Госпортал напоминает: срок действия водительского удостоверения истёк %(date)s. "
            "Замените его и обновите данные в профиле: %(url)s"
        )
        return [
            Due(licence.user_id, LICENCE_EXPIRED, occasion, _("Истёк срок прав"), text % params)
        ]
    return []


def _profiles_in_batches():
    # birth_date and the passport's date are encrypted (SEC-2), so the database cannot
    # tell whose birthday is near: every profile is read and decrypted here, 500 at a
    # time by primary key, loading only the fields the rules need. docs/profiles.md
    # describes the path for scale (an index on a non-secret "next reminder" date).
    fields = (
        "pk",
        "user_id",
        "birth_date",
        "passport_issued_on",
        "registration_address",
        "address_confirmed_at",
        "updated_at",
    )
    profiles = Profile.objects.filter(user__is_active=True).only(*fields).order_by("pk")
    last_pk = 0
    while batch := list(profiles.filter(pk__gt=last_pk)[:BATCH_SIZE]):
        yield batch
        last_pk = batch[-1].pk


def reminders_for(profile: Profile, today: date) -> list[Due]:
    """The reminders ``profile`` is due on ``today`` (sent or not)."""
    return [*_passport_reminders(profile, today), *_address_reminders(profile, today)]


def _passport_reminders(profile: Profile, today: date) -> list[Due]:
    if not profile.birth_date or not profile.passport_issued_on:
        return []
    found = []
    for age in REPLACEMENT_AGES:
        birthday = birthday_at(profile.birth_date, age)
        if profile.passport_issued_on >= birthday:
            continue  # issued at or after this birthday: already the replacement
        occasion = f"passport-{age}-{birthday:%Y-%m-%d}"
        params = {
            "age": age,
            "date": formats.date_format(birthday, "d.m.Y"),
            "valid_until": formats.date_format(birthday + PASSPORT_GRACE, "d.m.Y"),
            "url": _edit_url(),
        }
        if birthday - PASSPORT_NOTICE <= today < birthday:
            text = _(
                "Госпортал напоминает: %(date)s вам исполнится %(age)s лет, и паспорт нужно "
                "будет заменить — он действителен до %(valid_until)s. После замены "
                "обновите данные паспорта в профиле: %(url)s"
            )
            found.append(
                Due(
                    profile.user_id,
                    PASSPORT_SOON,
                    occasion,
                    _("Скоро замена паспорта"),
                    text % params,
                )
            )
        elif birthday <= today <= birthday + PASSPORT_GRACE:
            text = _(
                "Госпортал напоминает: %(date)s вам исполнилось %(age)s лет — паспорт нужно "
                "заменить до %(valid_until)s. После замены обновите данные паспорта в "
                "профиле: %(url)s"
            )
            found.append(
                Due(
                    profile.user_id,
                    PASSPORT_DUE,
                    occasion,
                    _("Пора заменить паспорт"),
                    text % params,
                )
            )
    return found


def _address_reminders(profile: Profile, today: date) -> list[Due]:
    if not profile.registration_address:
        return []
    since = profile.address_confirmed_at or profile.updated_at
    if since is None or timezone.localdate(since) > today - ADDRESS_MAX_AGE:
        return []
    text = _(
        "Госпортал напоминает: адрес регистрации в профиле не подтверждался больше года. "
        "Проверьте его и при необходимости обновите: %(url)s"
    ) % {"url": _edit_url()}
    # The occasion is the date the address was last confirmed (or the profile saved), so
    # a confirmation starts a new year and a new reminder.
    occasion = f"address-{timezone.localdate(since):%Y-%m-%d}"
    return [Due(profile.user_id, ADDRESS_OUTDATED, occasion, _("Проверьте адрес"), text)]


def birthday_at(birth_date: date, age: int) -> date:
    """The day the person turns ``age``; 29 February falls on 28 February in a common
    year, as a period ends on the month's last day (ГК РФ ст. 192) (unverified for age)."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return birth_date.replace(year=birth_date.year + age, day=28)


def _edit_url() -> str:
    return settings.SITE_URL + reverse("profiles:edit")


def _documents_url() -> str:
    return settings.SITE_URL + reverse("profiles:documents")


def _send(reminder: Due) -> int:
    """Record and send one reminder; 0 when a concurrent run has just sent it."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                user_id=reminder.user_id, kind=reminder.kind, occasion=reminder.occasion
            )
            user = User.objects.get(pk=reminder.user_id)
            send_security_notice(user, subject=reminder.subject, text=reminder.text)
    except IntegrityError:
        return 0
    return 1

"""REG-2: checks of the person's data against the МВД, СФР and ФНС registries.

A change of identity data (``profiles.changed``) requests one check per registry whose
data is complete; each check runs as a task, outside the request, and is retried with
back-off while the registry is unavailable. A check remembers a keyed hash of the data
it was asked about, so an answer about data changed meanwhile is ignored. When every
required registry has confirmed the current data, a simplified account becomes
standard; a mismatch names the field and leaves the account as it was.
"""

import json
import logging
from datetime import timedelta

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.accounts.notices import send_security_notice
from gosportal.accounts.services import raise_level
from gosportal.core import audit
from gosportal.core.crypto import blind_index
from gosportal.core.events import subscribe
from gosportal.integrations.registries.base import (
    RegistryAnswer,
    RegistryUnavailable,
    get_registry_gateway,
)
from gosportal.profiles.models import Profile, RegistryCheck

logger = logging.getLogger(__name__)

Registry = RegistryCheck.Registry
Status = RegistryCheck.Status

_PERSON = ("last_name", "first_name", "middle_name", "birth_date")
# The profile fields each registry is asked about.
REGISTRY_FIELDS = {
    Registry.MVD: ("passport_series", "passport_number", *_PERSON),
    Registry.SFR: ("snils", *_PERSON),
    Registry.FNS: ("inn", *_PERSON),
}
OPTIONAL_FIELDS = {"middle_name"}  # not everyone has a patronymic
IDENTITY_FIELDS = frozenset(field for fields in REGISTRY_FIELDS.values() for field in fields)

# Waits before the 2nd, 3rd, 4th and 5th call while the registry is unavailable.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def is_complete(profile: Profile, registry: str) -> bool:
    """Whether the profile holds everything the registry needs (INN is optional)."""
    return all(
        getattr(profile, field) not in (None, "")
        for field in REGISTRY_FIELDS[registry]
        if field not in OPTIONAL_FIELDS
    )


def data_hash(profile: Profile, registry: str) -> str:
    """A keyed SHA-256 of the data a registry is asked about (no personal data in clear)."""
    values = [registry] + [
        str(getattr(profile, field) or "").strip() for field in REGISTRY_FIELDS[registry]
    ]
    return blind_index(json.dumps(values, ensure_ascii=False), purpose="registry_check")


def required_registries(profile: Profile) -> list[str]:
    """REG-2: passport and SNILS always; INN when the person gave one."""
    registries = [Registry.MVD, Registry.SFR]
    if profile.inn:
        registries.append(Registry.FNS)
    return registries


def latest_check(user: User, registry: str) -> RegistryCheck | None:
    return RegistryCheck.objects.filter(user=user, registry=registry).first()  # newest first


@transaction.atomic
def request_checks(user: User) -> list[RegistryCheck]:
    """Start a check for each registry whose data is complete and not already checked.

    Idempotent: data already pending or answered for is not sent again (a check that
    failed may be requested again). Tasks are enqueued after commit.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return []
    created = []
    for registry in Registry:
        if not is_complete(profile, registry):
            continue
        digest = data_hash(profile, registry)
        latest = latest_check(user, registry)
        if latest is not None and latest.data_hash == digest and latest.status != Status.FAILED:
            continue
        check = RegistryCheck.objects.create(user=user, registry=registry, data_hash=digest)
        audit.record(
            "profiles.registry_check_requested",
            obj=check,
            details={"user_id": user.pk, "registry": registry},
        )
        transaction.on_commit(lambda pk=check.pk: _enqueue(pk))
        created.append(check)
    return created


@subscribe("profiles.changed", name="profiles.registry_checks")
def check_changed_identity(event) -> None:
    """Payload: ``user_id`` and ``fields`` (names of changed Profile fields; all if absent)."""
    fields = event.payload.get("fields")
    if fields is not None and not IDENTITY_FIELDS.intersection(fields):
        return
    user = User.objects.filter(pk=event.payload.get("user_id")).first()
    if user is not None:
        request_checks(user)


def _enqueue(check_id: int, *, run_after=None) -> None:
    from gosportal.profiles.tasks import run_registry_check

    task = (
        run_registry_check if run_after is None else run_registry_check.using(run_after=run_after)
    )
    task.enqueue(check_id)


def _ask(profile: Profile, registry: str) -> RegistryAnswer:
    gateway = get_registry_gateway()
    person = {field: getattr(profile, field) for field in _PERSON}
    person["middle_name"] = person["middle_name"] or ""
    if registry == Registry.MVD:
        return gateway.check_passport(
            series=profile.passport_series, number=profile.passport_number, **person
        )
    if registry == Registry.SFR:
        return gateway.check_snils(snils=profile.snils, **person)
    return gateway.check_inn(inn=profile.inn, **person)


def _is_current(check: RegistryCheck, profile: Profile | None) -> bool:
    return (
        profile is not None
        and is_complete(profile, check.registry)
        and data_hash(profile, check.registry) == check.data_hash
    )


def run_check(*, check_id: int) -> str:
    """Ask the registry about a pending check and record the answer; returns the status."""
    check = RegistryCheck.objects.filter(pk=check_id).first()
    if check is None or check.status != Status.PENDING:
        return check.status if check is not None else ""
    profile = Profile.objects.filter(user_id=check.user_id).first()
    if not _is_current(check, profile):
        with transaction.atomic():
            return _finish_stale(check_id)
    try:
        # Outside any transaction: a slow registry must not hold locks.
        answer = _ask(profile, check.registry)
    except RegistryUnavailable as exc:
        logger.warning("registry %s unavailable for check %s: %s", check.registry, check_id, exc)
        return _retry_later(check_id)
    return _record_answer(check_id, answer)


def _locked_pending(check_id: int) -> tuple[RegistryCheck | None, User | None]:
    """Lock the person first, so checks finishing together see each other's results."""
    user_id = RegistryCheck.objects.filter(pk=check_id).values_list("user_id", flat=True).first()
    user = User.objects.select_for_update().filter(pk=user_id).first()
    check = RegistryCheck.objects.select_for_update().filter(pk=check_id).first()
    if user is None or check is None or check.status != Status.PENDING:
        return None, None
    return check, user


def _complete(check: RegistryCheck, status: str, *, field: str = "", message: str = "") -> None:
    check.status = status
    check.mismatch_field = field
    check.message = message[:300]
    check.completed_at = timezone.now()
    check.save(update_fields=["status", "mismatch_field", "message", "completed_at", "attempts"])
    audit.record(
        "profiles.registry_check_completed",
        obj=check,
        details={
            "user_id": check.user_id,
            "registry": check.registry,
            "status": status,
            "field": field,
            "attempts": check.attempts,
        },
    )


def _finish_stale(check_id: int) -> str:
    check, _user = _locked_pending(check_id)
    if check is None:
        return ""
    # The person changed the data after asking; the change requested its own check.
    _complete(check, Status.FAILED, message=_("Данные изменились, выполняется новая проверка"))
    return check.status


@transaction.atomic
def _retry_later(check_id: int) -> str:
    check, user = _locked_pending(check_id)
    if check is None:
        return ""
    check.attempts += 1
    if check.attempts >= MAX_ATTEMPTS:
        _complete(check, Status.FAILED, message=_("Реестр недоступен, попробуйте позже"))
        send_security_notice(
            user,
            subject=_("Данные не проверены"),
            text=_(
                "Не удалось проверить ваши данные (%(registry)s): реестр недоступен. "
                "Попробуйте позже — сохраните данные в разделе «Мои данные» ещё раз."
            )
            % {"registry": check.get_registry_display()},
        )
        return check.status
    run_after = timezone.now() + RETRY_DELAYS[check.attempts - 1]
    check.save(update_fields=["attempts"])
    audit.record(
        "profiles.registry_check_retry",
        obj=check,
        details={
            "user_id": check.user_id,
            "registry": check.registry,
            "attempts": check.attempts,
            "run_after": run_after,
        },
    )
    transaction.on_commit(lambda: _enqueue(check_id, run_after=run_after))
    return check.status


@transaction.atomic
def _record_answer(check_id: int, answer: RegistryAnswer) -> str:
    check, user = _locked_pending(check_id)
    if check is None:
        return ""
    profile = Profile.objects.filter(user=user).first()
    if not _is_current(check, profile):
        return _finish_stale(check_id)  # the answer is about data no longer there
    check.attempts += 1
    if answer.ok:
        _complete(check, Status.PASSED)
        _raise_to_standard_if_confirmed(user, profile)
    else:
        _complete(check, Status.MISMATCH, field=answer.field, message=answer.message)
        _tell_mismatch(user, check)
    return check.status


def _raise_to_standard_if_confirmed(user: User, profile: Profile) -> None:
    if user.level != User.Level.SIMPLIFIED:
        return
    for registry in required_registries(profile):
        latest = latest_check(user, registry)
        if (
            latest is None
            or latest.status != Status.PASSED
            or latest.data_hash != data_hash(profile, registry)
        ):
            return
    if raise_level(user, level=User.Level.STANDARD, reason="registry_checks"):
        send_security_notice(
            user,
            subject=_("Данные подтверждены"),
            text=_("Ваши данные подтверждены, учётная запись стала стандартной"),
        )


def _field_label(field: str) -> str:
    try:
        return str(Profile._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _tell_mismatch(user: User, check: RegistryCheck) -> None:
    text = _(
        "Данные не подтверждены (%(registry)s): %(message)s. Проверьте поле "
        "«%(field)s» в разделе «Мои данные» и исправьте его так, как в документе: "
        "после сохранения проверка начнётся заново."
    ) % {
        "registry": check.get_registry_display(),
        "message": check.message,
        "field": _field_label(check.mismatch_field),
    }
    if user.level == User.Level.SIMPLIFIED:
        text += " " + _("Пока данные не подтверждены, учётная запись остаётся упрощённой.")
    send_security_notice(user, subject=_("Данные не подтверждены"), text=text)

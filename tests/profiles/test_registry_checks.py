"""REG-2: the person's data is checked in МВД, СФР and ФНС in the background; when all
confirm it the account becomes standard, a mismatch names the field to correct."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.accounts.models import User
from gosportal.core import events
from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.integrations.registries import sandbox
from gosportal.profiles import checks
from gosportal.profiles.models import Profile, RegistryCheck
from tests.factories import UserFactory

# Real commits: the outbox, the checks and the notices all run after commit.
pytestmark = pytest.mark.django_db(transaction=True)

Registry = RegistryCheck.Registry
Status = RegistryCheck.Status

IVAN = {
    "last_name": "Петров",
    "first_name": "Иван",
    "middle_name": "Сергеевич",
    "birth_date": datetime.date(1985, 3, 14),
    "passport_series": "4510",
    "passport_number": "123456",
    "snils": "11223344595",
    "inn": "770712345633",
}
UNAVAILABLE = {
    "last_name": "Недоступнов",
    "first_name": "Николай",
    "middle_name": "Петрович",
    "birth_date": datetime.date(1980, 1, 20),
    "passport_series": "4513",
    "passport_number": "456789",
    "snils": "34567890123",
}


@pytest.fixture(autouse=True)
def _test_people():
    sandbox.load_test_people()


def person_with(**data) -> User:
    user = UserFactory()
    Profile.objects.create(user=user, **data)
    return user


def announce_change(user: User, fields=("last_name", "passport_number")) -> None:
    events.emit(events.Event("profiles.changed", {"user_id": user.pk, "fields": list(fields)}))


def latest(user: User) -> dict[str, RegistryCheck]:
    return {registry: checks.latest_check(user, registry) for registry in Registry}


def notices(user: User) -> list[str]:
    return [
        event.payload["text"]
        for event in OutboxEvent.objects.filter(name="accounts.security_notice").order_by("pk")
        if event.payload["user_id"] == user.pk
    ]


def test_confirmed_data_makes_the_account_standard(run_tasks):
    user = person_with(**IVAN)
    announce_change(user)

    run_tasks()  # drains the outbox, runs the three checks and the notice

    found = latest(user)
    assert {registry: check.status for registry, check in found.items()} == {
        Registry.MVD: Status.PASSED,
        Registry.SFR: Status.PASSED,
        Registry.FNS: Status.PASSED,
    }
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD
    assert "Ваши данные подтверждены, учётная запись стала стандартной" in notices(user)
    raised = AuditEvent.objects.get(action="accounts.level_raised", object_id=str(user.pk))
    assert raised.details["to"] == "standard"
    assert AuditEvent.objects.filter(action="profiles.registry_check_completed").count() == 3


def test_without_inn_passport_and_snils_are_enough(run_tasks):
    user = person_with(**{**IVAN, "inn": None})
    announce_change(user)
    run_tasks()

    assert latest(user)[Registry.FNS] is None
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD


def test_mismatch_names_the_field_and_keeps_the_account_simplified(run_tasks):
    user = person_with(**{**IVAN, "first_name": "Пётр"})
    announce_change(user)
    run_tasks()

    mvd = latest(user)[Registry.MVD]
    assert (mvd.status, mvd.mismatch_field) == (Status.MISMATCH, "first_name")
    assert mvd.message == "Имя не совпадает с данными реестра"
    assert latest(user)[Registry.SFR].mismatch_field == "snils"
    user.refresh_from_db()
    assert user.level == User.Level.SIMPLIFIED
    told = notices(user)
    assert any("«имя»" in text and "Мои данные" in text for text in told)
    assert all("стала стандартной" not in text for text in told)


def test_corrected_data_is_checked_again_and_confirmed(run_tasks):
    user = person_with(**{**IVAN, "first_name": "Пётр"})
    announce_change(user)
    run_tasks()

    Profile.objects.filter(user=user).update(first_name="Иван")
    announce_change(user, fields=["first_name"])
    run_tasks()

    assert latest(user)[Registry.MVD].status == Status.PASSED
    assert RegistryCheck.objects.filter(user=user, registry=Registry.MVD).count() == 2
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD


def test_invalid_passport_blocks_the_upgrade(run_tasks):
    user = person_with(
        last_name="Сидоров",
        first_name="Олег",
        middle_name="Иванович",
        birth_date=datetime.date(1970, 11, 5),
        passport_series="4512",
        passport_number="345678",
        snils="23456789099",
    )
    announce_change(user)
    run_tasks()

    mvd = latest(user)[Registry.MVD]
    assert (mvd.status, mvd.mismatch_field) == (Status.MISMATCH, "passport_number")
    assert latest(user)[Registry.SFR].status == Status.PASSED
    user.refresh_from_db()
    assert user.level == User.Level.SIMPLIFIED


def test_unavailable_registry_is_retried_and_then_confirms(run_tasks, monkeypatch):
    user = person_with(**UNAVAILABLE)
    announce_change(user)
    run_tasks()

    mvd = latest(user)[Registry.MVD]
    assert (mvd.status, mvd.attempts) == (Status.PENDING, 1)
    assert AuditEvent.objects.filter(action="profiles.registry_check_retry").count() == 2

    with time_machine.travel(timezone.now() + timedelta(seconds=10)):
        run_tasks()  # too early for the first retry (30 s)
    assert latest(user)[Registry.MVD].attempts == 1

    monkeypatch.setattr(sandbox, "OUTAGE_LAST_NAME", "Реестр снова доступен")
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        run_tasks()

    mvd = latest(user)[Registry.MVD]
    assert (mvd.status, mvd.attempts) == (Status.PASSED, 2)
    user.refresh_from_db()
    assert user.level == User.Level.STANDARD


def test_registry_unavailable_after_five_attempts_fails_and_tells_the_person(run_tasks):
    user = person_with(**UNAVAILABLE)
    announce_change(user)
    run_tasks()

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for delay in checks.RETRY_DELAYS:
            traveller.shift(delay + timedelta(seconds=1))
            run_tasks()

    mvd = latest(user)[Registry.MVD]
    assert (mvd.status, mvd.attempts) == (Status.FAILED, 5)
    assert mvd.message == "Реестр недоступен, попробуйте позже"
    assert any("реестр недоступен" in text for text in notices(user))
    user.refresh_from_db()
    assert user.level == User.Level.SIMPLIFIED


def test_answer_about_changed_data_is_ignored(run_tasks):
    user = person_with(**IVAN)
    [mvd, *_] = checks.request_checks(user)
    Profile.objects.filter(user=user).update(passport_number="999999")

    run_tasks()

    mvd.refresh_from_db()
    assert mvd.status == Status.FAILED
    assert mvd.message == "Данные изменились, выполняется новая проверка"
    user.refresh_from_db()
    assert user.level == User.Level.SIMPLIFIED


def test_check_remembers_a_keyed_hash_of_the_data_sent():
    user = person_with(**IVAN)
    [mvd, sfr, fns] = checks.request_checks(user)
    profile = Profile.objects.get(user=user)

    assert mvd.data_hash == checks.data_hash(profile, Registry.MVD)
    assert len({mvd.data_hash, sfr.data_hash, fns.data_hash}) == 3
    assert "123456" not in mvd.data_hash and len(mvd.data_hash) == 64
    profile.passport_number = "654321"
    assert checks.data_hash(profile, Registry.MVD) != mvd.data_hash
    assert checks.data_hash(profile, Registry.SFR) == sfr.data_hash


def test_no_check_for_incomplete_data():
    user = person_with(last_name="Петров", first_name="Иван", snils="11223344595")
    assert checks.request_checks(user) == []  # no birth date: nothing can be checked

    Profile.objects.filter(user=user).update(birth_date=datetime.date(1985, 3, 14))
    assert [check.registry for check in checks.request_checks(user)] == [Registry.SFR]


def test_the_same_change_announced_twice_makes_one_set_of_checks(run_tasks):
    user = person_with(**IVAN)
    announce_change(user)
    announce_change(user)
    run_tasks()
    event = OutboxEvent.objects.filter(name="profiles.changed").first()
    checks.check_changed_identity(event)  # delivered again

    assert RegistryCheck.objects.filter(user=user).count() == 3


def test_change_of_other_fields_checks_nothing(run_tasks):
    user = person_with(**IVAN)
    announce_change(user, fields=["registration_address"])
    run_tasks()

    assert not RegistryCheck.objects.filter(user=user).exists()


def test_demo_ivan_petrov_becomes_standard_when_the_checks_run(run_tasks):
    from io import StringIO

    from django.core.management import call_command

    from gosportal.accounts.selectors import user_by_login

    call_command("load_demo", "--force", stdout=StringIO())
    run_tasks()

    assert user_by_login("ivan.petrov@example.ru").level == User.Level.STANDARD

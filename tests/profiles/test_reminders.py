"""PROF-8: reminders to replace the passport at 20 and 45 and to confirm an old address,
each sent once, by a daily task."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from gosportal.core.models import OutboxEvent
from gosportal.core.schedule import JOBS, Job, Scheduler
from gosportal.integrations.models import SandboxMessage
from gosportal.profiles.models import Profile, Reminder
from gosportal.profiles.reminders import send_due_reminders
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
TASK = "gosportal.profiles.tasks.send_data_reminders"


def on(day: date):
    """Travel to 09:00 Moscow time on ``day``."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=MSK), tick=False)


def person(**data):
    user = UserFactory()
    Profile.objects.create(user=user, **data)
    return user


def turning_20(**extra):
    # 20 on 14.03.2026; passport issued at 14.
    return person(birth_date=date(2006, 3, 14), passport_issued_on=date(2020, 4, 1), **extra)


def turning_45(**extra):
    # 45 on 10.06.2026; passport issued at 20.
    data = {"birth_date": date(1981, 6, 10), "passport_issued_on": date(2001, 7, 1), **extra}
    return person(**data)


def notices(user) -> list[str]:
    sent = OutboxEvent.objects.filter(name="accounts.security_notice").order_by("occurred_at")
    return [event.payload["text"] for event in sent if event.payload["user_id"] == user.pk]


def test_reminder_30_days_before_the_20th_birthday():
    user = turning_20()
    with on(date(2026, 2, 12)):
        assert send_due_reminders() == 1
    [text] = notices(user)
    assert "14.03.2026 вам исполнится 20 лет" in text
    assert "12.06.2026" in text  # valid 90 days after the birthday
    assert "/profile/edit/" in text
    assert Reminder.objects.get(user=user).occasion == "passport-20-2026-03-14"


def test_no_reminder_earlier_than_30_days_before():
    user = turning_20()
    with on(date(2026, 2, 11)):
        assert send_due_reminders() == 0
    assert notices(user) == []


def test_reminded_again_on_the_20th_birthday():
    user = turning_20()
    with on(date(2026, 2, 12)):
        send_due_reminders()
    with on(date(2026, 3, 14)):
        assert send_due_reminders() == 1
    assert "14.03.2026 вам исполнилось 20 лет" in notices(user)[-1]
    assert len(notices(user)) == 2


def test_each_reminder_is_sent_once():
    user = turning_20()
    for day in (date(2026, 2, 12), date(2026, 2, 12), date(2026, 2, 13), date(2026, 3, 1)):
        with on(day):
            send_due_reminders()
    for day in (date(2026, 3, 14), date(2026, 3, 15), date(2026, 5, 1)):
        with on(day):
            send_due_reminders()
    assert len(notices(user)) == 2


def test_no_reminder_when_the_passport_was_issued_after_the_birthday():
    user = turning_20()
    profile = Profile.objects.get(user=user)
    profile.passport_issued_on = date(2026, 3, 20)
    profile.save(update_fields=["passport_issued_on"])
    with on(date(2026, 3, 25)):
        assert send_due_reminders() == 0
    assert notices(user) == []


def test_reminder_30_days_before_the_45th_birthday_and_on_it():
    user = turning_45()
    with on(date(2026, 5, 11)):
        assert send_due_reminders() == 1
    with on(date(2026, 6, 10)):
        assert send_due_reminders() == 1
    first, second = notices(user)
    assert "10.06.2026 вам исполнится 45 лет" in first
    assert "10.06.2026 вам исполнилось 45 лет" in second


def test_no_45th_reminder_when_the_passport_was_replaced_at_45():
    user = turning_45()
    profile = Profile.objects.get(user=user)
    profile.passport_issued_on = date(2026, 6, 20)
    profile.save(update_fields=["passport_issued_on"])
    with on(date(2026, 7, 1)):
        assert send_due_reminders() == 0
    assert notices(user) == []


def test_no_passport_reminder_after_the_90_days():
    turning_20()
    with on(date(2026, 3, 14) + timedelta(days=91)):
        assert send_due_reminders() == 0


def test_address_reminder_after_a_year_without_confirmation():
    with on(date(2026, 5, 1)):
        user = person(
            registration_address="г. Тверь, ул. Советская, д. 5",
            address_confirmed_at=timezone.now() - timedelta(days=366),
        )
        fresh = person(
            registration_address="г. Тверь, ул. Советская, д. 6",
            address_confirmed_at=timezone.now() - timedelta(days=300),
        )
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0
    [text] = notices(user)
    assert "не подтверждался больше года" in text and "/profile/edit/" in text
    assert notices(fresh) == []


def test_never_confirmed_address_is_reminded_a_year_after_the_profile_was_saved():
    with on(date(2026, 5, 1)):
        old = person(
            registration_address="г. Тверь", updated_at=timezone.now() - timedelta(days=400)
        )
        recent = person(
            registration_address="г. Тула", updated_at=timezone.now() - timedelta(days=10)
        )
        assert send_due_reminders() == 1
    assert len(notices(old)) == 1 and notices(recent) == []


def test_nothing_for_incomplete_profiles():
    with on(date(2026, 3, 14)):
        person()  # empty
        person(birth_date=date(2006, 3, 14))  # no passport date
        person(passport_issued_on=date(2020, 4, 1))  # no birth date
        person(updated_at=timezone.now() - timedelta(days=800))  # no address
        assert send_due_reminders() == 0
    assert not OutboxEvent.objects.filter(name="accounts.security_notice").exists()


def test_profiles_are_read_in_batches(monkeypatch):
    from gosportal.profiles import reminders

    monkeypatch.setattr(reminders, "BATCH_SIZE", 2)
    users = [turning_20() for _ in range(5)]
    with on(date(2026, 2, 12)):
        assert send_due_reminders() == 5
    assert all(len(notices(user)) == 1 for user in users)


def test_the_scheduler_runs_the_reminders_daily():
    assert Job(TASK, every_seconds=86400) in JOBS


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_runs_through_the_worker_and_sends(run_tasks):
    user = turning_20()
    with on(date(2026, 2, 12)):
        enqueued = Scheduler([Job(TASK, every_seconds=86400)]).tick(now=0.0)
        assert enqueued == [TASK]
        run_tasks()  # the reminders task, then the outbox drain it triggers
    sms = SandboxMessage.objects.filter(recipient=user.phone).order_by("-id").first()
    assert sms is not None and "вам исполнится 20 лет" in sms.body
    assert Reminder.objects.filter(user=user, kind="passport_soon").count() == 1

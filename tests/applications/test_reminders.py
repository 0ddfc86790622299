"""NOT-3 «Приближается срок» about applications, sent by an hourly task once per occasion:
the applicant two working days before the clarification deadline and on its last day;
the assigned officer when that deadline passed unanswered, and one working day before
the decision is due (OFF-2). Days are counted on the production calendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gosportal.applications import services
from gosportal.applications.models import Application, DeadlineReminder
from gosportal.applications.reminders import send_due_reminders
from gosportal.core.models import OutboxEvent
from gosportal.core.schedule import JOBS, Job, Scheduler
from tests.factories import AgencyFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
TASK = "gosportal.applications.tasks.send_deadline_reminders"
# March 2026: Saturday 7, Sunday 8 and Monday 9 (the holiday of 8 March moved) are off.
MONDAY = datetime.date(2026, 3, 2)
TUESDAY = datetime.date(2026, 3, 3)
FRIDAY = datetime.date(2026, 3, 6)
CLARIFY_DUE = datetime.date(2026, 3, 11)  # five working days after Tuesday 3 March
DECISION_DUE = datetime.date(2026, 3, 10)  # five working days after Monday 2 March


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=MSK), tick=False
    )


@pytest.fixture(autouse=True)
def monday():
    with on(MONDAY):
        yield


@pytest.fixture
def officer(agency):
    return OfficerFactory(agency=agency, role="officer")


@pytest.fixture
def working(submitted, officer):
    return services.take_into_work(application=submitted, officer=officer)


@pytest.fixture
def asked(working, officer):
    with on(TUESDAY):
        services.request_clarification(
            application=working, officer=officer, comment="Приложите фото", days=5
        )
    working.refresh_from_db()
    return working


def reminders() -> list[tuple[int, str, str]]:
    """(user id, what, date) of every «deadline approaching» notice, oldest first."""
    events = OutboxEvent.objects.filter(name="notify").order_by("occurred_at")
    return [
        (e.payload["user_id"], e.payload["payload"]["what"], e.payload["payload"]["date"])
        for e in events
        if e.payload["type"] == "deadline_approaching"
    ]


def every_day(first: datetime.date, last: datetime.date, *, runs: int = 2) -> dict:
    """Run the task ``runs`` times a day from ``first`` to ``last``; {day: sent that day}."""
    sent = {}
    day = first
    while day <= last:
        for hour in (10, 15)[:runs]:
            with on(day, hour):
                sent[day] = sent.get(day, 0) + send_due_reminders()
        day += datetime.timedelta(days=1)
    return {day: count for day, count in sent.items() if count}


def test_the_applicant_is_reminded_two_working_days_before_and_on_the_last_day(
    asked, citizen, officer
):
    assert every_day(TUESDAY, CLARIFY_DUE) == {FRIDAY: 1, CLARIFY_DUE: 1}
    number = asked.number
    assert reminders() == [
        (citizen.pk, f"ответ на запрос уточнения по заявлению № {number}", "11.03.2026"),
        (
            citizen.pk,
            f"ответ на запрос уточнения по заявлению № {number} (сегодня последний день)",
            "11.03.2026",
        ),
    ]
    event = OutboxEvent.objects.filter(name="notify").order_by("occurred_at").last()
    assert event.payload["payload"]["url"] == f"/applications/{number}/"


def test_the_officer_hears_once_that_the_deadline_passed(asked, citizen, officer):
    every_day(TUESDAY, CLARIFY_DUE)
    after = every_day(CLARIFY_DUE + datetime.timedelta(days=1), datetime.date(2026, 3, 20))
    assert after == {datetime.date(2026, 3, 12): 1}
    user_id, what, date = reminders()[-1]
    assert user_id == officer.user_id
    assert what == f"ответ заявителя на запрос уточнения по заявлению № {asked.number}"
    assert date.startswith("11.03.2026 (срок истёк")
    event = OutboxEvent.objects.filter(name="notify").order_by("occurred_at").last()
    assert event.payload["payload"]["url"] == f"/desk/applications/{asked.number}/"


def test_nobody_hears_of_the_expiry_while_nobody_is_assigned_then_the_assignee_does(
    asked, agency, officer
):
    Application.objects.filter(pk=asked.pk).update(assigned_officer_id=None)
    assert every_day(datetime.date(2026, 3, 12), datetime.date(2026, 3, 13)) == {}
    head = OfficerFactory(agency=agency, role="head")
    with on(datetime.date(2026, 3, 16)):
        services.assign(application=asked, head=head, officer_id=officer.pk)
        assert send_due_reminders() == 1
    assert reminders()[-1][0] == officer.user_id


def test_no_clarification_reminders_once_answered(asked, citizen, officer):
    with on(TUESDAY, 12):
        services.resubmit(application=asked, answers={"last_name": "Петров"}, actor=citizen)
    every_day(TUESDAY, datetime.date(2026, 3, 16))
    # Only the officer's: the resubmission is due on Wednesday 11 March, decision to make.
    assert reminders() == [
        (officer.user_id, f"решение по заявлению № {asked.number}", "11.03.2026")
    ]


def test_no_reminders_once_refused(asked, officer):
    with on(TUESDAY, 12):
        services.reject(application=asked, officer=officer, reason="Нет оснований")
    assert every_day(TUESDAY, datetime.date(2026, 3, 16)) == {}


def test_no_two_days_notice_on_the_day_of_a_short_request(working, officer, citizen):
    # Thursday 5 March, two working days: Friday 6 and Tuesday 10.
    thursday = datetime.date(2026, 3, 5)
    with on(thursday, 9):
        services.request_clarification(
            application=working, officer=officer, comment="Уточните", days=2
        )
    sent = every_day(thursday, datetime.date(2026, 3, 10))
    assert sent == {FRIDAY: 1, datetime.date(2026, 3, 10): 1}


def test_a_new_request_is_a_new_occasion(asked, citizen, officer):
    every_day(TUESDAY, CLARIFY_DUE)
    with on(CLARIFY_DUE, 16):
        services.resubmit(application=asked, answers={"last_name": "Петров"}, actor=citizen)
        services.take_into_work(application=asked, officer=officer)
        services.request_clarification(
            application=asked, officer=officer, comment="Ещё раз", days=1
        )
    assert every_day(datetime.date(2026, 3, 12), datetime.date(2026, 3, 12)) == {
        datetime.date(2026, 3, 12): 1
    }
    assert DeadlineReminder.objects.filter(application=asked).count() == 3


def test_nothing_is_sent_before_nine_in_the_morning(asked):
    with on(FRIDAY, 8):
        assert send_due_reminders() == 0
    with on(FRIDAY, 9):
        assert send_due_reminders() == 1


# --- the officer's decision deadline (OFF-2) ----------------------------------------------


def test_the_officer_is_reminded_one_working_day_before_the_decision_is_due(working, officer):
    assert working.due_date == DECISION_DUE
    # Friday 6 March: the next working day is Tuesday 10 (the weekend and 9 March are off).
    assert every_day(MONDAY, datetime.date(2026, 3, 12)) == {FRIDAY: 1}
    user_id, what, date = reminders()[0]
    assert (user_id, date) == (officer.user_id, "10.03.2026")
    assert what == f"решение по заявлению № {working.number}"


def test_no_decision_reminder_without_an_assignee_or_after_the_decision(
    submitted, working, officer, service
):
    other = UserFactory(level="standard")
    unassigned = services.submit(
        application=_draft_with_file(service, other),
        answers={"last_name": "Иванов", "birth_date": "1990-02-01", "reason": "lost"},
        actor=other,
    )
    services.approve(application=working, officer=officer)
    assert every_day(MONDAY, datetime.date(2026, 3, 12)) == {}
    assert Application.objects.get(pk=unassigned.pk).due_date == DECISION_DUE


def _draft_with_file(service, user):
    from tests.applications.conftest import PASSPORT_COPY, pdf

    draft = services.start_draft(user=user, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    return draft


# --- only the agency's current staff hear of its applications -----------------------------


def _leave(officer, how: str) -> None:
    """The assigned officer is switched off, moves to another agency or loses the account."""
    if how == "switched_off":
        officer.is_active = False
        officer.save(update_fields=["is_active"])
    elif how == "moved":
        officer.agency = AgencyFactory()
        officer.save(update_fields=["agency"])
    else:
        officer.user.is_active = False
        officer.user.save(update_fields=["is_active"])


LEFT = ["switched_off", "moved", "account_off"]


@pytest.mark.parametrize("how", LEFT)
def test_an_officer_who_left_is_not_reminded_of_the_decision(working, officer, how):
    _leave(officer, how)
    assert every_day(MONDAY, datetime.date(2026, 3, 12)) == {}
    assert reminders() == []


@pytest.mark.parametrize("how", LEFT)
def test_an_officer_who_left_does_not_hear_that_the_deadline_passed(asked, citizen, officer, how):
    every_day(TUESDAY, CLARIFY_DUE)  # the applicant's two reminders
    _leave(officer, how)
    assert every_day(datetime.date(2026, 3, 12), datetime.date(2026, 3, 20)) == {}
    assert [user_id for user_id, _what, _date in reminders()] == [citizen.pk, citizen.pk]


def test_the_current_officer_is_still_reminded_beside_one_who_left(
    working, officer, agency, service
):
    colleague = OfficerFactory(agency=agency, role="officer")
    other = UserFactory(level="standard")
    theirs = services.submit(
        application=_draft_with_file(service, other),
        answers={"last_name": "Иванов", "birth_date": "1990-02-01", "reason": "lost"},
        actor=other,
    )
    services.take_into_work(application=theirs, officer=colleague)
    _leave(officer, "switched_off")
    assert every_day(MONDAY, datetime.date(2026, 3, 12)) == {FRIDAY: 1}
    assert reminders() == [
        (colleague.user_id, f"решение по заявлению № {theirs.number}", "10.03.2026")
    ]


def test_concurrent_runs_send_each_reminder_once(working):
    from gosportal.applications import reminders as module

    with on(FRIDAY):
        due = module.decision_reminders(Application.objects.get(pk=working.pk), FRIDAY)
        assert module._send(due[0]) == 1
        assert module._send(due[0]) == 0  # the unique constraint, not the pre-check
    assert len(reminders()) == 1


def test_the_scheduler_runs_the_task_hourly():
    assert Job(TASK, every_seconds=3600) in JOBS


@pytest.mark.django_db(transaction=True)
def test_the_task_runs_through_the_worker_and_reaches_the_inbox(run_tasks, asked, citizen):
    from gosportal.notifications.defaults import default_templates
    from gosportal.notifications.models import Notification, NotificationTemplate

    for row in default_templates():  # a transactional test's flush removes migration data
        NotificationTemplate.objects.get_or_create(
            event_type=row["event_type"], channel=row["channel"], defaults=row
        )
    with on(FRIDAY):
        assert Scheduler([Job(TASK, every_seconds=3600)]).tick(now=0.0) == [TASK]
        run_tasks()  # the reminders task, then the outbox drain it triggers
    notice = Notification.objects.get(user=citizen, event_type="deadline_approaching")
    assert notice.title == (
        f"Срок: ответ на запрос уточнения по заявлению № {asked.number} до 11.03.2026"
    )

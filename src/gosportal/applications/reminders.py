"""Deadline reminders of applications (NOT-3 «Приближается срок»; OFF-2, OFF-3).

A periodic task calls ``send_due_reminders``. It tells

* the applicant, while the agency waits for a clarification: two working days before
  ``clarification_due`` (not when the request came that same day) and on that last day;
* the assigned officer, once the clarification deadline has passed unanswered, that the
  application may now be refused for it (nothing is sent while nobody is assigned);
* the assigned officer, one working day before the application's ``due_date``, while
  the agency still owes the decision.

Each reminder goes out once per occasion: a ``DeadlineReminder`` row under a unique
constraint, written in the same transaction as the notification's outbox event, so
running the task more often, or twice at once, sends nothing twice. The occasion
carries the deadline (and the submission version or the officer), so a new request or
a new deadline is a new occasion. Reminders go out from ``SEND_FROM`` local time, so
nobody is woken by an SMS at midnight when the hourly job first sees a new day.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.applications.models import Application, DeadlineReminder, Status
from gosportal.catalog.models import Officer
from gosportal.core.calendar import add_working_days, next_working_day, working_days_between
from gosportal.core.notify import notify

NOTICE_TYPE = "deadline_approaching"
SEND_FROM = datetime.time(9, 0)
BATCH_SIZE = 500

# The applicant: two working days before the clarification deadline, and on that day.
CLARIFY_NOTICE_DAYS = 2
CLARIFY_SOON = "clarify_soon"
CLARIFY_LAST_DAY = "clarify_last_day"
# The assigned officer: the clarification deadline passed without an answer.
CLARIFY_EXPIRED = "clarify_expired"
# The assigned officer: one working day before the decision is due (OFF-2).
DECISION_SOON = "decision_soon"
# Where the decision is the agency's to make by ``due_date``.
AWAITING_AGENCY = (Status.SUBMITTED, Status.ACCEPTED, Status.RESUBMITTED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class Due:
    application_id: int
    kind: str
    occasion: str
    user_id: int
    payload: dict
    # For an officer's reminder: the agency they must still serve to receive it.
    agency_id: int | None = None


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    """Send every reminder due now and not sent before; returns how many were sent."""
    now = timezone.localtime(now)
    if now.time() < SEND_FROM:
        return 0
    today = now.date()
    sent = 0
    for batch in _batches(_clarifications(today)):
        sent += _send_new([r for a in batch for r in clarification_reminders(a, today)])
    for batch in _batches(_decisions(today)):
        sent += _send_new([r for a in batch for r in decision_reminders(a, today)])
    return sent


def _clarifications(today: datetime.date):
    """Waiting for an answer, the deadline within two working days or already past."""
    return Application.objects.filter(
        status=Status.CLARIFICATION,
        clarification_due__isnull=False,
        clarification_due__lte=add_working_days(today, CLARIFY_NOTICE_DAYS),
    ).annotate(requested_at=Max("changes__at", filter=Q(changes__to_status=Status.CLARIFICATION)))


def _decisions(today: datetime.date):
    """Assigned, still the agency's to decide, due on the next working day."""
    return Application.objects.filter(
        status__in=AWAITING_AGENCY,
        assigned_officer_id__isnull=False,
        due_date__gt=today,
        due_date__lte=next_working_day(today),
    )


def _batches(rows):
    rows = rows.select_related("service").order_by("pk")
    last_pk = 0
    while batch := list(rows.filter(pk__gt=last_pk)[:BATCH_SIZE]):
        yield batch
        last_pk = batch[-1].pk


def _payload(application: Application, *, what: str, date: str, url: str) -> dict:
    return {
        "what": what,
        "date": date,
        "url": url,
        "application_number": application.number,
        "service": application.service.title,
    }


def _card_url(application: Application) -> str:
    return reverse("applications:detail", kwargs={"ref": application.ref})


def _desk_url(application: Application) -> str:
    return reverse("backoffice:application", kwargs={"number": application.number})


def clarification_reminders(application: Application, today: datetime.date) -> list[Due]:
    """The reminders about ``application``'s clarification deadline due on ``today``."""
    due = application.clarification_due
    if application.status != Status.CLARIFICATION or due is None:
        return []
    occasion = f"{due:%Y-%m-%d}/v{application.version}"
    date = due.strftime("%d.%m.%Y")
    number = application.number
    if due < today:
        if application.assigned_officer_id is None:
            return []
        what = _("ответ заявителя на запрос уточнения по заявлению № %(number)s") % {
            "number": number
        }
        expired = _("%(date)s (срок истёк, можно отказать за непредставление уточнений)") % {
            "date": date
        }
        return [
            Due(
                application.pk,
                CLARIFY_EXPIRED,
                occasion,
                application.assigned_officer_id,
                _payload(application, what=what, date=expired, url=_desk_url(application)),
                agency_id=application.agency_id,
            )
        ]
    if due == today:
        what = _("ответ на запрос уточнения по заявлению № %(number)s (сегодня последний день)")
        kind = CLARIFY_LAST_DAY
    else:
        requested_at = getattr(application, "requested_at", None)
        if requested_at is not None and timezone.localdate(requested_at) >= today:
            return []  # the request itself named the date today
        if working_days_between(today, due) > CLARIFY_NOTICE_DAYS:
            return []
        what = _("ответ на запрос уточнения по заявлению № %(number)s")
        kind = CLARIFY_SOON
    return [
        Due(
            application.pk,
            kind,
            occasion,
            application.applicant_id,
            _payload(
                application,
                what=what % {"number": number},
                date=date,
                url=_card_url(application),
            ),
        )
    ]


def decision_reminders(application: Application, today: datetime.date) -> list[Due]:
    """The assigned officer's reminder that the decision is due on the next working day."""
    due = application.due_date
    officer_id = application.assigned_officer_id
    if (
        application.status not in AWAITING_AGENCY
        or officer_id is None
        or due is None
        or not today < due <= next_working_day(today)
    ):
        return []
    what = _("решение по заявлению № %(number)s") % {"number": application.number}
    return [
        Due(
            application.pk,
            DECISION_SOON,
            f"{due:%Y-%m-%d}/{officer_id}",
            officer_id,
            _payload(
                application, what=what, date=due.strftime("%d.%m.%Y"), url=_desk_url(application)
            ),
            agency_id=application.agency_id,
        )
    ]


def _send_new(due: list[Due]) -> int:
    """Send those of ``due`` not recorded as sent; returns how many went out."""
    due = _to_current_staff(due)
    if not due:
        return 0
    already = set(
        DeadlineReminder.objects.filter(
            application_id__in={d.application_id for d in due}
        ).values_list("application_id", "kind", "occasion")
    )
    return sum(
        _send(reminder)
        for reminder in due
        if (reminder.application_id, reminder.kind, reminder.occasion) not in already
    )


def _to_current_staff(due: list[Due]) -> list[Due]:
    """Drop officers' reminders when the officer has left the agency or was switched
    off: application numbers go to the agency's current staff only."""
    asked = {d.user_id for d in due if d.agency_id is not None}
    if not asked:
        return due
    serving = set(
        Officer.objects.filter(user_id__in=asked, is_active=True, user__is_active=True).values_list(
            "user_id", "agency_id"
        )
    )
    return [d for d in due if d.agency_id is None or (d.user_id, d.agency_id) in serving]


def _send(reminder: Due) -> int:
    """Record and send one reminder; 0 when a concurrent run has just sent it."""
    try:
        with transaction.atomic():
            DeadlineReminder.objects.create(
                application_id=reminder.application_id,
                kind=reminder.kind,
                occasion=reminder.occasion,
            )
            notify(reminder.user_id, NOTICE_TYPE, **reminder.payload)
    except IntegrityError:
        return 0
    return 1

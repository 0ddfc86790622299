"""The agency's writers of applications (OFF-2, OFF-3): scope, roles, the lifecycle table,
stored effects and the applicant's notification."""

import datetime

import pytest
import time_machine

from gosportal.applications import selectors, services
from gosportal.applications.models import Application, Status
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gosportal.core.models import AuditEvent, OutboxEvent
from tests.applications.conftest import PASSPORT_COPY, pdf
from tests.factories import OfficerFactory
from tests.notifications.helpers import told

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(agency):
    return OfficerFactory(agency=agency, role="officer")


@pytest.fixture
def working(submitted, officer):
    return services.take_into_work(application=submitted, officer=officer)


def _notified_statuses(user_id) -> set[str]:
    """The statuses the applicant was told of («…: <status>.»), from the outbox's events."""
    return {n.text.rsplit(": ", 1)[1].rstrip(".") for n in told(user_id, "status_changed")}


def test_taking_into_work_records_accepted_then_in_progress_and_audits(submitted, officer):
    application = services.take_into_work(application=submitted, officer=officer)
    assert application.status == Status.IN_PROGRESS
    stored = Application.objects.get(pk=submitted.pk)
    assert stored.assigned_officer_id == officer.user_id and stored.work_started_at
    assert list(stored.changes.values_list("to_status", flat=True)) == [
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
    ]
    assert AuditEvent.objects.filter(action="application.assigned", object_id=str(stored.pk))
    assert {"Принято ведомством", "В работе"} <= _notified_statuses(submitted.applicant_id)


def test_a_resubmitted_application_goes_straight_to_work(submitted, officer):
    Application.objects.filter(pk=submitted.pk).update(status=Status.RESUBMITTED)
    services.take_into_work(application=submitted, officer=officer)
    stored = Application.objects.get(pk=submitted.pk)
    assert stored.status == Status.IN_PROGRESS
    assert stored.changes.last().from_status == Status.RESUBMITTED


def test_another_agencys_officer_finds_nothing(submitted):
    stranger = OfficerFactory(role="head")
    with pytest.raises(NotFound):
        services.take_into_work(application=submitted, officer=stranger)
    with pytest.raises(NotFound):
        services.reject(application=submitted, officer=stranger, reason="Нет")
    with pytest.raises(NotFound):
        selectors.agency_application(stranger.agency, submitted.number)
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_the_administrator_may_not_decide(submitted, agency):
    admin = OfficerFactory(agency=agency, role="administrator")
    with pytest.raises(Forbidden):
        services.take_into_work(application=submitted, officer=admin)


def test_only_the_head_assigns_and_only_within_the_agency(submitted, agency, officer):
    head = OfficerFactory(agency=agency, role="head")
    with pytest.raises(Forbidden):
        services.assign(application=submitted, head=officer, officer_id=officer.pk)
    with pytest.raises(InvalidInput):
        services.assign(application=submitted, head=head, officer_id=OfficerFactory().pk)
    services.assign(application=submitted, head=head, officer_id=officer.pk)
    assert Application.objects.get(pk=submitted.pk).assigned_officer_id == officer.user_id


def test_a_decided_application_cannot_be_reassigned(submitted, agency, officer):
    head = OfficerFactory(agency=agency, role="head")
    services.reject(application=submitted, officer=officer, reason="Нет оснований")
    with pytest.raises(Conflict):
        services.assign(application=submitted, head=head, officer_id=officer.pk)


@time_machine.travel(datetime.datetime(2026, 3, 6, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_clarification_deadline_counts_working_days(working, officer):
    # Friday 6 March 2026; Monday 9 March is a holiday (8 March moved), so 2 working
    # days end on Wednesday 11 March.
    change = services.request_clarification(
        application=working, officer=officer, comment="Уточните доход", days=2
    )
    assert change.to_status == Status.CLARIFICATION and change.visible_to_applicant
    assert "Уточните доход" in change.comment and "11.03.2026" in change.comment
    assert Application.objects.get(pk=working.pk).clarification_due == datetime.date(2026, 3, 11)
    [event] = [
        e
        for e in OutboxEvent.objects.filter(name="applications.status_changed")
        if e.payload["to_status"] == Status.CLARIFICATION
    ]
    assert event.payload["clarification_due"] == "2026-03-11"
    [notice] = told(working.applicant_id, "clarification_requested")
    assert "Уточните доход" in notice.text
    sms = notice.deliveries.get(channel="sms")  # NOT-3: SMS by default
    assert "ведомство просит уточнить заявление" in sms.body


@pytest.mark.parametrize(
    ("comment", "days", "field"),
    [("", 3, "comment"), ("Уточните", 0, "days"), ("Уточните", "x", "days"), ("Ок", 31, "days")],
)
def test_a_clarification_needs_a_comment_and_a_sensible_deadline(
    working, officer, comment, days, field
):
    with pytest.raises(InvalidInput) as error:
        services.request_clarification(
            application=working, officer=officer, comment=comment, days=days
        )
    assert error.value.field == field
    assert Application.objects.get(pk=working.pk).status == Status.IN_PROGRESS


def test_a_clarification_before_work_is_refused(submitted, officer):
    with pytest.raises(Conflict):
        services.request_clarification(
            application=submitted, officer=officer, comment="Уточните", days=3
        )


def test_rejection_stores_the_reason_with_appeal_rights(submitted, officer):
    change = services.reject(application=submitted, officer=officer, reason="Доход выше порога")
    assert change.comment.startswith("Доход выше порога") and "обжаловать" in change.comment
    stored = Application.objects.get(pk=submitted.pk)
    assert stored.status == Status.REJECTED and stored.decided_at is not None
    with pytest.raises(InvalidInput):
        services.reject(application=submitted, officer=officer, reason="   ")


def test_approval_needs_work_to_have_started(submitted, officer, working):
    change = services.approve(application=working, officer=officer)
    assert change.to_status == Status.APPROVED
    with pytest.raises(Conflict):
        services.approve(application=working, officer=officer)


def test_the_queue_is_scoped_and_ordered_by_deadline(submitted, agency, officer):
    Application.objects.filter(pk=submitted.pk).update(due_date=datetime.date(2026, 1, 10))
    rows = selectors.agency_queue(agency, overdue=True, today=datetime.date(2026, 1, 12))
    assert [a.pk for a in rows] == [submitted.pk]
    assert not selectors.agency_queue(OfficerFactory().agency).exists()


# --- nobody decides on their own application ---------------------------------------------


def _applied_by(user, service) -> Application:
    """An application ``user`` (here a civil servant of the agency) submitted themselves."""
    draft = services.start_draft(user=user, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    answers = {"last_name": "Волков", "birth_date": "1985-05-05", "reason": "lost"}
    return services.submit(application=draft, answers=answers, actor=user)


@pytest.mark.parametrize("role", ["officer", "head", "appeal_officer"])
def test_an_officer_may_not_take_their_own_application_into_work(agency, service, role):
    own = OfficerFactory(agency=agency, role=role)
    application = _applied_by(own.user, service)
    with pytest.raises(Forbidden) as refused:
        services.take_into_work(application=application, officer=own)
    assert refused.value.code == "own_application"
    assert "ваше собственное заявление" in str(refused.value)
    stored = Application.objects.get(pk=application.pk)
    assert stored.status == Status.SUBMITTED and stored.assigned_officer_id is None


@pytest.mark.parametrize("action", ["approve", "reject", "clarify", "ready"])
def test_an_officer_may_not_decide_their_own_application_taken_by_a_colleague(
    agency, service, officer, action
):
    own = OfficerFactory(agency=agency, role="officer")
    application = services.take_into_work(
        application=_applied_by(own.user, service), officer=officer
    )
    if action == "ready":
        services.approve(application=application, officer=officer)
    before = Application.objects.get(pk=application.pk).status
    decide = {
        "approve": lambda: services.approve(application=application, officer=own),
        "reject": lambda: services.reject(application=application, officer=own, reason="Нет"),
        "clarify": lambda: services.request_clarification(
            application=application, officer=own, comment="Уточните", days=3
        ),
        "ready": lambda: services.mark_ready(
            application=application, officer=own, comment="Окно 3"
        ),
    }[action]
    with pytest.raises(Forbidden) as refused:
        decide()
    assert refused.value.code == "own_application"
    assert Application.objects.get(pk=application.pk).status == before


def test_the_head_may_not_assign_an_application_to_its_applicant(agency, service, officer):
    head = OfficerFactory(agency=agency, role="head")
    own = OfficerFactory(agency=agency, role="officer")
    application = _applied_by(own.user, service)
    with pytest.raises(InvalidInput) as refused:
        services.assign(application=application, head=head, officer_id=own.pk)
    assert refused.value.field == "officer"
    assert Application.objects.get(pk=application.pk).assigned_officer_id is None
    services.assign(application=application, head=head, officer_id=officer.pk)
    assert Application.objects.get(pk=application.pk).assigned_officer_id == officer.user_id


def test_the_head_may_not_assign_their_own_application(agency, service, officer):
    head = OfficerFactory(agency=agency, role="head")
    application = _applied_by(head.user, service)
    with pytest.raises(Forbidden) as refused:
        services.assign(application=application, head=head, officer_id=officer.pk)
    assert refused.value.code == "own_application"
    assert Application.objects.get(pk=application.pk).assigned_officer_id is None

"""Lifecycle, numbers, deadlines and windows of applications (APP-3, APP-4, APP-7, APP-8)."""

import datetime
import itertools
import json

import pytest
import time_machine
from django.utils import timezone

from gosportal.applications import services
from gosportal.applications.models import Application, Status, StatusChange
from gosportal.core import vault
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.notifications.models import Notification
from tests.applications.conftest import PASSPORT_COPY, PHOTO, pdf, png
from tests.factories import ServiceFactory, UserFactory
from tests.notifications.helpers import told

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(Status.values, Status.values))


def _make(status: str, *, citizen, service, work_started=False) -> Application:
    application = Application.objects.create(
        applicant=citizen,
        service=service,
        agency=service.agency,
        status=status,
        number="" if status == Status.DRAFT else f"T-{Application.objects.count() + 1}",
        work_started_at=timezone.now() if work_started else None,
        cancelled_from=Status.SUBMITTED if status == Status.CANCELLED else "",
    )
    return application


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
@pytest.mark.parametrize("by", [services.APPLICANT, services.AGENCY])
def test_transition_table_allows_exactly_its_pairs(current, target, by, citizen, service):
    # APP-8: the most permissive cancellation policy, so the table alone decides.
    service.cancellation_policy = "while_active"
    service.save(update_fields=["cancellation_policy"])
    application = _make(current, citizen=citizen, service=service)
    allowed = services.TRANSITIONS.get((current, target)) == by
    if allowed:
        services.check_transition(application, target, by=by)
    else:
        with pytest.raises(Conflict) as refused:
            services.check_transition(application, target, by=by)
        assert str(refused.value)  # a Russian message for the person


@pytest.mark.parametrize(
    ("current", "target"),
    [(s, Status.CANCELLED) for s in sorted(services.BEFORE_WORK)]
    + [(s, Status.RESUBMITTED) for s in sorted(services.BEFORE_WORK)],
)
def test_applicant_cannot_cancel_or_edit_once_work_started(current, target, citizen, service):
    application = _make(current, citizen=citizen, service=service, work_started=True)
    with pytest.raises(Conflict, match="ведомство начало работу"):
        services.check_transition(application, target, by=services.APPLICANT)


def test_every_transition_is_recorded_audited_and_notified(submitted, citizen):
    officer = UserFactory(kind="civil_servant")
    services.change_status(
        submitted, Status.ACCEPTED, actor=officer, by=services.AGENCY, comment="Принято"
    )
    change = StatusChange.objects.filter(application=submitted).latest("id")
    assert (change.from_status, change.to_status, change.actor_id, change.comment) == (
        Status.SUBMITTED,
        Status.ACCEPTED,
        officer.pk,
        "Принято",
    )
    assert AuditEvent.objects.filter(action="application.status", object_id=str(submitted.pk))
    event = OutboxEvent.objects.filter(name="applications.status_changed").latest("occurred_at")
    assert event.payload["applicant_id"] == citizen.pk
    assert (event.payload["from_status"], event.payload["to_status"]) == ("submitted", "accepted")
    assert event.payload["number"] == submitted.number
    notice = told(citizen.pk, "status_changed")[-1]
    assert "Принято ведомством" in notice.text and submitted.number in notice.text


def test_hidden_transition_is_recorded_but_not_notified(submitted):
    told(submitted.applicant_id, "status_changed")  # whatever the submission said
    before = Notification.objects.filter(user_id=submitted.applicant_id).count()
    services.change_status(
        submitted, Status.ACCEPTED, actor=None, by=services.AGENCY, visible_to_applicant=False
    )
    event = OutboxEvent.objects.filter(name="applications.status_changed").latest("occurred_at")
    assert event.payload["visible_to_applicant"] is False  # other listeners still hear of it
    assert told(submitted.applicant_id, "status_changed") == []
    assert Notification.objects.filter(user_id=submitted.applicant_id).count() == before
    assert not StatusChange.objects.get(to_status=Status.ACCEPTED).visible_to_applicant


def test_refused_transition_changes_nothing(submitted, citizen):
    with pytest.raises(Conflict, match="нельзя перевести"):
        services.change_status(submitted, Status.APPROVED, actor=citizen, by=services.APPLICANT)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


# --- drafts and attachments ---------------------------------------------------------------


def test_start_draft_reopens_the_open_draft(citizen, service):
    first = services.start_draft(user=citizen, service=service)
    again = services.start_draft(user=citizen, service=service)
    assert first.pk == again.pk
    assert first.status == Status.DRAFT and first.number == ""


def test_start_draft_refuses_a_low_level_account(service):
    with pytest.raises(Forbidden):
        services.start_draft(user=UserFactory(level="simplified"), service=service)


def test_start_draft_refuses_a_kind_of_applicant_the_service_does_not_serve(citizen):
    only_companies = ServiceFactory(for_individuals=False, for_organizations=True)
    with pytest.raises(Forbidden, match="заявители вашего типа"):
        services.start_draft(user=citizen, service=only_companies)


def test_draft_answers_are_stored_encrypted(draft):
    services.save_draft(application=draft, raw={"last_name": "Петров"})
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM applications_application WHERE id = %s", [draft.pk])
        stored = cursor.fetchone()[0]
    assert "Петров" not in stored
    draft.refresh_from_db()
    assert draft.answers == {"last_name": "Петров"}


def test_attachment_is_kept_encrypted_in_the_vault(draft):
    attachment = services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    assert attachment.kind == "pdf" and attachment.name == "паспорт.pdf"
    raw = vault.raw(attachment.vault_name)
    assert b"%PDF" not in raw
    assert services.read_attachment(attachment).startswith(b"%PDF")


def test_attachment_of_a_format_the_document_does_not_take_is_refused(draft):
    with pytest.raises(InvalidInput, match="JPEG или PNG"):
        services.add_attachment(application=draft, document=PHOTO, upload=pdf())
    assert not draft.attachments.exists()


def test_attachment_over_ten_megabytes_is_refused(draft, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(InvalidInput, match="не больше 10 МБ"):
        services.add_attachment(application=draft, document=PASSPORT_COPY, upload=big)


def test_attachment_for_an_unknown_document_is_refused(draft):
    with pytest.raises(InvalidInput):
        services.add_attachment(application=draft, document="Чужой документ", upload=png())


def test_several_files_per_document_and_delete_before_submission(
    draft, django_capture_on_commit_callbacks
):
    first = services.add_attachment(application=draft, document=PHOTO, upload=png("a.png"))
    services.add_attachment(application=draft, document=PHOTO, upload=png("b.png"))
    assert draft.attachments.filter(document=PHOTO).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(application=draft, attachment_id=first.pk)
    assert list(draft.attachments.values_list("name", flat=True)) == ["b.png"]
    assert not vault.exists(first.vault_name)


def test_files_per_document_are_limited(draft, monkeypatch):
    monkeypatch.setattr(services, "FILES_PER_DOCUMENT", 2)
    services.add_attachment(application=draft, document=PHOTO, upload=png("a.png"))
    services.add_attachment(application=draft, document=PHOTO, upload=png("b.png"))
    with pytest.raises(InvalidInput) as refused:
        services.add_attachment(application=draft, document=PHOTO, upload=png("c.png"))
    assert refused.value.field == PHOTO
    assert str(refused.value) == f"{PHOTO}: не более 2 файлов. Удалите лишние."
    assert sorted(draft.attachments.values_list("name", flat=True)) == ["a.png", "b.png"]
    # Another document has its own allowance.
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    assert draft.attachments.count() == 3


def test_the_limit_counts_only_files_waiting_to_be_sent(submitted, monkeypatch):
    monkeypatch.setattr(services, "FILES_PER_DOCUMENT", 1)
    assert submitted.attachments.get(document=PASSPORT_COPY).version == 1  # already sent
    services.add_attachment(application=submitted, document=PASSPORT_COPY, upload=pdf())
    with pytest.raises(InvalidInput):
        services.add_attachment(application=submitted, document=PASSPORT_COPY, upload=pdf())
    assert submitted.attachments.filter(document=PASSPORT_COPY).count() == 2


def test_uploads_per_person_are_rate_limited(draft, monkeypatch):
    from gosportal.core.errors import RateLimited

    monkeypatch.setattr(services, "FILES_RATE", "2/h")
    services.add_attachment(application=draft, document=PHOTO, upload=png("a.png"))
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    with pytest.raises(RateLimited):
        services.add_attachment(application=draft, document=PHOTO, upload=png("b.png"))
    assert draft.attachments.count() == 2


def test_submitted_files_cannot_be_deleted(submitted):
    attachment = submitted.attachments.get()
    with pytest.raises(NotFound):
        services.delete_attachment(application=submitted, attachment_id=attachment.pk)


# --- submission ---------------------------------------------------------------------------


def test_submission_gives_number_due_date_version_and_notice(submitted, citizen):
    year = timezone.localdate().year
    assert submitted.number == f"MVD-{year}-000001"
    assert submitted.status == Status.SUBMITTED
    assert submitted.versions.get().answers["last_name"] == "Петров"
    assert submitted.attachments.get().version == 1
    event = OutboxEvent.objects.filter(name="applications.status_changed").latest("occurred_at")
    assert event.payload["to_status"] == Status.SUBMITTED
    assert [n.title for n in told(citizen.pk, "application_submitted")] == [
        f"Заявление {submitted.number} отправлено"
    ]


def test_numbers_run_per_agency_and_year(citizen, service, agency):
    other = ServiceFactory(agency=agency)
    numbers = []
    for svc in (service, other):
        draft = services.start_draft(user=citizen, service=svc)
        services.submit(application=draft, answers={}, actor=citizen)
        draft.refresh_from_db()
        numbers.append(draft.number)
    year = timezone.localdate().year
    assert numbers == [f"MVD-{year}-000001", f"MVD-{year}-000002"]
    with time_machine.travel(datetime.datetime(year + 1, 1, 12, 9, tzinfo=datetime.UTC)):
        draft = services.start_draft(user=UserFactory(level="standard"), service=service)
        services.submit(application=draft, answers={}, actor=draft.applicant)
    draft.refresh_from_db()
    assert draft.number == f"MVD-{year + 1}-000001"


@time_machine.travel(datetime.datetime(2026, 6, 10, 9, tzinfo=datetime.UTC), tick=False)
def test_expected_date_counts_working_days_across_a_holiday(citizen, service):
    # 10.06.2026 is a Wednesday; 12.06 (Russia Day) and the weekend are not working days.
    draft = services.start_draft(user=citizen, service=service)
    services.submit(application=draft, answers={}, actor=citizen)
    draft.refresh_from_db()
    assert draft.due_date == datetime.date(2026, 6, 18)


def test_a_submitted_application_cannot_be_submitted_again(submitted, citizen):
    with pytest.raises(Conflict):
        services.submit(application=submitted, answers={}, actor=citizen)


# --- edit and resubmit (APP-7) ------------------------------------------------------------


def test_resubmitted_after_edit_before_work_starts_keeps_the_previous_version(submitted, citizen):
    services.save_draft(application=submitted, raw={"last_name": "Иванов"})
    services.resubmit(
        application=submitted,
        answers={"last_name": "Иванов", "birth_date": "1990-02-01", "reason": "age"},
        actor=citizen,
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.RESUBMITTED
    versions = {v.number: v.answers["last_name"] for v in submitted.versions.all()}
    assert versions == {1: "Петров", 2: "Иванов"}


def test_no_edit_once_the_agency_started_work(submitted, citizen):
    services.change_status(submitted, Status.ACCEPTED, actor=None, by=services.AGENCY)
    services.change_status(submitted, Status.IN_PROGRESS, actor=None, by=services.AGENCY)
    with pytest.raises(Conflict, match="начало работу"):
        services.save_draft(application=submitted, raw={"last_name": "Иванов"})
    with pytest.raises(Conflict, match="начало работу"):
        services.resubmit(application=submitted, answers={}, actor=citizen)


def test_answer_to_a_clarification_is_a_resubmission(submitted, citizen):
    for status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.CLARIFICATION):
        services.change_status(submitted, status, actor=None, by=services.AGENCY)
    services.save_draft(application=submitted, raw={"last_name": "Петров"})
    services.resubmit(application=submitted, answers={"last_name": "Петров"}, actor=citizen)
    submitted.refresh_from_db()
    assert submitted.status == Status.RESUBMITTED and submitted.version == 2


# --- cancel and restore (APP-8) -----------------------------------------------------------


def test_cancel_and_restore_within_thirty_days(submitted, citizen):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.change_status(submitted, Status.ACCEPTED, actor=None, by=services.AGENCY)
        services.cancel(application=submitted, actor=citizen, reason="Передумал")
    with time_machine.travel(start + datetime.timedelta(days=29, hours=23), tick=False):
        services.restore(application=submitted, actor=citizen)
    submitted.refresh_from_db()
    assert submitted.status == Status.ACCEPTED
    assert submitted.cancelled_at is None


def test_restore_after_thirty_days_is_refused(submitted, citizen):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.cancel(application=submitted, actor=citizen)
    later = start + datetime.timedelta(days=30, seconds=1)
    with (
        time_machine.travel(later, tick=False),
        pytest.raises(Conflict, match="больше 30 дней"),
    ):
        services.restore(application=submitted, actor=citizen)
    submitted.refresh_from_db()
    assert submitted.status == Status.CANCELLED


def test_restore_of_an_application_that_is_not_cancelled_is_refused(submitted, citizen):
    with pytest.raises(Conflict):
        services.restore(application=submitted, actor=citizen)


def test_cancel_is_refused_once_work_started(submitted, citizen):
    services.change_status(submitted, Status.ACCEPTED, actor=None, by=services.AGENCY)
    services.change_status(submitted, Status.IN_PROGRESS, actor=None, by=services.AGENCY)
    with pytest.raises(Conflict, match="Отменить заявление уже нельзя"):
        services.cancel(application=submitted, actor=citizen)


def test_save_draft_keeps_invalid_input_as_typed(draft):
    services.save_draft(application=draft, raw={"birth_date": "31.02.19"})
    draft.refresh_from_db()
    assert json.loads(draft.data) == {"birth_date": "31.02.19"}


def test_export_lists_the_applications_and_deletion_erases_drafts_only(
    submitted, citizen, service, django_capture_on_commit_callbacks
):
    from gosportal.applications.export import applications_part, erase_drafts

    draft = services.start_draft(user=citizen, service=service)
    photo = services.add_attachment(application=draft, document=PHOTO, upload=png())
    services.save_template(user=citizen, application=submitted, name="Шаблон")
    exported = applications_part(citizen)
    assert [row["number"] for row in exported["applications"]] == [submitted.number, ""]
    assert exported["applications"][0]["answers"]["last_name"] == "Петров"
    assert exported["templates"][0]["name"] == "Шаблон"
    with django_capture_on_commit_callbacks(execute=True):
        erase_drafts(citizen)
    assert list(Application.objects.filter(applicant=citizen)) == [submitted]
    assert not citizen.application_templates.exists()
    assert not vault.exists(photo.vault_name)


def test_submission_is_refused_when_the_level_dropped_or_the_service_closed(draft, citizen):
    citizen.level = "simplified"
    citizen.save(update_fields=["level"])
    with pytest.raises(Forbidden):
        services.submit(application=draft, answers={}, actor=citizen)
    citizen.level = "standard"
    citizen.save(update_fields=["level"])
    draft.service.availability = "unavailable"
    draft.service.save(update_fields=["availability"])
    with pytest.raises(Conflict, match="недоступна"):
        services.submit(application=draft, answers={}, actor=citizen)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number == ""

"""The agency's application desk (OFF-1 … OFF-3): only the agency's own officers see its
queue and applications; each decision goes through the lifecycle table and reaches the
applicant."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gosportal.applications import services
from gosportal.applications.models import Application, Status, StatusChange
from gosportal.core.models import AuditEvent
from gosportal.documents.models import IssuedDocument
from tests.applications.conftest import PASSPORT_COPY, documents, form_definition, pdf
from tests.conftest import sign_in_as
from tests.factories import (
    AgencyFactory,
    OfficerFactory,
    ServiceFactory,
    UserFactory,
    give_signing_certificate,
)

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 10:00 Moscow: a plain working week around it.
NOW = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def agency():
    return AgencyFactory(slug="minsoc")


@pytest.fixture
def service(agency):
    return ServiceFactory(
        agency=agency,
        title="Пособие на ребёнка",
        form_definition=form_definition(),
        required_documents=documents(),
        processing_days=5,
        min_level="standard",
    )


@pytest.fixture
def citizen():
    return UserFactory(level="standard", display_name="Иван Петров")


def _submit(citizen, service):
    draft = services.start_draft(user=citizen, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    answers = {"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"}
    return services.submit(application=draft, answers=answers, actor=citizen)


@pytest.fixture
def submitted(citizen, service):
    return _submit(citizen, service)


@pytest.fixture
def officer(agency):
    return OfficerFactory(agency=agency, role="officer")


@pytest.fixture
def head(agency):
    return OfficerFactory(agency=agency, role="head")


def _user(who, agency):
    if who == "citizen":
        return UserFactory()
    if who == "other_agency_officer":
        return OfficerFactory(role="head").user
    return OfficerFactory(agency=agency, role=who).user


def _in_progress(application, officer):
    return services.take_into_work(application=application, officer=officer)


ROUTES = [
    ("get", "/desk/applications/"),
    ("get", "/desk/applications/{number}/"),
    ("post", "/desk/applications/{number}/take/"),
    ("post", "/desk/applications/{number}/assign/"),
    ("post", "/desk/applications/{number}/clarify/"),
    ("post", "/desk/applications/{number}/approve/"),
    ("post", "/desk/applications/{number}/reject/"),
    ("get", "/desk/applications/{number}/files/{file}/"),
]


def _path(path, application):
    return path.format(number=application.number, file=application.attachments.first().pk)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, submitted, method, path):
    response = getattr(client, method)(_path(path, submitted))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_citizens_may_not_open_the_desk(client, submitted, method, path):
    sign_in_as(client, UserFactory())
    assert getattr(client, method)(_path(path, submitted)).status_code == 403


@pytest.mark.parametrize(("method", "path"), ROUTES[1:])
def test_another_agencys_officer_does_not_find_the_application(client, submitted, method, path):
    sign_in_as(client, OfficerFactory(role="head").user)
    assert getattr(client, method)(_path(path, submitted)).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.assigned_officer_id is None


@pytest.mark.parametrize("who", ["officer", "head", "appeal_officer", "administrator"])
def test_every_officer_of_the_agency_sees_the_queue_and_the_page(client, agency, submitted, who):
    sign_in_as(client, _user(who, agency))
    queue = client.get("/desk/applications/")
    assert queue.status_code == 200 and submitted.number in queue.content.decode()
    page = client.get(f"/desk/applications/{submitted.number}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Фамилия" in text and "Петров" in text and "паспорт.pdf" in text


def test_the_desk_is_listed_for_officers(client, officer):
    sign_in_as(client, officer.user)
    assert "/desk/applications/" in client.get("/desk/").content.decode()


def test_the_queue_shows_only_the_agencys_applications_past_draft(
    client, officer, submitted, citizen
):
    other_service = ServiceFactory(
        form_definition=form_definition(), required_documents=documents(), min_level="standard"
    )
    theirs = _submit(UserFactory(level="standard"), other_service)
    draft_service = ServiceFactory(
        agency=officer.agency,
        form_definition=form_definition(),
        required_documents=documents(),
        min_level="standard",
    )
    services.start_draft(user=citizen, service=draft_service)
    sign_in_as(client, officer.user)
    rows = client.get("/desk/applications/").context["rows"]
    assert [row["application"].pk for row in rows] == [submitted.pk]
    assert theirs.number not in client.get("/desk/applications/").content.decode()


def test_the_queue_counts_working_days_left_and_marks_overdue(client, officer, service, citizen):
    fresh = _submit(citizen, service)  # due in 5 working days: Monday 9 March 2026
    late = _submit(UserFactory(level="standard"), service)
    Application.objects.filter(pk=late.pk).update(due_date=datetime.date(2026, 2, 27))
    sign_in_as(client, officer.user)
    response = client.get("/desk/applications/")
    rows = {row["application"].pk: row for row in response.context["rows"]}
    assert rows[late.pk]["overdue"] is True
    assert rows[fresh.pk]["overdue"] is False
    assert rows[fresh.pk]["days_left"] == 5
    text = response.content.decode()
    assert "Просрочено" in text and "осталось 5 рабочих дней" in text
    overdue_only = client.get("/desk/applications/?overdue=on").context["rows"]
    assert [row["application"].pk for row in overdue_only] == [late.pk]


def test_the_queue_filters_by_status_service_and_assignee(client, officer, service, citizen):
    mine = _submit(citizen, service)
    _in_progress(mine, officer)
    unassigned = _submit(UserFactory(level="standard"), service)
    sign_in_as(client, officer.user)

    def shown(query):
        return [
            r["application"].pk for r in client.get(f"/desk/applications/?{query}").context["rows"]
        ]

    assert shown("assigned=me") == [mine.pk]
    assert shown("assigned=none") == [unassigned.pk]
    assert shown("status=in_progress") == [mine.pk]
    assert shown(f"service={service.pk}") == sorted([mine.pk, unassigned.pk])
    assert shown("status=nonsense") == sorted([mine.pk, unassigned.pk])  # bad filter: ignored


def test_the_queue_pages_and_its_query_count_does_not_grow(client, officer, service):
    from gosportal.backoffice import application_views

    for _ in range(3):
        _submit(UserFactory(level="standard"), service)
    sign_in_as(client, officer.user)
    client.get("/desk/applications/")  # warm the calendar
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/applications/")
    for _ in range(3):
        _submit(UserFactory(level="standard"), service)
    with CaptureQueriesContext(connection) as more:
        client.get("/desk/applications/")
    assert len(more) == len(few)
    application_views.PAGE_SIZE = 4
    try:
        first = client.get("/desk/applications/")
        second = client.get(first.context["next_url"])
    finally:
        application_views.PAGE_SIZE = application_views.selectors.AGENCY_PAGE_SIZE
    assert len(first.context["rows"]) == 4 and len(second.context["rows"]) == 2
    assert second.context["previous_url"] and not second.context["next_url"]


def test_taking_into_work_assigns_me_and_sets_in_progress(client, officer, submitted):
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{submitted.number}/take/", follow=True)
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_PROGRESS
    assert submitted.assigned_officer_id == officer.user_id
    assert submitted.work_started_at is not None
    moves = list(submitted.changes.values_list("to_status", "actor_id"))
    assert moves[-2:] == [(Status.ACCEPTED, officer.user_id), (Status.IN_PROGRESS, officer.user_id)]
    assert "Заявление взято в работу." in response.content.decode()


def test_taking_a_decided_application_is_refused_with_a_message(client, officer, submitted):
    services.reject(application=submitted, officer=officer, reason="Нет оснований")
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{submitted.number}/take/", follow=True)
    assert "нельзя перевести" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED and submitted.assigned_officer_id is None


def test_taking_my_own_application_into_work_is_refused(client, officer, service):
    own = _submit(officer.user, service)  # civil servants apply for services too
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{own.number}/take/", follow=True)
    assert response.redirect_chain[0][0] == f"/desk/applications/{own.number}/"
    assert "Это ваше собственное заявление" in response.content.decode()
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED and own.assigned_officer_id is None
    assert list(own.changes.values_list("to_status", flat=True)) == [Status.SUBMITTED]


def test_the_head_may_not_assign_an_application_to_its_applicant(client, head, officer, service):
    own = _submit(officer.user, service)
    sign_in_as(client, head.user)
    response = client.post(f"/desk/applications/{own.number}/assign/", {"officer": officer.pk})
    assert response.status_code == 400
    assert "сотрудник не может рассматривать собственное заявление" in response.content.decode()
    own.refresh_from_db()
    assert own.assigned_officer_id is None


def test_the_head_assigns_an_officer_of_the_agency(client, head, officer, submitted):
    sign_in_as(client, head.user)
    response = client.post(
        f"/desk/applications/{submitted.number}/assign/", {"officer": officer.pk}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.assigned_officer_id == officer.user_id


def test_the_head_may_not_assign_another_agencys_officer(client, head, submitted):
    stranger = OfficerFactory()
    sign_in_as(client, head.user)
    response = client.post(
        f"/desk/applications/{submitted.number}/assign/", {"officer": stranger.pk}
    )
    assert response.status_code == 400
    assert "Исполнитель: выберите сотрудника вашего ведомства." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.assigned_officer_id is None


def test_only_the_head_may_assign(client, officer, submitted):
    sign_in_as(client, officer.user)
    response = client.post(
        f"/desk/applications/{submitted.number}/assign/", {"officer": officer.pk}
    )
    assert response.status_code == 403


def test_clarification_is_requested_and_the_applicant_sees_it(client, officer, submitted, citizen):
    _in_progress(submitted, officer)
    sign_in_as(client, officer.user)
    response = client.post(
        f"/desk/applications/{submitted.number}/clarify/",
        {"comment": "Приложите свидетельство о рождении", "days": "3"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.CLARIFICATION
    change = submitted.changes.last()
    assert change.visible_to_applicant and "свидетельство о рождении" in change.comment
    assert "05.03.2026" in change.comment  # 3 working days after Monday 2 March
    client.logout()
    sign_in_as(client, citizen)
    card = client.get(f"/applications/{submitted.number}/").content.decode()
    assert "Требуется уточнение" in card and "Приложите свидетельство о рождении" in card


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comment": "", "days": "3"}, "Что уточнить: опишите, что нужно исправить."),
        ({"comment": "Уточните", "days": "0"}, "Срок ответа: не меньше 1 рабочего дня."),
        ({"comment": "Уточните", "days": "-2"}, "Срок ответа: не меньше 1 рабочего дня."),
        ({"comment": "Уточните", "days": "три"}, "Срок ответа: укажите целое число рабочих дней."),
    ],
)
def test_a_clarification_needs_a_comment_and_a_positive_deadline(
    client, officer, submitted, data, message
):
    _in_progress(submitted, officer)
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{submitted.number}/clarify/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and data["comment"] in text
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_PROGRESS


def test_rejection_needs_a_reason(client, officer, submitted):
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{submitted.number}/reject/", {"reason": " "})
    assert response.status_code == 400
    assert "Причина отказа: укажите причину." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_rejection_tells_the_applicant_the_reason_and_appeal_rights(
    client, officer, submitted, citizen
):
    sign_in_as(client, officer.user)
    response = client.post(
        f"/desk/applications/{submitted.number}/reject/", {"reason": "Доход выше порога"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.REJECTED and submitted.decided_at is not None
    change = StatusChange.objects.filter(application=submitted).last()
    assert change.actor_id == officer.user_id and "Доход выше порога" in change.comment
    client.logout()
    sign_in_as(client, citizen)
    card = client.get(f"/applications/{submitted.number}/").content.decode()
    assert "Доход выше порога" in card and "обжаловать" in card


def test_approval_issues_a_signed_result_document_to_the_applicant(
    client, officer, submitted, citizen
):
    give_signing_certificate(officer.agency)
    _in_progress(submitted, officer)
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{submitted.number}/approve/", follow=True)
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    document = IssuedDocument.objects.get(owner=citizen)
    assert submitted.number in document.title
    assert f"выдан документ № {document.number}" in response.content.decode()


def test_approval_before_work_is_refused_and_issues_nothing(client, officer, submitted, citizen):
    give_signing_certificate(officer.agency)
    sign_in_as(client, officer.user)
    response = client.post(f"/desk/applications/{submitted.number}/approve/", follow=True)
    assert "нельзя перевести" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not IssuedDocument.objects.filter(owner=citizen).exists()


def test_the_administrator_may_look_but_not_decide(client, agency, submitted):
    sign_in_as(client, OfficerFactory(agency=agency, role="administrator").user)
    assert client.post(f"/desk/applications/{submitted.number}/take/").status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    for action in ("clarify", "reject", "approve"):
        assert client.post(f"/desk/applications/{submitted.number}/{action}/").status_code == 403


def test_attachments_are_streamed_without_caching(client, officer, submitted):
    sign_in_as(client, officer.user)
    file = submitted.attachments.first()
    response = client.get(f"/desk/applications/{submitted.number}/files/{file.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")


def test_reading_an_applicants_file_is_recorded_in_the_audit_log(client, officer, submitted):
    sign_in_as(client, officer.user)
    file = submitted.attachments.first()
    assert client.get(f"/desk/applications/{submitted.number}/files/{file.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="application.attachment_viewed")
    assert event.actor_id == officer.user_id
    assert (event.object_type, event.object_id) == ("applications.application", str(submitted.pk))
    assert event.details == {"attachment": file.pk}


def test_another_agencys_officer_reads_no_file_and_leaves_no_trace(client, submitted):
    sign_in_as(client, OfficerFactory(role="head").user)
    file = submitted.attachments.first()
    assert client.get(f"/desk/applications/{submitted.number}/files/{file.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="application.attachment_viewed").exists()


def test_the_timeline_shows_internal_changes_too(client, officer, submitted):
    from gosportal.applications.services import AGENCY, change_status

    working = _in_progress(submitted, officer)
    change_status(
        working,
        Status.APPROVED,
        actor=officer.user,
        by=AGENCY,
        comment="Внутренняя отметка",
        visible_to_applicant=False,
    )
    sign_in_as(client, officer.user)
    text = client.get(f"/desk/applications/{submitted.number}/").content.decode()
    assert "Внутренняя отметка" in text and "не видно заявителю" in text

"""APP-9, the agency's side (OFF-1): appeal officers and the head of the agency review
appeals against its refusals; others may not (403), another agency's are not found
(404); the officer who refused may not decide; the applicant hears of the decision."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gosportal.appeals import services as appeals
from gosportal.appeals.models import Appeal
from gosportal.applications import services
from gosportal.applications.models import Application, Status
from gosportal.core.errors import Conflict, Forbidden
from gosportal.core.models import AuditEvent, OutboxEvent
from tests.appeals.conftest import REASON, pdf_file, submit
from tests.conftest import sign_in_as
from tests.factories import OfficerFactory, UserFactory
from tests.notifications.helpers import told

pytestmark = pytest.mark.django_db

DECISION = "Доводы подтверждены: разовая выплата в доход семьи не входит."

ROUTES = [
    ("get", "/desk/appeals/"),
    ("get", "/desk/appeals/{id}/"),
    ("post", "/desk/appeals/{id}/take/"),
    ("post", "/desk/appeals/{id}/decide/"),
    ("get", "/desk/appeals/{id}/files/{file}/"),
]


def _path(path, appeal):
    return path.format(id=appeal.pk, file=appeal.evidence.first().pk)


def _notices(user_id) -> list[str]:
    """The applicant's «status changed» notifications, made from the outbox's events."""
    return [n.text for n in told(user_id, "status_changed")]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, appeal, method, path):
    response = getattr(client, method)(_path(path, appeal))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("who", ["citizen", "officer", "administrator"])
def test_only_appeal_officers_and_the_head_may_open_the_desk(
    client, agency, appeal, method, path, who
):
    user = UserFactory() if who == "citizen" else OfficerFactory(agency=agency, role=who).user
    sign_in_as(client, user)
    assert getattr(client, method)(_path(path, appeal), {}).status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REGISTERED


@pytest.mark.parametrize(("method", "path"), ROUTES[1:])
def test_another_agencys_appeal_officer_does_not_find_the_appeal(client, appeal, method, path):
    sign_in_as(client, OfficerFactory(role="appeal_officer").user)
    data = {"outcome": "uphold", "decision": DECISION} if method == "post" else {}
    assert getattr(client, method)(_path(path, appeal), data).status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REGISTERED


def test_another_agencys_queue_is_empty(client, appeal):
    sign_in_as(client, OfficerFactory(role="head").user)
    response = client.get("/desk/appeals/")
    assert response.status_code == 200 and appeal.number not in response.content.decode()


@pytest.mark.parametrize("role", ["appeal_officer", "head"])
def test_the_desk_is_listed_for_appeal_officers_and_the_head(client, agency, role):
    sign_in_as(client, OfficerFactory(agency=agency, role=role).user)
    assert "/desk/appeals/" in client.get("/desk/").content.decode()


def test_the_desk_is_not_listed_for_other_officers(client, officer):
    sign_in_as(client, officer.user)
    assert "/desk/appeals/" not in client.get("/desk/").content.decode()


def test_the_appeal_page_shows_the_application_refusal_reason_and_evidence(
    client, appeal, appeal_officer
):
    sign_in_as(client, appeal_officer.user)
    queue = client.get("/desk/appeals/")
    assert appeal.number in queue.content.decode()
    text = client.get(f"/desk/appeals/{appeal.pk}/").content.decode()
    assert appeal.application.number in text
    assert "Доход выше порога" in text  # the refusal
    assert "Сергей Волков" in text and "Главный специалист" in text  # who made it
    assert "разовая выплата не входит" in text  # the reason
    assert "справка.pdf" in text
    assert "Отправлено" in text  # the application's history


def test_evidence_is_streamed_without_caching(client, appeal, appeal_officer):
    sign_in_as(client, appeal_officer.user)
    evidence = appeal.evidence.get()
    response = client.get(f"/desk/appeals/{appeal.pk}/files/{evidence.pk}/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


def test_reading_evidence_is_recorded_in_the_audit_log(client, appeal, appeal_officer):
    sign_in_as(client, appeal_officer.user)
    evidence = appeal.evidence.get()
    assert client.get(f"/desk/appeals/{appeal.pk}/files/{evidence.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="appeal.evidence_viewed")
    assert event.actor_id == appeal_officer.user_id
    assert (event.object_type, event.object_id) == ("appeals.appeal", str(appeal.pk))
    assert event.details == {"evidence": evidence.pk}


@pytest.mark.parametrize("page", ["100000000000000000000", "99999", "abc", "-3", ""])
def test_the_queue_survives_any_page_number(client, appeal, appeal_officer, page):
    sign_in_as(client, appeal_officer.user)
    response = client.get("/desk/appeals/", {"page": page, "show": "all"})
    assert response.status_code == 200
    rows = [row["appeal"].pk for row in response.context["rows"]]
    assert rows == ([appeal.pk] if page in ("abc", "-3", "") else [])


def test_taking_an_appeal_puts_it_in_review_assigned_to_me(client, appeal, appeal_officer):
    sign_in_as(client, appeal_officer.user)
    response = client.post(f"/desk/appeals/{appeal.pk}/take/", follow=True)
    assert "Жалоба взята на рассмотрение." in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.IN_REVIEW
    assert appeal.assigned_to_id == appeal_officer.user_id
    assert AuditEvent.objects.filter(action="appeal.taken", object_id=str(appeal.pk)).exists()


def test_upholding_returns_the_application_to_work_and_tells_the_applicant(
    client, appeal, appeal_officer, citizen
):
    sign_in_as(client, appeal_officer.user)
    response = client.post(
        f"/desk/appeals/{appeal.pk}/decide/", {"outcome": "uphold", "decision": DECISION}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD and appeal.decision == DECISION
    assert appeal.decided_by_id == appeal_officer.user_id and appeal.decided_at is not None
    application = Application.objects.get(pk=appeal.application_id)
    assert application.status == Status.IN_PROGRESS
    change = application.changes.last()
    assert change.from_status == Status.APPEALED and change.actor_id == appeal_officer.user_id
    assert "повторно" in change.comment and DECISION in change.comment
    # (the clock stands still in these tests: the notices' order among themselves is not
    # the events' order, so the decision's notice is found by its text, once)
    [upheld] = [text for text in _notices(citizen.pk) if "удовлетворена" in text]
    assert DECISION in upheld
    decided = OutboxEvent.objects.get(name="appeals.decided")
    assert decided.payload["appeal_id"] == appeal.pk and decided.payload["outcome"] == "uphold"
    assert AuditEvent.objects.filter(action="appeal.decided", object_id=str(appeal.pk)).exists()
    client.logout()
    sign_in_as(client, citizen)
    card = client.get(f"/applications/{application.number}/").content.decode()
    assert "Удовлетворена" in card and DECISION in card and "В работе" in card


def test_dismissing_keeps_the_refusal_with_the_appeal_rights(client, appeal, head, citizen):
    sign_in_as(client, head.user)
    response = client.post(
        f"/desk/appeals/{appeal.pk}/decide/", {"outcome": "dismiss", "decision": DECISION}
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.DISMISSED
    application = Application.objects.get(pk=appeal.application_id)
    assert application.status == Status.REJECTED
    change = application.changes.last()
    assert change.from_status == Status.APPEALED and appeal.decision_change_id == change.pk
    assert DECISION in change.comment and str(services.APPEAL_RIGHTS) in change.comment
    assert (
        len([text for text in _notices(citizen.pk) if "жалоба № " in text and "отклонена" in text])
        == 1
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "uphold", "decision": ""}, "Обоснование решения: изложите"),
        ({"outcome": "dismiss", "decision": "Нет."}, "Обоснование решения: не меньше 20"),
        ({"decision": DECISION}, "Решение: выберите «Удовлетворить» или «Отклонить»."),
        ({"outcome": "maybe", "decision": DECISION}, "Решение: выберите «Удовлетворить»"),
    ],
)
def test_a_decision_needs_an_outcome_and_a_reasoned_text(
    client, appeal, appeal_officer, data, message
):
    sign_in_as(client, appeal_officer.user)
    response = client.post(f"/desk/appeals/{appeal.pk}/decide/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and (data["decision"] in text)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REGISTERED
    assert Application.objects.get(pk=appeal.application_id).status == Status.APPEALED


def test_deciding_needs_a_fresh_re_authentication(client, appeal, appeal_officer):
    sign_in_as(client, appeal_officer.user, reauthenticated=False)
    response = client.post(
        f"/desk/appeals/{appeal.pk}/decide/", {"outcome": "uphold", "decision": DECISION}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:reauth"))
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REGISTERED


def test_the_officer_who_refused_may_not_decide_the_appeal(client, frozen, citizen, service, head):
    application = submit(citizen, service)
    services.reject(application=application, officer=head, reason="Доход выше порога")
    application.refresh_from_db()
    appeal = appeals.file_appeal(application=application, actor=citizen, reason=REASON)
    sign_in_as(client, head.user)
    page = client.get(f"/desk/appeals/{appeal.pk}/").content.decode()
    assert "Вы принимали обжалуемое решение" in page and "Принять решение" not in page
    response = client.post(
        f"/desk/appeals/{appeal.pk}/decide/",
        {"outcome": "uphold", "decision": DECISION},
        follow=True,
    )
    assert "Вы принимали обжалуемое решение и не можете рассматривать жалобу" in (
        response.content.decode()
    )
    with pytest.raises(Forbidden):
        appeals.take_appeal(appeal=appeal, officer=head)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REGISTERED
    assert Application.objects.get(pk=application.pk).status == Status.APPEALED


def test_an_appeal_officer_may_not_review_their_own_appeal(
    client, frozen, service, officer, appeal_officer, head
):
    application = submit(appeal_officer.user, service)  # a civil servant applies too
    services.reject(application=application, officer=officer, reason="Доход выше порога")
    application.refresh_from_db()
    appeal = appeals.file_appeal(application=application, actor=appeal_officer.user, reason=REASON)
    assert appeal_officer.user_id in appeals.conflicted_user_ids(appeal)
    with pytest.raises(Forbidden) as refused:
        appeals.take_appeal(appeal=appeal, officer=appeal_officer)
    assert refused.value.code == "not_independent"
    assert "вашему собственному заявлению" in str(refused.value)
    with pytest.raises(Forbidden):
        appeals.decide_appeal(
            appeal=appeal, officer=appeal_officer, outcome=appeals.UPHOLD, decision=DECISION
        )
    sign_in_as(client, appeal_officer.user)
    page = client.get(f"/desk/appeals/{appeal.pk}/").content.decode()
    assert "Принять решение" not in page and f"/desk/appeals/{appeal.pk}/take/" not in page
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REGISTERED and appeal.assigned_to_id is None
    assert Application.objects.get(pk=application.pk).status == Status.APPEALED
    # A colleague reviews it.
    appeals.take_appeal(appeal=appeal, officer=head)
    assert Appeal.objects.get(pk=appeal.pk).assigned_to_id == head.user_id


def test_the_officer_who_dismissed_may_not_decide_the_repeat(appeal, appeal_officer, head, citizen):
    appeals.decide_appeal(
        appeal=appeal, officer=appeal_officer, outcome=appeals.DISMISS, decision=DECISION
    )
    application = Application.objects.get(pk=appeal.application_id)
    repeat = appeals.file_appeal(
        application=application,
        actor=citizen,
        reason=REASON,
        uploads=[pdf_file("новая.pdf", marker="new")],
    )
    with pytest.raises(Forbidden):
        appeals.decide_appeal(
            appeal=repeat, officer=appeal_officer, outcome=appeals.UPHOLD, decision=DECISION
        )
    decided = appeals.decide_appeal(
        appeal=repeat, officer=head, outcome=appeals.UPHOLD, decision=DECISION
    )
    assert decided.status == Appeal.Status.UPHELD


def test_an_appeal_taken_by_a_colleague_is_decided_by_them_or_the_head(
    agency, appeal, appeal_officer, head
):
    appeals.take_appeal(appeal=appeal, officer=appeal_officer)
    colleague = OfficerFactory(agency=agency, role="appeal_officer")
    with pytest.raises(Forbidden):
        appeals.decide_appeal(
            appeal=appeal, officer=colleague, outcome=appeals.UPHOLD, decision=DECISION
        )
    with pytest.raises(Conflict):
        appeals.take_appeal(appeal=appeal, officer=colleague)
    appeals.decide_appeal(appeal=appeal, officer=head, outcome=appeals.UPHOLD, decision=DECISION)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD


def test_a_decided_appeal_cannot_be_decided_again(appeal, appeal_officer):
    appeals.decide_appeal(
        appeal=appeal, officer=appeal_officer, outcome=appeals.UPHOLD, decision=DECISION
    )
    with pytest.raises(Conflict, match="уже принято"):
        appeals.decide_appeal(
            appeal=appeal, officer=appeal_officer, outcome=appeals.DISMISS, decision=DECISION
        )


def test_the_application_desk_leaves_an_appealed_one_to_its_appeal(client, appeal, officer):
    application = Application.objects.get(pk=appeal.application_id)
    with pytest.raises(Conflict, match="подана жалоба"):
        services.take_into_work(application=application, officer=officer)
    with pytest.raises(Conflict, match="подана жалоба"):
        services.reject(application=application, officer=officer, reason="Снова нет")
    sign_in_as(client, officer.user)
    page = client.get(f"/desk/applications/{application.number}/").content.decode()
    assert f"/desk/appeals/{appeal.pk}/" in page
    assert "Взять в работу" not in page


def test_the_queue_query_count_does_not_grow(client, agency, service, appeal_officer, officer):
    def add_appeal():
        citizen = UserFactory(level="standard")
        application = submit(citizen, service)
        services.reject(application=application, officer=officer, reason="Нет оснований")
        application.refresh_from_db()
        appeal = appeals.file_appeal(application=application, actor=citizen, reason=REASON)
        appeals.take_appeal(appeal=appeal, officer=appeal_officer)

    for _ in range(2):
        add_appeal()
    sign_in_as(client, appeal_officer.user)
    client.get("/desk/appeals/")
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/desk/appeals/").context["rows"]) == 2
    for _ in range(3):
        add_appeal()
    with CaptureQueriesContext(connection) as more:
        assert len(client.get("/desk/appeals/").context["rows"]) == 5
    assert len(more) == len(few)
    assert len(few) <= 12


def test_the_decision_is_stored_encrypted(appeal, appeal_officer):
    from django.db import connection

    appeals.decide_appeal(
        appeal=appeal, officer=appeal_officer, outcome=appeals.DISMISS, decision=DECISION
    )
    assert Appeal.objects.get(pk=appeal.pk).decision == DECISION
    with connection.cursor() as cursor:
        cursor.execute("SELECT decision FROM appeals_appeal WHERE id = %s", [appeal.pk])
        stored = cursor.fetchone()[0]
    assert DECISION[:20] not in stored

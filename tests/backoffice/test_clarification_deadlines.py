"""OFF-3 on the desk: the queue and the application's page show the clarification
deadline, highlight an expired one and filter by it; once it has passed the officer
refuses in one step with the prefilled reason."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gosportal.applications import services
from gosportal.applications.models import Application, Status
from tests.applications.conftest import PASSPORT_COPY, documents, form_definition, pdf
from tests.conftest import sign_in_as
from tests.factories import AgencyFactory, OfficerFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
# Asked on Tuesday 3 March 2026 for five working days: 7, 8 and 9 March are off, so the
# answer is due on Wednesday 11 March.
TUESDAY = datetime.date(2026, 3, 3)
DUE = datetime.date(2026, 3, 11)
AFTER = datetime.date(2026, 3, 12)


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=MSK), tick=False
    )


@pytest.fixture(autouse=True)
def monday():
    with on(datetime.date(2026, 3, 2)):
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
def officer(agency):
    return OfficerFactory(agency=agency, role="officer")


def _submit(service):
    citizen = UserFactory(level="standard")
    draft = services.start_draft(user=citizen, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    answers = {"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"}
    return services.submit(application=draft, answers=answers, actor=citizen)


def _asked(service, officer, days=5):
    application = _submit(service)
    with on(TUESDAY):
        services.take_into_work(application=application, officer=officer)
        services.request_clarification(
            application=application, officer=officer, comment="Приложите справку", days=days
        )
    application.refresh_from_db()
    return application


@pytest.fixture
def asked(service, officer):
    return _asked(service, officer)


def _get(client, user, path, day):
    with on(day):
        sign_in_as(client, user)
        return client.get(path)


def test_the_queue_shows_the_answer_deadline(client, officer, asked):
    response = _get(client, officer.user, "/desk/applications/", datetime.date(2026, 3, 6))
    text = response.content.decode()
    assert "ответ до 11.03.2026" in text and "Срок ответа истёк" not in text


def test_the_queue_highlights_an_expired_answer_deadline_and_filters_by_it(
    client, officer, service, asked
):
    waiting = _asked(service, officer, days=10)  # due 18 March
    _submit(service)  # not asked at all
    response = _get(client, officer.user, "/desk/applications/", AFTER)
    assert '<span class="overdue">Срок ответа истёк 11.03.2026</span>' in response.content.decode()
    with on(AFTER):
        filtered = client.get("/desk/applications/?clarification_expired=on")
    assert [row["application"].pk for row in filtered.context["rows"]] == [asked.pk]
    assert waiting.pk not in [row["application"].pk for row in filtered.context["rows"]]


def test_the_queue_query_count_does_not_grow_with_clarifications(client, officer, service):
    _asked(service, officer)
    with on(AFTER):
        sign_in_as(client, officer.user)
        client.get("/desk/applications/")  # warm the calendar
        with CaptureQueriesContext(connection) as few:
            client.get("/desk/applications/")
    for _ in range(3):
        _asked(service, officer)
    with on(AFTER), CaptureQueriesContext(connection) as more:
        client.get("/desk/applications/")
    assert len(more) == len(few)


def test_the_page_shows_the_deadline_and_offers_the_one_step_refusal(client, officer, asked):
    before = _get(client, officer.user, f"/desk/applications/{asked.number}/", DUE)
    text = before.content.decode()
    assert "Срок ответа на уточнение" in text and "сегодня последний день" in text
    assert "reject-no-answer" not in text
    after = _get(client, officer.user, f"/desk/applications/{asked.number}/", AFTER)
    text = after.content.decode()
    assert "Срок ответа истёк" in text
    assert f'action="/desk/applications/{asked.number}/reject-no-answer/"' in text
    # The ordinary refusal form is prefilled with the same reason.
    assert (
        after.context["reject_form"]
        .initial["reason"]
        .startswith("Заявитель не представил уточнения в срок")
    )


def test_the_one_step_refusal_tells_the_applicant_why(client, officer, asked):
    with on(AFTER):
        sign_in_as(client, officer.user)
        response = client.post(f"/desk/applications/{asked.number}/reject-no-answer/", follow=True)
    assert "Отказ направлен заявителю." in response.content.decode()
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.REJECTED and stored.clarification_due is None
    change = stored.changes.last()
    assert change.actor_id == officer.user_id
    assert "не представил уточнения в срок" in change.comment and "11.03.2026" in change.comment


def test_the_one_step_refusal_before_the_deadline_is_refused(client, officer, asked):
    with on(DUE):
        sign_in_as(client, officer.user)
        response = client.post(f"/desk/applications/{asked.number}/reject-no-answer/", follow=True)
    assert "Срок ответа заявителя ещё не истёк" in response.content.decode()
    assert Application.objects.get(pk=asked.pk).status == Status.CLARIFICATION


def test_the_one_step_refusal_needs_a_recent_sign_in(client, officer, asked):
    with on(AFTER):
        sign_in_as(client, officer.user, reauthenticated=False)
        response = client.post(f"/desk/applications/{asked.number}/reject-no-answer/")
    assert response.status_code == 302 and response.url.startswith("/accounts/confirm/")
    assert Application.objects.get(pk=asked.pk).status == Status.CLARIFICATION


@pytest.mark.parametrize(
    ("who", "expected"),
    [("other_agency", 404), ("citizen", 403), ("administrator", 403)],
)
def test_others_may_not_refuse_for_no_answer(client, agency, asked, who, expected):
    user = {
        "other_agency": lambda: OfficerFactory(role="head").user,
        "citizen": lambda: UserFactory(),
        "administrator": lambda: OfficerFactory(agency=agency, role="administrator").user,
    }[who]()
    with on(AFTER):
        sign_in_as(client, user)
        response = client.post(f"/desk/applications/{asked.number}/reject-no-answer/")
    assert response.status_code == expected
    assert Application.objects.get(pk=asked.pk).status == Status.CLARIFICATION


def test_anonymous_visitors_are_sent_to_sign_in(client, asked):
    with on(AFTER):
        response = client.post(f"/desk/applications/{asked.number}/reject-no-answer/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")

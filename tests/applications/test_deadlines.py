"""OFF-3, APP-6: a clarification request carries a deadline in working days; the card shows
it with the request and the way to answer; answering (files included, no JavaScript)
clears it, as does any other way out of «Требуется уточнение»; once it has passed the
agency may refuse in one step."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gosportal.applications import services
from gosportal.applications.models import Application, Status
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.applications.conftest import PHOTO, VALID, png
from tests.conftest import sign_in_as
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
REQUEST = "Приложите фотографию 35×45 мм"


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=MSK), tick=False
    )


# March 2026: Saturday 7, Sunday 8 and Monday 9 (the holiday of 8 March moved) are off.
TUESDAY = datetime.date(2026, 3, 3)
FRIDAY = datetime.date(2026, 3, 6)
DUE = datetime.date(2026, 3, 11)  # five working days after Tuesday 3 March


@pytest.fixture(autouse=True)
def monday():
    """Everything is set up on Monday 2 March 2026, before the days the tests travel to."""
    with on(datetime.date(2026, 3, 2)):
        yield


@pytest.fixture
def officer(agency):
    return OfficerFactory(agency=agency, role="officer")


@pytest.fixture
def asked(submitted, officer):
    """In «Требуется уточнение» since Tuesday 3 March, to answer by Wednesday 11 March."""
    with on(TUESDAY):
        services.take_into_work(application=submitted, officer=officer)
        services.request_clarification(
            application=submitted, officer=officer, comment=REQUEST, days=5
        )
    submitted.refresh_from_db()
    return submitted


def test_the_deadline_is_stored_in_working_days_over_the_weekend_and_holiday(asked):
    assert asked.status == Status.CLARIFICATION
    assert asked.clarification_due == DUE
    change = asked.changes.last()
    assert REQUEST in change.comment and "11.03.2026" in change.comment  # the text stays


def test_answering_clears_the_deadline_and_keeps_the_answer(asked, citizen):
    with on(FRIDAY):
        services.resubmit(
            application=asked,
            answers={"last_name": "Петров"},
            actor=citizen,
            comment="  Фото приложил  ",
        )
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.RESUBMITTED and stored.clarification_due is None
    assert stored.changes.last().comment == "Фото приложил"


def test_a_refusal_clears_the_deadline_too(asked, officer):
    services.reject(application=asked, officer=officer, reason="Нет оснований")
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.REJECTED and stored.clarification_due is None


def test_a_failed_request_stores_no_deadline(submitted, officer):
    with pytest.raises(Conflict):  # not in work yet
        services.request_clarification(
            application=submitted, officer=officer, comment=REQUEST, days=5
        )
    assert Application.objects.get(pk=submitted.pk).clarification_due is None


# --- refusal for no answer ------------------------------------------------------------


def test_after_the_deadline_the_agency_refuses_in_one_step(asked, officer):
    with on(DUE + datetime.timedelta(days=1)):
        change = services.reject_for_no_answer(application=asked, officer=officer)
    assert change.to_status == Status.REJECTED
    assert change.comment.startswith("Заявитель не представил уточнения в срок")
    assert "11.03.2026" in change.comment and "обжаловать" in change.comment
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.REJECTED and stored.clarification_due is None


@pytest.mark.parametrize("day", [TUESDAY, FRIDAY, DUE])
def test_no_one_step_refusal_while_the_applicant_may_still_answer(asked, officer, day):
    with on(day), pytest.raises(Conflict, match="ещё не истёк"):
        services.reject_for_no_answer(application=asked, officer=officer)
    assert Application.objects.get(pk=asked.pk).status == Status.CLARIFICATION


def test_no_one_step_refusal_of_an_answered_application(asked, officer, citizen):
    services.resubmit(application=asked, answers={"last_name": "Петров"}, actor=citizen)
    with on(DUE + datetime.timedelta(days=5)), pytest.raises(Conflict, match="не ждёт"):
        services.reject_for_no_answer(application=asked, officer=officer)
    assert Application.objects.get(pk=asked.pk).status == Status.RESUBMITTED


def test_another_agency_and_the_administrator_may_not_refuse(asked, agency):
    later = on(DUE + datetime.timedelta(days=1))
    with later, pytest.raises(NotFound):
        services.reject_for_no_answer(application=asked, officer=OfficerFactory(role="head"))
    admin = OfficerFactory(agency=agency, role="administrator")
    with later, pytest.raises(Forbidden):
        services.reject_for_no_answer(application=asked, officer=admin)
    assert Application.objects.get(pk=asked.pk).status == Status.CLARIFICATION


# --- the citizen's card, list and answer ----------------------------------------------------


def _card(client, citizen, application, day):
    with on(day):
        sign_in_as(client, citizen)
        response = client.get(f"/applications/{application.number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_card_shows_the_request_the_deadline_and_the_working_days_left(client, asked, citizen):
    page = _card(client, citizen, asked, FRIDAY)
    assert 'id="clarification-title">Требуется уточнение' in page
    assert REQUEST in page
    assert "Срок ответа — до 11.03.2026 включительно." in page
    assert "До срока: 2\u00a0рабочих дня." in page  # Tuesday 10 and Wednesday 11
    assert f'href="/applications/{asked.number}/edit/">Ответить на запрос' in page
    assert page.count(">Ответить на запрос</a>") == 1


def test_the_card_says_when_it_is_the_last_day(client, asked, citizen):
    assert "Сегодня последний день." in _card(client, citizen, asked, DUE)


def test_the_card_says_when_the_deadline_has_passed(client, asked, citizen):
    page = _card(client, citizen, asked, DUE + datetime.timedelta(days=1))
    assert "Срок истёк." in page and "Ответить на запрос" in page


def test_no_block_once_answered(client, asked, citizen):
    services.resubmit(application=asked, answers={"last_name": "Петров"}, actor=citizen)
    page = _card(client, citizen, asked, FRIDAY)
    assert "clarification-title" not in page and "Срок ответа" not in page


def test_another_persons_card_is_not_found(client, asked, other_citizen):
    with on(FRIDAY):
        sign_in_as(client, other_citizen)
        assert client.get(f"/applications/{asked.number}/").status_code == 404
        assert client.get(f"/applications/{asked.number}/edit/").status_code == 404


def test_my_applications_list_shows_the_answer_deadline(
    client, asked, citizen, django_assert_max_num_queries
):
    with on(FRIDAY):
        sign_in_as(client, citizen)
        with django_assert_max_num_queries(12):
            page = client.get("/applications/").content.decode()
    assert "Ответить на запрос до 11.03.2026" in page


def test_the_answer_page_shows_the_request_and_takes_a_comment(client, asked, citizen):
    with on(FRIDAY):
        sign_in_as(client, citizen)
        page = client.get(f"/applications/{asked.number}/edit/").content.decode()
    assert "Запрос ведомства" in page and REQUEST in page
    assert "Срок ответа — до 11.03.2026 включительно." in page
    assert 'name="clarification_answer"' in page


def _answer(**extra):
    return {
        "last_name": "Петров",
        "birth_date": VALID["birth_date"],
        "reason": "lost",
        "action": "submit",
        **extra,
    }


def test_answering_with_a_chosen_file_uploads_it_without_javascript(client, asked, citizen):
    with on(FRIDAY):
        sign_in_as(client, citizen)
        # The photo is the second document (files_1); no «Загрузить» pressed before.
        response = client.post(
            f"/applications/{asked.number}/edit/",
            _answer(files_1=png("фото.png"), clarification_answer="Приложил фото"),
        )
    assert response.status_code == 302
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.RESUBMITTED and stored.clarification_due is None
    photo = stored.attachments.get(document=PHOTO)
    assert photo.version == stored.version == 2
    assert stored.changes.last().comment == "Приложил фото"


def test_a_bad_file_with_the_answer_is_refused_and_the_answer_kept(client, asked, citizen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("фото.png", b"not an image at all", content_type="image/png")
    with on(FRIDAY):
        sign_in_as(client, citizen)
        response = client.post(
            f"/applications/{asked.number}/edit/",
            _answer(files_1=bad, clarification_answer="Приложил фото"),
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Файл не загружен" in page and "Приложил фото" in page
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.CLARIFICATION and stored.clarification_due == DUE
    assert not stored.attachments.filter(document=PHOTO).exists()


def test_a_too_long_answer_is_refused_and_kept(client, asked, citizen):
    answer = "Я" * 2001
    with on(FRIDAY):
        sign_in_as(client, citizen)
        response = client.post(
            f"/applications/{asked.number}/edit/", _answer(clarification_answer=answer)
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ответ ведомству: не более 2000 символов, сейчас 2001." in page
    assert f">{answer}</textarea>" in page
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.CLARIFICATION and stored.clarification_due == DUE
    assert stored.version == 1


def test_an_answer_of_exactly_the_limit_is_taken(client, asked, citizen):
    answer = "Я" * 2000
    with on(FRIDAY):
        sign_in_as(client, citizen)
        response = client.post(
            f"/applications/{asked.number}/edit/", _answer(clarification_answer=answer)
        )
    assert response.status_code == 302
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.RESUBMITTED and stored.changes.last().comment == answer


def test_the_service_refuses_a_too_long_answer_rather_than_cutting_it(asked, citizen):
    with on(FRIDAY), pytest.raises(InvalidInput) as refused:
        services.resubmit(
            application=asked, answers={"last_name": "Петров"}, actor=citizen, comment="Я" * 2001
        )
    assert refused.value.field == "clarification_answer"
    stored = Application.objects.get(pk=asked.pk)
    assert stored.status == Status.CLARIFICATION and stored.version == 1

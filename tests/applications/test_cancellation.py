"""APP-8: cancelling follows the service's policy (before work / never once submitted /
any time while active), registered checks (outstanding debt) may refuse, the card says
whether and why before the person clicks, and a cancelled one is restorable for 30 days."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gosportal.applications import cancellation, services
from gosportal.applications.models import Status
from gosportal.catalog.models import Service
from gosportal.catalog.services import check_service
from gosportal.core.calendar import add_working_days
from gosportal.core.errors import Conflict, InvalidInput
from tests.conftest import sign_in_as
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

NEVER_NOTE = "Документы, поданные на регистрацию, не отзываются."
ACTIVE_NOTE = "Выплаты прекратятся со следующего месяца."


def _policy(service, policy: str, note: str = "") -> None:
    service.cancellation_policy = policy
    service.cancellation_note = note
    service.save(update_fields=["cancellation_policy", "cancellation_note"])


def _to(application, *statuses) -> None:
    for status in statuses:
        services.change_status(application, status, actor=None, by=services.AGENCY)


def _detail(client, application) -> str:
    return client.get(
        reverse("applications:detail", kwargs={"ref": application.ref})
    ).content.decode()


@pytest.fixture
def debt():
    """An outstanding-debt rule as the payments module will register it."""

    def unpaid(application):
        return "Есть неоплаченное начисление: погасите задолженность перед отменой."

    cancellation.register_cancellation_check(unpaid)
    yield unpaid
    cancellation.unregister_cancellation_check(unpaid)


# --- the policies --------------------------------------------------------------------------


def test_by_default_cancelling_is_allowed_until_work_starts(submitted):
    assert cancellation.decide(submitted).allowed
    _to(submitted, Status.ACCEPTED, Status.IN_PROGRESS)
    decision = cancellation.decide(submitted)
    assert not decision.allowed
    assert decision.reason == "Отменить заявление уже нельзя: ведомство начало работу по нему."


def test_mandatory_completion_refuses_right_after_submission(submitted, citizen, service):
    _policy(service, Service.Cancellation.NEVER, NEVER_NOTE)
    submitted.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        services.cancel(application=submitted, actor=citizen)
    assert str(refused.value) == (
        "Эту услугу нельзя отменить после подачи заявления: ведомство обязано завершить "
        f"её рассмотрение. {NEVER_NOTE}"
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.cancelled_at is None


@pytest.mark.parametrize(
    "path",
    [
        (Status.ACCEPTED, Status.IN_PROGRESS),
        (Status.ACCEPTED, Status.IN_PROGRESS, Status.CLARIFICATION),
        (Status.ACCEPTED, Status.IN_PROGRESS, Status.APPROVED),
        (Status.ACCEPTED, Status.IN_PROGRESS, Status.APPROVED, Status.READY),
    ],
    ids=["in_progress", "clarification", "approved", "ready"],
)
def test_an_active_service_is_cancelled_and_restored_where_it_was(
    path, submitted, citizen, service
):
    _policy(service, Service.Cancellation.WHILE_ACTIVE, ACTIVE_NOTE)
    _to(submitted, *path)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.cancel(application=submitted, actor=citizen, reason="Больше не нужно")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.cancelled_from) == (Status.CANCELLED, path[-1])
    with time_machine.travel(start + datetime.timedelta(days=29, hours=23), tick=False):
        services.restore(application=submitted, actor=citizen)
    submitted.refresh_from_db()
    assert submitted.status == path[-1] and submitted.cancelled_at is None


def test_a_restored_clarification_waits_for_the_answer_by_the_same_day(
    submitted, citizen, service, agency
):
    _policy(service, Service.Cancellation.WHILE_ACTIVE)
    officer = OfficerFactory(agency=agency, role="officer")
    services.take_into_work(application=submitted, officer=officer)
    services.request_clarification(
        application=submitted, officer=officer, comment="Приложите фото", days=5
    )
    due = add_working_days(timezone.localdate(), 5)
    services.cancel(application=submitted, actor=citizen)
    submitted.refresh_from_db()
    assert submitted.status == Status.CANCELLED
    assert submitted.clarification_due == due  # kept while cancelled
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
        services.restore(application=submitted, actor=citizen)
    submitted.refresh_from_db()
    assert submitted.status == Status.CLARIFICATION
    assert submitted.clarification_due == due


def test_a_cancelled_active_service_is_not_restored_after_thirty_days(submitted, citizen, service):
    _policy(service, Service.Cancellation.WHILE_ACTIVE)
    _to(submitted, Status.ACCEPTED, Status.IN_PROGRESS, Status.APPROVED)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.cancel(application=submitted, actor=citizen)
    with (
        time_machine.travel(start + datetime.timedelta(days=30, seconds=1), tick=False),
        pytest.raises(Conflict, match="больше 30 дней"),
    ):
        services.restore(application=submitted, actor=citizen)
    submitted.refresh_from_db()
    assert submitted.status == Status.CANCELLED


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            (Status.ACCEPTED, Status.IN_PROGRESS, Status.APPROVED, Status.COMPLETED),
            "Услуга уже завершена — отменять нечего.",
        ),
        (
            (Status.REJECTED,),
            "По заявлению уже принято решение об отказе — отменять нечего.",
        ),
    ],
    ids=["completed", "rejected"],
)
def test_a_finished_service_cannot_be_cancelled_even_while_active_policy(
    path, message, submitted, citizen, service
):
    _policy(service, Service.Cancellation.WHILE_ACTIVE)
    _to(submitted, *path)
    with pytest.raises(Conflict) as refused:
        services.cancel(application=submitted, actor=citizen)
    assert str(refused.value) == message


def test_a_registered_check_refuses_with_its_reason(submitted, citizen, debt):
    decision = cancellation.decide(submitted)
    assert not decision.allowed and decision.reason == debt(submitted)
    with pytest.raises(Conflict, match="погасите задолженность"):
        services.cancel(application=submitted, actor=citizen)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_a_check_without_objection_lets_the_cancellation_through(submitted, citizen):
    seen = []

    def no_debt(application):
        seen.append(application.pk)

    cancellation.register_cancellation_check(no_debt)
    try:
        services.cancel(application=submitted, actor=citizen)
    finally:
        cancellation.unregister_cancellation_check(no_debt)
    submitted.refresh_from_db()
    assert submitted.status == Status.CANCELLED and submitted.pk in seen


def test_mandatory_completion_needs_an_explanation_for_the_applicant(service):
    service.cancellation_policy = Service.Cancellation.NEVER
    service.cancellation_note = "  "
    with pytest.raises(InvalidInput) as refused:
        check_service(service)
    assert refused.value.field == "cancellation_note"
    assert "Пояснение об отмене" in str(refused.value)


# --- the card and the endpoint ------------------------------------------------------------


def test_card_offers_cancelling_before_work_with_its_window(client, citizen, submitted):
    sign_in_as(client, citizen)
    page = _detail(client, submitted)
    assert "Отменить заявление</button>" in page
    assert "Отменить можно, пока ведомство не начало работу." in page
    assert "Отмена недоступна." not in page


def test_card_explains_mandatory_completion_before_the_click(client, citizen, submitted, service):
    _policy(service, Service.Cancellation.NEVER, NEVER_NOTE)
    sign_in_as(client, citizen)
    page = _detail(client, submitted)
    assert reverse("applications:cancel", kwargs={"ref": submitted.ref}) not in page
    assert "Отмена недоступна." in page
    assert "ведомство обязано завершить её рассмотрение." in page and NEVER_NOTE in page


def test_card_offers_stopping_an_approved_service(client, citizen, submitted, service):
    _policy(service, Service.Cancellation.WHILE_ACTIVE, ACTIVE_NOTE)
    _to(submitted, Status.ACCEPTED, Status.IN_PROGRESS, Status.APPROVED)
    sign_in_as(client, citizen)
    page = _detail(client, submitted)
    assert "Отменить услугу</button>" in page
    assert "Отменить услугу можно в любой момент, пока она действует." in page
    assert ACTIVE_NOTE in page


def test_card_shows_the_debt_reason(client, citizen, submitted, debt):
    sign_in_as(client, citizen)
    page = _detail(client, submitted)
    assert "Отмена недоступна." in page and "погасите задолженность" in page


def test_card_of_a_completed_service_says_nothing_about_cancelling(client, citizen, submitted):
    _to(submitted, Status.ACCEPTED, Status.IN_PROGRESS, Status.APPROVED, Status.COMPLETED)
    sign_in_as(client, citizen)
    page = _detail(client, submitted)
    assert "Отмена недоступна." not in page and "Отменить заявление</button>" not in page


def test_cancel_endpoint_stops_an_active_service(client, citizen, submitted, service):
    _policy(service, Service.Cancellation.WHILE_ACTIVE)
    _to(submitted, Status.ACCEPTED, Status.IN_PROGRESS, Status.APPROVED)
    sign_in_as(client, citizen)
    url = reverse("applications:cancel", kwargs={"ref": submitted.ref})
    page = client.post(url, {"reason": "Переезжаю"}, follow=True).content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.CANCELLED
    assert "Восстановить заявление" in page


def test_cancel_endpoint_shows_the_refusal_of_mandatory_completion(
    client, citizen, submitted, service
):
    _policy(service, Service.Cancellation.NEVER, NEVER_NOTE)
    sign_in_as(client, citizen)
    url = reverse("applications:cancel", kwargs={"ref": submitted.ref})
    page = client.post(url, follow=True).content.decode()
    assert "нельзя отменить после подачи заявления" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_cancel_endpoint_refuses_a_too_long_reason(client, citizen, submitted):
    sign_in_as(client, citizen)
    url = reverse("applications:cancel", kwargs={"ref": submitted.ref})
    page = client.post(url, {"reason": "я" * 501}, follow=True).content.decode()
    assert "Причина отмены: не более 500 символов." in page
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize(
    "ref", ["MVD-2099-999999", "not-a-number", "00000000-0000-0000-0000-000000000000"]
)
def test_cancel_endpoint_answers_404_for_an_unknown_application(client, citizen, ref):
    sign_in_as(client, citizen)
    response = client.post(reverse("applications:cancel", kwargs={"ref": ref}))
    assert response.status_code == 404


def test_cancel_endpoint_answers_404_for_another_persons_application(
    client, submitted, other_citizen
):
    sign_in_as(client, other_citizen)
    for name in ("cancel", "restore"):
        response = client.post(reverse(f"applications:{name}", kwargs={"ref": submitted.ref}))
        assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED

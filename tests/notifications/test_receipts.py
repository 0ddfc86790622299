"""NOT-4: the SMS operator pushes signed delivery reports; they move deliveries forward
once, foreign or forged reports change nothing, and a message never reported on is
given up after 72 hours."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from gosportal.core import events
from gosportal.core.notify import notify
from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.sms import sandbox
from gosportal.integrations.sms.sandbox import DELAYED_REPORT_NUMBER
from gosportal.notifications import services
from gosportal.notifications.models import Delivery, ProviderReceipt
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting_sms():
    """An SMS the operator accepted as "sending" (its report comes later)."""
    user = UserFactory(phone=DELAYED_REPORT_NUMBER)
    notify(user.pk, "appointment_reminder", place="МФЦ", time="24.11 11:30")
    events.drain()
    services.send_due()
    delivery = Delivery.objects.get(notification__user=user, channel="sms")
    assert delivery.status == Delivery.Status.SENDING and delivery.provider_id
    return delivery


def post_receipt(client, body: dict, *, signature: str | None = None):
    raw = json.dumps(body).encode()
    return client.post(
        reverse("notifications:sms_receipt"),
        data=raw,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature if signature is not None else services.receipt_signature(raw),
    )


def test_signed_receipt_marks_the_sms_delivered(client, waiting_sms):
    response = post_receipt(client, {"provider_id": waiting_sms.provider_id, "status": "delivered"})
    assert response.status_code == 200
    assert response.json() == {"accepted": True, "changed": True}
    waiting_sms.refresh_from_db()
    assert waiting_sms.status == Delivery.Status.DELIVERED
    assert waiting_sms.finished_at is not None


def test_failed_receipt_records_the_reason(client, waiting_sms):
    post_receipt(client, {"provider_id": waiting_sms.provider_id, "status": "failed"})
    waiting_sms.refresh_from_db()
    assert waiting_sms.status == Delivery.Status.PERMANENT_FAILURE
    assert waiting_sms.failure_reason == "Оператор сообщил, что SMS не доставлено"


def test_duplicated_and_late_receipts_change_nothing(client, waiting_sms):
    body = {"provider_id": waiting_sms.provider_id, "status": "delivered"}
    post_receipt(client, body)
    waiting_sms.refresh_from_db()
    finished = waiting_sms.finished_at
    again = post_receipt(client, body)
    late = post_receipt(client, {"provider_id": waiting_sms.provider_id, "status": "failed"})
    assert again.json()["changed"] is False and late.json()["changed"] is False
    waiting_sms.refresh_from_db()
    assert (waiting_sms.status, waiting_sms.finished_at) == (Delivery.Status.DELIVERED, finished)
    assert ProviderReceipt.objects.filter(status="delivered").count() == 1


def test_forged_signature_is_refused(client, waiting_sms):
    response = post_receipt(
        client,
        {"provider_id": waiting_sms.provider_id, "status": "delivered"},
        signature="sha256=" + "0" * 64,
    )
    assert response.status_code == 403
    waiting_sms.refresh_from_db()
    assert waiting_sms.status == Delivery.Status.SENDING
    assert not ProviderReceipt.objects.exists()


def test_unknown_message_id_is_not_found(client, waiting_sms):
    response = post_receipt(client, {"provider_id": "not-ours", "status": "delivered"})
    assert response.status_code == 404
    assert not ProviderReceipt.objects.exists()


def test_unreadable_receipt_is_bad_input(client, waiting_sms):
    response = post_receipt(client, {"provider_id": waiting_sms.provider_id, "status": "lost"})
    assert response.status_code == 400
    assert response.json()["error"] == "Отчёт о доставке не разобран."


def test_receipts_are_post_only(client):
    assert client.get(reverse("notifications:sms_receipt")).status_code == 405


def test_sms_without_a_report_for_72_hours_fails_for_good(settings, waiting_sms):
    # The operator never answers the status query either.
    settings.SMS_GATEWAY = "tests.notifications.test_receipts.SilentGateway"
    with time_machine.travel(timezone.now() + timedelta(hours=71), tick=False):
        services.send_due()
    waiting_sms.refresh_from_db()
    assert waiting_sms.status == Delivery.Status.SENDING
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1), tick=False):
        services.send_due()
    waiting_sms.refresh_from_db()
    assert waiting_sms.status == Delivery.Status.PERMANENT_FAILURE
    assert waiting_sms.failure_reason == "Оператор не прислал отчёт о доставке за 72 часа"


class SilentGateway:
    """An operator whose reports never come: every status query says "sending"."""

    def send(self, *, to, text):  # pragma: no cover - not sent in this test
        raise AssertionError("not used")

    def status(self, *, provider_id):
        from gosportal.integrations.sms.base import SmsReceipt

        return SmsReceipt(provider_id=provider_id, status="sending")


# --- the sandbox operator posts its reports like a real one -------------------------------


def _sms_to(phone: str) -> Delivery:
    user = UserFactory(phone=phone)
    notify(user.pk, "appointment_reminder", place="МФЦ", time="24.11 11:30")
    events.drain()
    services.send_due()
    return Delivery.objects.get(notification__user=user, channel="sms")


def test_the_operator_posts_the_delivered_report_once_it_is_due():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sms = _sms_to(DELAYED_REPORT_NUMBER)
        assert sms.status == Delivery.Status.SENDING
        assert not ProviderReceipt.objects.exists()  # not due yet: nothing posted
        clock.move_to(start + timedelta(seconds=61))
        services.send_due()  # the worker's next run: the operator posts, then polling
    sms.refresh_from_db()
    assert sms.status == Delivery.Status.DELIVERED
    # Only the receipt endpoint stores reports: the status came by the webhook.
    assert ProviderReceipt.objects.get().provider_id == sms.provider_id


def test_the_operator_reports_a_permanent_failure_right_after_sending():
    sms = _sms_to(sandbox.REPORTED_PERMANENT_FAILURE_NUMBER)
    assert sms.status == Delivery.Status.PERMANENT_FAILURE
    assert sms.failure_reason == "Оператор сообщил, что SMS не доставлено"
    assert ProviderReceipt.objects.get().status == "permanent-failure"


def test_a_reported_temporary_failure_is_retried_until_the_last_attempt():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sms = _sms_to(sandbox.REPORTED_TEMPORARY_FAILURE_NUMBER)
        assert (sms.status, sms.attempts) == (Delivery.Status.TEMPORARY_FAILURE, 1)
        assert sms.failure_reason == "Оператор временно не смог доставить SMS, повторим"
        assert sms.next_attempt_at == start + services.FIRST_RETRY
        while sms.status == Delivery.Status.TEMPORARY_FAILURE:
            clock.move_to(sms.next_attempt_at)
            services.send_due()
            sms.refresh_from_db()
    assert sms.status == Delivery.Status.PERMANENT_FAILURE
    assert sms.attempts == services.MAX_ATTEMPTS
    assert sms.failure_reason.startswith("Не доставлено за 8 попыток")
    recipient = sandbox.REPORTED_TEMPORARY_FAILURE_NUMBER
    assert SandboxMessage.objects.filter(recipient=recipient).count() == services.MAX_ATTEMPTS
    assert ProviderReceipt.objects.filter(status="temporary-failure").count() == 8


def test_a_repeated_temporary_failure_report_changes_nothing(client, waiting_sms):
    body = {"provider_id": waiting_sms.provider_id, "status": "temporary-failure"}
    first = post_receipt(client, body)
    waiting_sms.refresh_from_db()
    retry_at = waiting_sms.next_attempt_at
    again = post_receipt(client, body)
    assert first.json()["changed"] is True and again.json()["changed"] is False
    waiting_sms.refresh_from_db()
    assert (waiting_sms.status, waiting_sms.attempts, waiting_sms.next_attempt_at) == (
        Delivery.Status.TEMPORARY_FAILURE,
        1,
        retry_at,
    )
    assert ProviderReceipt.objects.filter(status="temporary-failure").count() == 1


def test_delivered_after_a_temporary_failure_cancels_the_retry(client, waiting_sms):
    """The phone came back on before the retry: the same message arrived, none is resent."""
    provider_id = waiting_sms.provider_id
    post_receipt(client, {"provider_id": provider_id, "status": "temporary-failure"})
    post_receipt(client, {"provider_id": provider_id, "status": "delivered"})
    waiting_sms.refresh_from_db()
    assert waiting_sms.status == Delivery.Status.DELIVERED
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        services.send_due()
    assert SandboxMessage.objects.filter(recipient=DELAYED_REPORT_NUMBER).count() == 1


def test_a_lost_report_is_found_by_polling():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sms = _sms_to(DELAYED_REPORT_NUMBER)
        sandbox.forget_owed_receipts()  # the operator restarted: its webhook is lost
        clock.move_to(start + timedelta(seconds=61))
        services.send_due()
    sms.refresh_from_db()
    assert sms.status == Delivery.Status.DELIVERED
    assert not ProviderReceipt.objects.exists()  # the status query answered instead

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

"""NOT-5 and NOT-4: an outbox event becomes one notification with one delivery per chosen
channel; SMS and e-mail are sent, retried with back-off and fail for good with a reason."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.core import events
from gosportal.core.notify import notify
from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.sms.sandbox import (
    DELAYED_REPORT_NUMBER,
    PERMANENT_FAILURE_NUMBER,
    TEMPORARY_FAILURE_NUMBER,
)
from gosportal.notifications import services
from gosportal.notifications.models import Delivery, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

APP = {"application_number": "2026-000777", "service": "Замена паспорта", "status": "Принято"}


def citizen(**kwargs):
    return UserFactory(email_confirmed=True, **kwargs)


def test_event_becomes_inbox_message_sms_and_email(run_tasks, mailoutbox):
    user = citizen()
    notify(user.pk, "clarification_requested", question="Приложите скан", **APP)

    run_tasks()

    notification = Notification.objects.get(user=user)
    assert notification.title == "Уточните заявление 2026-000777"
    assert "Приложите скан" in notification.text
    deliveries = {d.channel: d for d in notification.deliveries.all()}
    assert set(deliveries) == {"email", "sms"}
    assert all(d.status == Delivery.Status.DELIVERED for d in deliveries.values())
    sms = SandboxMessage.objects.get(channel="sms", recipient=user.phone)
    assert sms.body.startswith("Госпортал: ведомство просит уточнить заявление 2026-000777")
    assert deliveries["sms"].provider_id == sms.provider_id
    [mail] = mailoutbox
    assert mail.to == [user.email]
    assert mail.subject == "Уточните заявление 2026-000777"
    assert "Приложите скан" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://127.0.0.1:8000/' in html


def test_the_same_event_twice_makes_one_notification():
    user = citizen()
    with_event = events.emit(
        events.Event("notify", {"user_id": user.pk, "type": "document_ready", "payload": {}})
    )
    first = services.create_notification(
        event_id=with_event.pk, user_id=user.pk, type_key="document_ready", payload={}
    )
    second = services.create_notification(
        event_id=with_event.pk, user_id=user.pk, type_key="document_ready", payload={}
    )
    assert first.pk == second.pk
    assert Notification.objects.filter(user=user).count() == 1
    assert Delivery.objects.filter(notification=first).count() == 1  # e-mail only by default


def test_email_needs_a_confirmed_address(run_tasks):
    user = UserFactory(email_confirmed=False)
    notify(user.pk, "document_ready", document="Справка")
    run_tasks()
    notification = Notification.objects.get(user=user)
    assert not notification.deliveries.exists()
    assert notification.in_inbox


def test_unknown_type_is_dropped_without_blocking_the_outbox(run_tasks):
    user = citizen()
    notify(user.pk, "no_such_type")
    run_tasks()
    assert not Notification.objects.exists()
    assert events.drain() == 0


def test_sms_to_a_refused_number_fails_for_good_with_the_reason(run_tasks):
    user = citizen(phone=PERMANENT_FAILURE_NUMBER)
    notify(user.pk, "appointment_reminder", place="МФЦ", time="24.11.2026 11:30")
    run_tasks()
    sms = Delivery.objects.get(channel="sms")
    assert sms.status == Delivery.Status.PERMANENT_FAILURE
    assert sms.attempts == 1
    assert "не может доставить SMS" in sms.failure_reason
    assert sms.finished_at is not None


def test_temporary_sms_failures_retry_with_back_off_then_fail(run_tasks):
    user = citizen(phone=TEMPORARY_FAILURE_NUMBER)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        notify(user.pk, "appointment_reminder", place="МФЦ", time="24.11.2026 11:30")
        run_tasks()
        sms = Delivery.objects.get(channel="sms")
        assert sms.status == Delivery.Status.TEMPORARY_FAILURE
        assert sms.next_attempt_at == start + timedelta(minutes=1)

        assert services.send_due() == 0  # not due yet
        delays = []
        for _attempt in range(2, services.MAX_ATTEMPTS + 1):
            sms.refresh_from_db()
            delays.append(sms.next_attempt_at - timezone.now())
            clock.move_to(sms.next_attempt_at)
            assert services.send_due() == 1
        sms.refresh_from_db()

    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert sms.status == Delivery.Status.PERMANENT_FAILURE
    assert sms.attempts == services.MAX_ATTEMPTS
    assert sms.failure_reason.startswith("Не доставлено за 8 попыток")
    assert SandboxMessage.objects.filter(recipient=TEMPORARY_FAILURE_NUMBER).count() == 8


def test_email_server_down_is_a_temporary_failure(run_tasks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    user = citizen()
    notify(user.pk, "document_ready", document="Справка")
    run_tasks()
    mail = Delivery.objects.get(channel="email")
    assert mail.status == Delivery.Status.TEMPORARY_FAILURE
    assert "Почтовый сервер недоступен" in mail.failure_reason


def test_a_delivery_stuck_in_sending_is_retried():
    user = citizen()
    notify(user.pk, "document_ready", document="Справка")
    events.drain()
    Delivery.objects.update(status=Delivery.Status.SENDING, attempts=1)
    with time_machine.travel(timezone.now() + services.STUCK_AFTER + timedelta(seconds=1)):
        assert services.send_due() == 1
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_duplicate_and_late_receipts_change_nothing():
    user = citizen()
    notify(user.pk, "appointment_reminder", place="МФЦ", time="24.11.2026 11:30")
    events.drain()
    sms = Delivery.objects.get(channel="sms")
    Delivery.objects.filter(pk=sms.pk).update(status=Delivery.Status.SENDING, provider_id="p-1")

    assert services.apply_receipt(channel="sms", provider_id="p-1", status="delivered")
    assert not services.apply_receipt(channel="sms", provider_id="p-1", status="delivered")
    assert not services.apply_receipt(
        channel="sms", provider_id="p-1", status="permanent-failure", reason="late"
    )
    assert not services.apply_receipt(channel="sms", provider_id="unknown", status="delivered")
    sms.refresh_from_db()
    assert sms.status == Delivery.Status.DELIVERED
    assert sms.failure_reason == ""


def test_sms_accepted_as_sending_is_delivered_by_the_operators_report():
    user = citizen(phone=DELAYED_REPORT_NUMBER)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        notify(user.pk, "appointment_reminder", place="МФЦ", time="24.11.2026 11:30")
        events.drain()
        services.send_due()
        sms = Delivery.objects.get(channel="sms")
        assert sms.status == Delivery.Status.SENDING
        assert sms.provider_id

        clock.move_to(start + timedelta(seconds=30))
        services.send_due()  # too early to ask
        sms.refresh_from_db()
        assert sms.status == Delivery.Status.SENDING

        clock.move_to(start + timedelta(seconds=61))
        services.send_due()  # the report is in
        sms.refresh_from_db()
        assert sms.status == Delivery.Status.DELIVERED
        assert not services.apply_receipt(
            channel="sms", provider_id=sms.provider_id, status="delivered"
        )
    assert SandboxMessage.objects.filter(recipient=DELAYED_REPORT_NUMBER).count() == 1

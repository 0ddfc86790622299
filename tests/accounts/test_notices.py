"""Security notices reach the owner's phone and e-mail through the outbox and the
notification centre (sent at once, retried by the centre, by the preferences)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from gosportal.accounts.notices import send_security_notice
from gosportal.core import events
from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.sms.sandbox import TEMPORARY_FAILURE_NUMBER
from gosportal.notifications import services
from gosportal.notifications.models import Delivery, Notification, Preference
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("capturing_email"),
]


@pytest.fixture
def capturing_email():
    with override_settings(
        EMAIL_BACKEND="gosportal.integrations.email.sandbox.CapturingEmailBackend"
    ):
        yield


def test_notice_is_sent_by_sms_and_email_after_the_drain():
    user = UserFactory(phone="+79161112233", email="owner@example.ru")
    send_security_notice(user, subject="Вход с нового устройства", text="Вход: Firefox, 192.0.2.1")
    assert not SandboxMessage.objects.exists()  # nothing leaves before delivery
    events.drain()
    sms = SandboxMessage.objects.get(channel="sms")
    mail = SandboxMessage.objects.get(channel="email")
    assert (sms.recipient, sms.body) == ("+79161112233", "Вход: Firefox, 192.0.2.1")
    assert (mail.recipient, mail.subject) == ("owner@example.ru", "Вход с нового устройства")


def test_a_temporary_sms_failure_is_retried_without_resending_the_email():
    user = UserFactory(phone=TEMPORARY_FAILURE_NUMBER, email="owner@example.ru")
    start = timezone.now()
    send_security_notice(user, subject="Пароль изменён", text="Пароль изменён")
    events.drain()
    event = events.OutboxEvent.objects.get(name="accounts.security_notice")
    assert event.processed_at is not None  # the centre owns the retries now
    sms = Delivery.objects.get(channel="sms", notification__user=user)
    assert sms.status == Delivery.Status.TEMPORARY_FAILURE
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        services.send_due()
    sms.refresh_from_db()
    assert sms.attempts == 2
    assert SandboxMessage.objects.filter(channel="sms").count() == 2
    assert SandboxMessage.objects.filter(channel="email").count() == 1


def test_the_notice_follows_the_preferences_but_security_keeps_a_channel():
    user = UserFactory(phone="+79161112233", email="owner@example.ru")
    Preference.objects.create(
        user=user, event_type="security_alert", inbox=False, email=False, sms=True
    )
    send_security_notice(user, subject="Вход", text="Вход: Firefox")
    events.drain()
    assert SandboxMessage.objects.filter(channel="sms").count() == 1
    assert not SandboxMessage.objects.filter(channel="email").exists()
    Preference.objects.filter(user=user).update(sms=False)
    send_security_notice(user, subject="Вход", text="Вход: Chrome")
    events.drain()
    latest = Notification.objects.filter(user=user).order_by("-id").first()
    assert latest.in_inbox  # nothing chosen: the inbox stays for security notices
    assert SandboxMessage.objects.filter(channel="sms").count() == 1


def test_notice_payload_carries_no_contacts():
    user = UserFactory(phone="+79161112233", email="owner@example.ru")
    send_security_notice(user, subject="s", text="t")
    payload = str(events.OutboxEvent.objects.get().payload)
    assert "79161112233" not in payload and "owner@example.ru" not in payload

"""Security notices reach the owner's phone and e-mail through the outbox."""

import pytest
from django.test import override_settings

from gosportal.accounts.notices import send_security_notice
from gosportal.core import events
from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.sms.sandbox import TEMPORARY_FAILURE_NUMBER
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
    send_security_notice(user, subject="Пароль изменён", text="Пароль изменён")
    events.drain()
    events.drain()
    assert SandboxMessage.objects.filter(channel="email").count() == 1
    event = events.OutboxEvent.objects.get(name="accounts.security_notice")
    assert event.processed_at is None and "temporarily" in event.last_error


def test_notice_payload_carries_no_contacts():
    user = UserFactory(phone="+79161112233", email="owner@example.ru")
    send_security_notice(user, subject="s", text="t")
    payload = str(events.OutboxEvent.objects.get().payload)
    assert "79161112233" not in payload and "owner@example.ru" not in payload

"""Sandbox SMS gateway, captured e-mail, real SMTP delivery and the dev outbox page."""

import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import override_settings

from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.sms import sandbox
from gosportal.integrations.sms.base import SmsError, get_sms_gateway

pytestmark = pytest.mark.django_db


def test_sandbox_sms_is_delivered_and_recorded():
    receipt = get_sms_gateway().send(to="+79161234567", text="Код подтверждения: 123456")
    assert receipt.status == "delivered"
    message = SandboxMessage.objects.get(provider_id=receipt.provider_id)
    assert (message.channel, message.recipient, message.body) == (
        "sms",
        "+79161234567",
        "Код подтверждения: 123456",
    )


def test_sandbox_sms_magic_number_fails_permanently():
    with pytest.raises(SmsError) as caught:
        get_sms_gateway().send(to=sandbox.PERMANENT_FAILURE_NUMBER, text="x")
    assert caught.value.temporary is False
    assert SandboxMessage.objects.get().status == "permanent-failure"


def test_sandbox_sms_magic_number_fails_temporarily():
    with pytest.raises(SmsError) as caught:
        get_sms_gateway().send(to=sandbox.TEMPORARY_FAILURE_NUMBER, text="x")
    assert caught.value.temporary is True


@pytest.mark.parametrize(
    ("number", "reported"),
    [
        (sandbox.REPORTED_PERMANENT_FAILURE_NUMBER, "permanent-failure"),
        (sandbox.REPORTED_TEMPORARY_FAILURE_NUMBER, "temporary-failure"),
    ],
)
def test_sandbox_sms_accepts_and_reports_the_failure_later(number, reported):
    gateway = get_sms_gateway()
    receipt = gateway.send(to=number, text="x")
    assert receipt.status == "sending"  # accepted by the operator, fate unknown yet
    assert gateway.status(provider_id=receipt.provider_id).status == reported
    sandbox.forget_owed_receipts()


@pytest.mark.parametrize("number", ["89161234567", "+1650555123", "+7916123456"])
def test_sandbox_sms_refuses_numbers_not_in_e164_russian_form(number):
    with pytest.raises(SmsError):
        get_sms_gateway().send(to=number, text="x")
    assert not SandboxMessage.objects.exists()


@override_settings(EMAIL_BACKEND="gosportal.integrations.email.sandbox.CapturingEmailBackend")
def test_captured_email_keeps_subject_body_and_html():
    message = mail.EmailMultiAlternatives("Подтвердите адрес", "Текст", to=["ivan@example.ru"])
    message.attach_alternative("<p>HTML</p>", "text/html")
    assert message.send() == 1
    stored = SandboxMessage.objects.get(channel="email")
    assert (stored.subject, stored.body, stored.html_body) == (
        "Подтвердите адрес",
        "Текст",
        "<p>HTML</p>",
    )


class Collector:
    def __init__(self):
        self.envelopes = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.received.set()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()


def test_production_email_goes_through_a_real_smtp_server(smtp_server):
    controller, collector = smtp_server
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=controller.hostname,
        EMAIL_PORT=controller.port,
    ):
        sent = mail.send_mail("Вход в кабинет", "Вы вошли в кабинет.", None, ["anna@example.ru"])
    assert sent == 1
    assert collector.received.wait(5)
    envelope = collector.envelopes[0]
    assert envelope.rcpt_tos == ["anna@example.ru"]
    assert b"Subject: =?utf-8?" in envelope.content
    assert not SandboxMessage.objects.exists()


def test_smtp_server_down_is_an_error_not_a_silent_loss():
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=free_port(),
            EMAIL_TIMEOUT=2,
        ),
        pytest.raises(OSError),
    ):
        mail.send_mail("x", "y", None, ["anna@example.ru"])


@override_settings(
    DEV_OUTBOX_ENABLED=True,
    EMAIL_BACKEND="gosportal.integrations.email.sandbox.CapturingEmailBackend",
)
def test_dev_outbox_page_lists_captured_sms_and_email(client):
    get_sms_gateway().send(to="+79161234567", text="Код: 654321")
    mail.send_mail("Тема письма-проверки", "Ссылка", None, ["a@example.ru"])
    html = client.get("/dev/outbox/").content.decode()
    assert "Код: 654321" in html and "Тема письма-проверки" in html
    sms_only = client.get("/dev/outbox/?channel=sms").content.decode()
    assert "Код: 654321" in sms_only and "Тема письма-проверки" not in sms_only


@override_settings(DEV_OUTBOX_ENABLED=True)
def test_dev_outbox_ignores_an_unknown_channel_filter(client):
    assert client.get("/dev/outbox/?channel=<x>").status_code == 200


@override_settings(DEV_OUTBOX_ENABLED=False)
def test_dev_outbox_page_is_absent_when_debug_is_off(client):
    get_sms_gateway().send(to="+79161234567", text="Код: 654321")
    response = client.get("/dev/outbox/")
    assert response.status_code == 404
    assert "654321" not in response.content.decode()

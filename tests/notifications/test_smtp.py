"""E-mail goes through Django's SMTP backend to a real local SMTP server (aiosmtpd): an
accepted address is delivered with its HTML part, a refused one fails for good."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller

from gosportal.core.notify import notify
from gosportal.notifications.models import Delivery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
REFUSED = "gone@example.ru"


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


def test_email_is_delivered_through_smtp_with_an_html_part(smtp, run_tasks):
    user = UserFactory(email_confirmed=True)
    notify(user.pk, "payment_made", what="Госпошлина", amount="1 500,00 ₽")
    run_tasks()

    assert Delivery.objects.get(channel="email").status == Delivery.Status.DELIVERED
    [message] = smtp.messages
    assert message["To"] == user.email
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "Госпошлина" in parts["text/plain"].get_payload(decode=True).decode()
    assert "<a href=" in parts["text/html"].get_payload(decode=True).decode()


def test_address_refused_by_the_server_fails_for_good(smtp, run_tasks):
    user = UserFactory(email=REFUSED, email_confirmed=True)
    notify(user.pk, "payment_made", what="Госпошлина", amount="1 500,00 ₽")
    run_tasks()

    delivery = Delivery.objects.get(channel="email")
    assert delivery.status == Delivery.Status.PERMANENT_FAILURE
    assert delivery.failure_reason == "Почтовый сервер отклонил адрес"
    assert smtp.messages == []

"""NOT-4: the worker claims due deliveries in batches, sends a batch together and records
its outcomes in one statement; two workers never take the same delivery; security
notices leave the machine only after the outbox batch that made them has committed."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from gosportal.accounts.notices import send_security_notice
from gosportal.core import events
from gosportal.core.notify import notify
from gosportal.integrations.models import SandboxMessage
from gosportal.notifications import services
from gosportal.notifications.models import Delivery
from tests.factories import UserFactory

CAPTURING = "gosportal.integrations.email.sandbox.CapturingEmailBackend"
APP = {"application_number": "2026-000777", "service": "Замена паспорта", "question": "Скан"}


def _queue(count: int) -> list:
    users = [UserFactory(email_confirmed=True) for _ in range(count)]
    for user in users:
        notify(user.pk, "clarification_requested", **APP)  # inbox, e-mail and SMS
    events.drain()
    return users


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=CAPTURING)
def test_a_batch_costs_the_same_statements_for_one_delivery_or_sixty():
    def statements(count: int) -> int:
        users = _queue(count)
        with CaptureQueriesContext(connection) as queries:
            assert services.send_batch(Delivery.objects.all()) == 2 * count
        assert set(
            Delivery.objects.filter(notification__user__in=users).values_list("status", flat=True)
        ) == {Delivery.Status.DELIVERED}
        return len(queries.captured_queries)

    # claim, read, one insert per sandbox channel, one update of the outcomes (and the
    # transactions' savepoints around them)
    assert statements(30) == statements(1) <= 10
    assert SandboxMessage.objects.filter(channel="sms").count() == 31
    assert SandboxMessage.objects.filter(channel="email").count() == 31


@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=CAPTURING)
def test_workers_sending_at_once_never_send_a_delivery_twice():
    users = _queue(40)
    barrier = threading.Barrier(3)
    errors = []

    def worker():
        try:
            barrier.wait()
            while services.send_batch(Delivery.objects.all(), limit=7):
                pass
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    for user in users:
        assert SandboxMessage.objects.filter(channel="sms", recipient=user.phone).count() == 1
        assert SandboxMessage.objects.filter(channel="email", recipient=user.email).count() == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=CAPTURING)
def test_a_security_notice_leaves_only_after_its_outbox_batch_commits():
    user = UserFactory(phone="+79161112244", email="owner@example.ru")
    seen_while_handling = []

    # Runs after the notification centre's subscriber, inside the same batch.
    @events.subscribe("accounts.security_notice", name="tests.observer")
    def observe(event):
        seen_while_handling.append(SandboxMessage.objects.filter(recipient=user.phone).count())

    try:
        send_security_notice(user, subject="Пароль изменён", text="Пароль изменён")
        events.drain()
    finally:
        events.unsubscribe("accounts.security_notice", "tests.observer")
    assert seen_while_handling == [0]  # the deliveries existed, nothing had left yet
    assert SandboxMessage.objects.filter(recipient=user.phone).count() == 1  # then, at once
    assert Delivery.objects.get(channel="sms").status == Delivery.Status.DELIVERED

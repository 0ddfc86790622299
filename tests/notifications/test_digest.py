"""The daily digest: types set to «раз в день» wait and go in one e-mail at 9:00 in the
user's time zone; critical types are never held for it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gosportal.core import events
from gosportal.core.notify import notify
from gosportal.notifications import services
from gosportal.notifications.models import Delivery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def test_digest_gathers_the_days_messages_into_one_email(mailoutbox):
    user = UserFactory(email_confirmed=True, time_zone="Europe/Moscow")
    with time_machine.travel(datetime(2026, 11, 23, 15, 0, tzinfo=MOSCOW), tick=False):
        notify(user.pk, "certificate_expiring", document="Загранпаспорт", date="15.01.2027")
        notify(user.pk, "announcement", text="Портал будет недоступен ночью.")
        events.drain()
        assert services.send_due() == 0
        assert services.send_digests() == 0

    with time_machine.travel(datetime(2026, 11, 24, 8, 59, tzinfo=MOSCOW), tick=False):
        assert services.send_digests() == 0
    assert mailoutbox == []

    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=MOSCOW), tick=False):
        assert services.send_digests() == 1
        assert services.send_digests() == 0  # nothing twice

    [mail] = mailoutbox
    assert mail.to == [user.email]
    assert mail.subject == "Сводка уведомлений Госпортала: 1"
    assert "Истекает срок действия: Загранпаспорт" in mail.body
    # «Техническое сообщение» goes to the inbox only by default, so it is not in the e-mail.
    assert "Техническое сообщение" not in mail.body
    delivery = Delivery.objects.get(channel="email")
    assert delivery.status == Delivery.Status.DELIVERED


def test_digest_time_follows_the_users_zone(mailoutbox):
    user = UserFactory(email_confirmed=True, time_zone="Asia/Vladivostok")
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=VLADIVOSTOK), tick=False):
        notify(user.pk, "certificate_expiring", document="Полис", date="01.12.2026")
        events.drain()
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=VLADIVOSTOK), tick=False):
        assert services.send_digests() == 1
    assert len(mailoutbox) == 1


def test_failed_digest_waits_for_the_next_run(settings, mailoutbox):
    user = UserFactory(email_confirmed=True, time_zone="Europe/Moscow")
    with time_machine.travel(datetime(2026, 11, 23, 15, 0, tzinfo=MOSCOW), tick=False):
        notify(user.pk, "certificate_expiring", document="Полис", date="01.12.2026")
        events.drain()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=MOSCOW), tick=False):
        assert services.send_digests() == 0
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DIGEST
    assert "Почтовый сервер недоступен" in delivery.failure_reason

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(datetime(2026, 11, 24, 9, 15, tzinfo=MOSCOW), tick=False):
        assert services.send_digests() == 1
    assert len(mailoutbox) == 1

"""NOT-4: «История уведомлений» shows each delivery with channel, time, status and the
reason of a failure, prompts to fix a contact that fails, and only the user's own."""

import pytest
from django.urls import reverse

from gosportal.integrations.sms.sandbox import PERMANENT_FAILURE_NUMBER
from gosportal.notifications import services
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.notifications.helpers import notification_for

pytestmark = pytest.mark.django_db


def test_history_shows_each_channel_with_status_and_reason(client):
    user = UserFactory(email_confirmed=True, phone=PERMANENT_FAILURE_NUMBER)
    notification_for(user, "appointment_reminder", place="МФЦ", time="24.11.2026 11:30")
    notification_for(user, "document_ready", document="Справка")
    services.send_due()
    notification_for(UserFactory(email_confirmed=True), "document_ready", document="Чужая")
    sign_in_as(client, user)

    page = client.get(reverse("notifications:history")).content.decode()

    assert "Напоминание о приёме 24.11.2026 11:30" in page
    assert "Оператор не может доставить SMS на этот номер" in page
    assert "Документ готов: Справка" in page
    assert "Доставлено" in page and "Не доставлено" in page
    assert "Чужая" not in page
    assert "SMS на ваш телефон не доставляются" in page


def test_history_filters_by_channel(client):
    user = UserFactory(email_confirmed=True)
    notification_for(user, "appointment_reminder", place="МФЦ", time="24.11.2026 11:30")
    notification_for(user, "document_ready", document="Справка")
    sign_in_as(client, user)

    page = client.get(reverse("notifications:history"), {"channel": "email"}).content.decode()
    assert "Документ готов: Справка" in page
    assert "Напоминание о приёме" not in page

    everything = client.get(reverse("notifications:history"), {"channel": "<b>"})
    assert everything.status_code == 200
    assert "Напоминание о приёме" in everything.content.decode()


def test_history_needs_sign_in(client):
    assert client.get(reverse("notifications:history")).status_code == 302


def test_the_prompt_goes_once_the_last_message_of_the_channel_is_delivered(client):
    user = UserFactory(email_confirmed=True, phone=PERMANENT_FAILURE_NUMBER)
    notification_for(user, "appointment_reminder", place="МФЦ", time="24.11.2026 11:30")
    services.send_due()
    assert services.undelivered_contacts(user) == {"sms"}

    user.phone = "+79161234567"  # the person fixed the number
    user.save(update_fields=["phone"])
    notification_for(user, "appointment_reminder", place="МФЦ", time="25.11.2026 11:30")
    services.send_due()

    assert services.undelivered_contacts(user) == set()
    sign_in_as(client, user)
    page = client.get(reverse("notifications:history")).content.decode()
    assert "SMS на ваш телефон не доставляются" not in page

"""NOT-2: the preference matrix (channels per event type, frequency, quiet hours) is saved
after a one-time code and honoured; security events keep at least one channel."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from gosportal.core import events
from gosportal.core.notify import notify
from gosportal.notifications import preferences, services
from gosportal.notifications.models import Delivery, Notification, Preference, QuietHours
from gosportal.notifications.types import EVENT_TYPES
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.notifications.helpers import last_code

pytestmark = pytest.mark.django_db
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def user():
    return UserFactory(email_confirmed=True, time_zone="Europe/Moscow")


@pytest.fixture
def signed_in(client, user):
    return sign_in_as(client, user)


def defaults_form() -> dict:
    data = {}
    for key, etype in EVENT_TYPES.items():
        for channel in preferences.defaults_for(etype).channels:
            data[f"{key}__{channel}"] = "on"
        if not etype.critical:
            data[f"{key}__frequency"] = etype.frequency
    return data


def save(client, user, data) -> object:
    response = client.post(reverse("notifications:settings"), data)
    assert response.status_code == 302, response.content.decode()
    return client.post(
        reverse("notifications:confirm"), {"code": last_code(user.phone)}, follow=True
    )


def test_settings_page_shows_the_defaults_as_labelled_checkboxes(signed_in):
    page = signed_in.get(reverse("notifications:settings")).content.decode()
    assert '<label for="id_status_changed__email" class="visually-hidden">' in page
    assert 'id="id_status_changed__email" checked' in page
    assert 'id="id_status_changed__sms"' in page
    assert 'id="id_status_changed__sms" checked' not in page


def test_saving_needs_the_code_then_applies(signed_in, user):
    data = defaults_form()
    data["new_charge__sms"] = "on"
    data["announcement__frequency"] = "immediately"
    data["quiet_start"], data["quiet_end"] = "22:00", "08:00"

    signed_in.post(reverse("notifications:settings"), data)
    assert not Preference.objects.filter(user=user).exists()  # nothing before the code

    response = signed_in.post(
        reverse("notifications:confirm"), {"code": last_code(user.phone)}, follow=True
    )

    assert "Настройки уведомлений сохранены." in response.content.decode()
    charge = Preference.objects.get(user=user, event_type="new_charge")
    assert charge.channels() == {"inbox", "email", "sms"}
    assert Preference.objects.get(user=user, event_type="announcement").frequency == "immediately"
    assert Preference.objects.filter(user=user).count() == 2  # the rest keep the defaults
    quiet = QuietHours.objects.get(user=user)
    assert (quiet.start, quiet.end) == (time(22), time(8))


def test_wrong_code_saves_nothing_and_says_why(signed_in, user):
    data = defaults_form()
    data["new_charge__sms"] = "on"
    signed_in.post(reverse("notifications:settings"), data)
    response = signed_in.post(reverse("notifications:confirm"), {"code": "000000"})
    assert "Неверный код" in response.content.decode()
    assert not Preference.objects.filter(user=user).exists()


def test_security_events_cannot_be_switched_off_entirely(signed_in, user):
    data = defaults_form()
    for channel in ("inbox", "email", "sms"):
        data.pop(f"security_alert__{channel}", None)
    data["new_charge__sms"] = "on"

    response = signed_in.post(reverse("notifications:settings"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "оставьте хотя бы один способ" in page
    assert 'id="id_new_charge__sms" checked' in page  # what the user typed is kept
    assert not Preference.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quiet_start", "25:99", "Введите правильное время."),
        ("new_charge__frequency", "hourly", "Выберите корректный вариант."),
    ],
)
def test_bad_input_is_refused_with_a_message(signed_in, user, field, value, message):
    data = defaults_form()
    data[field] = value
    data.setdefault("quiet_end", "08:00")
    response = signed_in.post(reverse("notifications:settings"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Preference.objects.filter(user=user).exists()


def test_quiet_hours_need_both_ends(signed_in, user):
    data = {**defaults_form(), "quiet_start": "22:00"}
    response = signed_in.post(reverse("notifications:settings"), data)
    assert "Укажите и начало, и конец тихих часов" in response.content.decode()


def test_confirm_without_a_started_save_goes_back(signed_in):
    response = signed_in.get(reverse("notifications:confirm"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:settings")


def test_pending_save_of_another_user_is_not_applied(client, user):
    other = UserFactory(email_confirmed=True)
    sign_in_as(client, other)
    session = client.session
    session[preferences.SESSION_KEY] = {"user_id": user.pk, "at": 0, "matrix": {}}
    session.save()
    assert client.get(reverse("notifications:confirm")).status_code == 302


def test_chosen_channels_are_honoured(user):
    preferences.save_preferences(
        user=user,
        matrix={
            **{k: set(preferences.defaults_for(t).channels) for k, t in EVENT_TYPES.items()},
            "document_ready": {"sms"},
        },
        frequencies={},
        quiet_start=None,
        quiet_end=None,
    )
    notify(user.pk, "document_ready", document="Справка")
    events.drain()
    notification = Notification.objects.get(user=user)
    assert not notification.in_inbox
    assert {d.channel for d in notification.deliveries.all()} == {"sms"}


def test_service_refuses_to_switch_security_off():
    from gosportal.core.errors import InvalidInput

    matrix = {k: set(preferences.defaults_for(t).channels) for k, t in EVENT_TYPES.items()}
    matrix["new_sign_in"] = set()
    with pytest.raises(InvalidInput) as error:
        preferences.check_choices(matrix, {})
    assert error.value.field == "new_sign_in__channels"


def test_quiet_hours_hold_sms_until_morning_but_not_security(user):
    QuietHours.objects.create(user=user, start=time(22), end=time(8))
    night = datetime(2026, 11, 23, 23, 30, tzinfo=MOSCOW)
    with time_machine.travel(night, tick=False):
        notify(user.pk, "appointment_reminder", place="МФЦ", time="24.11 11:30")
        notify(user.pk, "new_sign_in", device="Chrome", time="23.11 23:30")
        events.drain()  # security: sent at once by the outbox handler
        assert services.send_due() == 0  # the reminder waits for the morning

    reminder = Delivery.objects.get(notification__event_type="appointment_reminder")
    assert reminder.status == Delivery.Status.QUEUED
    assert reminder.next_attempt_at == datetime(2026, 11, 24, 8, 0, tzinfo=MOSCOW)
    sign_in = Delivery.objects.filter(notification__event_type="new_sign_in")
    assert {d.status for d in sign_in} == {Delivery.Status.DELIVERED}

    with time_machine.travel(datetime(2026, 11, 24, 8, 0, 1, tzinfo=MOSCOW), tick=False):
        services.send_due()
    reminder.refresh_from_db()
    assert reminder.status == Delivery.Status.DELIVERED

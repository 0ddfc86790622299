"""MOB-1 web push: devices subscribe in the settings, notifications go to a push service
encrypted for the device and signed with the portal's VAPID key; gone devices are
dropped, busy services are retried with back-off."""

from datetime import timedelta

import pytest
import time_machine
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gosportal.core import events
from gosportal.core.notify import notify
from gosportal.notifications import push, services
from gosportal.notifications.models import Delivery, Notification, PushSubscription
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.notifications.push_endpoint import Browser, b64, start_push_service, verify_vapid

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
APP = {"application_number": "2026-000777", "service": "Замена паспорта", "status": "Принято"}


@pytest.fixture(autouse=True)
def _loopback_push_service_allowed(settings):
    settings.WEB_PUSH_INSECURE_HOSTS = ["127.0.0.1"]


@pytest.fixture
def push_service():
    service, server = start_push_service()
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture
def user():
    return UserFactory(email_confirmed=True)


@pytest.fixture
def signed_in(client, user):
    return sign_in_as(client, user)


def subscribe(client, subscription, **extra):
    return client.post(
        reverse("notifications:push_subscribe"),
        data=subscription,
        content_type="application/json",
        HTTP_USER_AGENT=CHROME,
        **extra,
    )


def device_of(user, service, browser, name="device-1") -> PushSubscription:
    return push.subscribe(
        user=user, data=browser.subscription(service.endpoint(name)), user_agent=CHROME
    )


# --- subscriptions ----------------------------------------------------------------------


def test_browser_subscription_is_stored_encrypted_with_the_device_name(
    signed_in, user, push_service
):
    browser = Browser()
    response = subscribe(signed_in, browser.subscription(push_service.endpoint()))

    assert response.status_code == 201
    device = PushSubscription.objects.get(user=user)
    assert device.endpoint == push_service.endpoint()
    assert device.label == "Chrome, Windows"
    assert response.json() == {"id": device.pk, "label": "Chrome, Windows"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT endpoint, auth FROM notifications_pushsubscription")
        stored_endpoint, stored_auth = cursor.fetchone()
    assert "127.0.0.1" not in stored_endpoint
    assert browser.subscription("x")["keys"]["auth"] not in stored_auth
    page = signed_in.get(reverse("notifications:settings")).content.decode()
    assert "Chrome, Windows" in page and "Отключить" in page


def test_subscribing_the_same_browser_twice_keeps_one_device(signed_in, user, push_service):
    browser = Browser()
    subscribe(signed_in, browser.subscription(push_service.endpoint()))
    subscribe(signed_in, browser.subscription(push_service.endpoint()))
    assert PushSubscription.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "Браузер прислал подписку в неверном формате."),
        (
            {"endpoint": "https://evil.example.com/x", "keys": {}},
            "Адрес подписки не принадлежит известной службе push-уведомлений.",
        ),
        (
            {"endpoint": "http://127.0.0.1:9/push/x", "keys": {"p256dh": "AAAA", "auth": "x"}},
            "Ключ p256dh подписки неверен.",
        ),
    ],
)
def test_bad_subscription_is_refused_with_a_russian_message(signed_in, user, body, message):
    response = signed_in.post(
        reverse("notifications:push_subscribe"),
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == message
    assert not PushSubscription.objects.exists()


def test_short_auth_secret_is_refused(signed_in, push_service):
    data = Browser().subscription(push_service.endpoint())
    data["keys"]["auth"] = "c2hvcnQ"
    response = subscribe(signed_in, data)
    assert response.status_code == 400
    assert response.json()["error"] == "Ключ auth подписки неверен."


def test_subscribing_needs_sign_in_and_the_csrf_token(client, user, push_service):
    data = Browser().subscription(push_service.endpoint())
    assert subscribe(client, data).status_code == 302
    from django.test import Client

    strict = sign_in_as(Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1"), user)
    assert subscribe(strict, data).status_code == 403
    assert not PushSubscription.objects.exists()


def test_disconnecting_a_device_deletes_it(signed_in, user, push_service):
    device = device_of(user, push_service, Browser())
    response = signed_in.post(reverse("notifications:push_unsubscribe", args=[device.pk]))
    assert response.status_code == 302
    assert not PushSubscription.objects.filter(pk=device.pk).exists()
    page = signed_in.get(response.url).content.decode()
    assert "Устройство отключено от push-уведомлений." in page


def test_another_users_device_cannot_be_disconnected(signed_in, push_service):
    other = UserFactory()
    device = device_of(other, push_service, Browser())
    response = signed_in.post(reverse("notifications:push_unsubscribe", args=[device.pk]))
    assert response.status_code == 404
    assert PushSubscription.objects.filter(pk=device.pk).exists()


def test_push_column_is_offered_only_with_a_device(signed_in, user, push_service):
    page = signed_in.get(reverse("notifications:settings")).content.decode()
    assert 'name="status_changed__push"' in page
    assert "Нет устройств с включёнными push-уведомлениями." in page
    assert push.public_key() in page


# --- sending ----------------------------------------------------------------------------


def status_change(user) -> Delivery:
    notify(user.pk, "status_changed", **APP)
    events.drain()
    return Delivery.objects.get(notification__user=user, channel="push")


def test_notification_reaches_the_device_encrypted_and_signed(user, push_service, settings):
    browser = Browser()
    device_of(user, push_service, browser)
    delivery = status_change(user)

    services.send_due()

    (request,) = push_service.received
    assert request.path == "/push/device-1"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == str(settings.WEB_PUSH_TTL)
    claims = verify_vapid(
        request.headers, audience=push_service.origin, public_key=push.public_key()
    )
    assert claims["sub"] == settings.VAPID_SUBJECT
    notification = Notification.objects.get(user=user)
    assert browser.decrypt(request.body) == {
        "id": notification.pk,
        "title": "Новый статус заявления 2026-000777",
        "url": notification.link,
    }
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert PushSubscription.objects.get(user=user).last_success_at is not None


def test_each_send_signs_a_fresh_token(user, push_service):
    device_of(user, push_service, Browser())
    status_change(user)
    services.send_due()
    with time_machine.travel(timezone.now() + timedelta(hours=13)):
        notify(user.pk, "status_changed", **APP)
        events.drain()
        services.send_due()
    first, second = push_service.received
    first_exp = verify_vapid(
        first.headers, audience=push_service.origin, public_key=push.public_key()
    )
    with time_machine.travel(timezone.now() + timedelta(hours=13)):
        second_exp = verify_vapid(
            second.headers, audience=push_service.origin, public_key=push.public_key()
        )
    assert second_exp["exp"] > first_exp["exp"]


def test_gone_device_is_deleted_and_the_delivery_fails_for_good(user, push_service):
    device_of(user, push_service, Browser())
    push_service.answers = [410]
    delivery = status_change(user)

    services.send_due()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PERMANENT_FAILURE
    assert delivery.failure_reason == "Устройство отключило уведомления"
    assert not PushSubscription.objects.filter(user=user).exists()


def test_one_gone_device_does_not_fail_the_others(user, push_service):
    device_of(user, push_service, Browser(), "old")
    device_of(user, push_service, Browser(), "new")
    push_service.answers = [404, 201]
    delivery = status_change(user)
    services.send_due()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert PushSubscription.objects.filter(user=user).count() == 1


def test_busy_push_service_is_retried_later(user, push_service):
    device_of(user, push_service, Browser())
    push_service.answers = [429]
    start = timezone.now()
    delivery = status_change(user)

    services.send_due()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.TEMPORARY_FAILURE
    assert "429" in delivery.failure_reason
    assert delivery.next_attempt_at >= start + timedelta(minutes=1)
    assert PushSubscription.objects.get(user=user).failures == 1
    services.send_due()  # not due yet
    assert len(push_service.received) == 1

    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        services.send_due()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert len(push_service.received) == 2
    assert PushSubscription.objects.get(user=user).failures == 0


def test_unreachable_push_service_is_a_temporary_failure(user, push_service, settings):
    device_of(user, push_service, Browser())
    PushSubscription.objects.update(endpoint="http://127.0.0.1:9/push/closed")
    delivery = status_change(user)
    services.send_due()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.TEMPORARY_FAILURE


def test_without_a_device_no_push_delivery_is_made(user):
    notify(user.pk, "status_changed", **APP)
    events.drain()
    assert not Delivery.objects.filter(channel="push").exists()


def test_switched_off_push_sends_nothing(user, push_service):
    from gosportal.notifications.models import Preference

    device_of(user, push_service, Browser())
    Preference.objects.create(user=user, event_type="status_changed", inbox=True, push=False)
    notify(user.pk, "status_changed", **APP)
    events.drain()
    services.send_due()
    assert push_service.received == []


def test_deleting_the_account_forgets_the_devices(user, push_service):
    device_of(user, push_service, Browser())
    services.erase_notifications(user)
    assert not PushSubscription.objects.filter(user=user).exists()


def test_a_device_that_turned_push_off_prompts_to_reconnect(signed_in, user, push_service):
    device_of(user, push_service, Browser())
    push_service.answers = [410]
    status_change(user)
    services.send_due()
    page = signed_in.get(reverse("notifications:history")).content.decode()
    assert "Push-уведомления не доставляются: устройство их отключило." in page
    assert "Изменить контакты" not in page


def test_deploy_check_refuses_generated_vapid_and_receipt_secrets():
    from gosportal.core.checks import secrets_from_environment

    assert "VAPID_PRIVATE_KEY" in settings_module().LOCALLY_GENERATED_SECRETS
    messages = [error.msg for error in secrets_from_environment(None)]
    assert "VAPID_PRIVATE_KEY was generated into var/ for local use." in messages
    assert "SMS_RECEIPT_SECRET was generated into var/ for local use." in messages


def settings_module():
    from django.conf import settings

    return settings


def test_public_key_belongs_to_the_private_key(settings):
    from py_vapid import Vapid

    vapid = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    raw = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    assert push.public_key() == b64(raw)


def test_devices_are_in_the_data_export_without_their_keys(user, settings):
    """PROF-7: device name, dates and the push service's host; never the address or keys."""
    import io
    import json
    import zipfile

    from gosportal.accounts.export import build_export

    settings.WEB_PUSH_HOSTS = ["fcm.googleapis.com"]
    browser = Browser()
    data = browser.subscription("https://fcm.googleapis.com/fcm/send/device-token-42")
    device = push.subscribe(user=user, data=data, user_agent=CHROME)
    PushSubscription.objects.filter(pk=device.pk).update(last_success_at=device.created_at)
    archive = zipfile.ZipFile(io.BytesIO(build_export(user=user)))
    [row] = json.loads(archive.read("push_devices.json"))
    assert row == {
        "device": device.label,
        "created_at": device.created_at.isoformat(),
        "last_used_at": device.created_at.isoformat(),
        "push_service": "fcm.googleapis.com",
    }
    assert "Chrome" in row["device"]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for secret in ("device-token-42", data["keys"]["p256dh"], data["keys"]["auth"]):
        assert secret.encode() not in everything
    assert b"push_devices.json" in archive.read("README.txt")

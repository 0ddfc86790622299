"""MOB-1 in the browser: the service worker installs and shows the offline page without
network; «Push-уведомления» in the settings subscribes the device and lists it (axe-clean),
and a notification then reaches the device through the push service.

Headless Chromium cannot reach a real push service, so ``PushManager.subscribe`` is
replaced in the page by one that returns the subscription a browser would make for the
test's local push service (keys made by ``tests.notifications.push_endpoint.Browser``);
everything after it (the page's script, the POST, the server) is the real one.
"""

import json

import pytest
from playwright.sync_api import expect

from gosportal.core import events
from gosportal.core.notify import notify
from gosportal.notifications import services
from gosportal.notifications.models import Delivery, PushSubscription
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.e2e.test_notifications import templates
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.notifications.push_endpoint import Browser, start_push_service

STUB = """
(() => {
  const subscription = %s;
  PushManager.prototype.subscribe = function () {
    return Promise.resolve({ toJSON: () => subscription });
  };
})();
"""


@pytest.fixture
def push_service(settings):
    settings.WEB_PUSH_INSECURE_HOSTS = ["127.0.0.1"]
    service, server = start_push_service()
    yield service
    server.shutdown()
    server.server_close()


def test_device_subscribes_in_the_settings_and_gets_a_push(page, live_server, push_service):
    templates()
    user = UserFactory(email_confirmed=True)
    browser = Browser()
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.context.add_init_script(STUB % json.dumps(browser.subscription(push_service.endpoint())))
    login(page, live_server, user, DEFAULT_PASSWORD)

    page.goto("/notifications/settings/")
    section = page.locator("section.push-devices")
    expect(section.get_by_role("heading", name="Push-уведомления")).to_be_visible()
    expect(section.get_by_text("Нет устройств с включёнными push-уведомлениями.")).to_be_visible()
    section.get_by_role("button", name="Включить push-уведомления на этом устройстве").click()

    expect(section.get_by_role("table", name="Подключённые устройства")).to_contain_text(
        "Chrome", timeout=10_000
    )
    assert PushSubscription.objects.get(user=user).endpoint == push_service.endpoint()
    assert_accessible(page)

    notify(
        user.pk,
        "status_changed",
        application_number="2026-000555",
        service="Паспорт",
        status="Готово",
    )
    events.drain()
    services.send_due()
    (received,) = push_service.received
    assert browser.decrypt(received.body)["title"] == "Новый статус заявления 2026-000555"
    assert Delivery.objects.get(channel="push").status == Delivery.Status.DELIVERED

    section.get_by_role("button", name="Отключить").click()
    expect(page.get_by_text("Устройство отключено от push-уведомлений.")).to_be_visible()
    assert not PushSubscription.objects.filter(user=user).exists()


def test_service_worker_shows_the_offline_page_without_network(page, live_server):
    page.goto("/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.goto("/services/")
        expect(page.locator("h1")).to_have_text("Нет подключения к интернету")
    finally:
        page.context.set_offline(False)
    assert_accessible(page)

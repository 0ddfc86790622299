"""Browser journey of the notification centre: a notification created while the inbox is
open appears without reload and the header counter follows (NOT-1); the inbox, history
and settings pages pass axe; the settings save asks for a code (NOT-2)."""

from playwright.sync_api import expect

from gosportal.notifications.defaults import default_templates
from gosportal.notifications.models import NotificationTemplate, Preference
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.notifications.helpers import last_code, notification_for


def templates() -> None:
    for row in default_templates():  # a transactional test's flush removes migration data
        NotificationTemplate.objects.get_or_create(
            event_type=row["event_type"], channel=row["channel"], defaults=row
        )


def test_new_notification_appears_in_the_open_inbox(page, live_server):
    templates()
    user = UserFactory(email_confirmed=True)
    notification_for(user, "document_ready", document="Старая справка")
    login(page, live_server, user, DEFAULT_PASSWORD)

    page.get_by_role("navigation", name="Учётная запись").get_by_role(
        "link", name="Уведомления"
    ).click()
    expect(page.locator("h1")).to_have_text("Уведомления")
    counter = page.locator("[data-notification-counter] [data-count]")
    expect(counter).to_have_text("1")
    assert_accessible(page)

    notification_for(
        user,
        "status_changed",
        application_number="2026-000321",
        service="Замена паспорта",
        status="Принято в работу",
    )

    first = page.locator("#notification-list > li").first
    expect(first).to_contain_text("Новый статус заявления 2026-000321", timeout=3000)
    expect(counter).to_have_text("2")
    expect(page.locator("#notification-live")).to_contain_text("Новый статус заявления")

    first.get_by_role("button", name="Отметить прочитанным").click()
    expect(counter).to_have_text("1")


def test_without_a_live_stream_the_inbox_polls_for_new_notifications(page, live_server, settings):
    settings.NOTIFICATIONS_POLL_SECONDS = 1
    templates()
    user = UserFactory(email_confirmed=True)
    page.add_init_script("delete window.EventSource;")  # a browser without SSE
    login(page, live_server, user, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("h1")).to_have_text("Уведомления")

    notification_for(user, "document_ready", document="Справка о доходах")

    first = page.locator("#notification-list > li").first
    expect(first).to_contain_text("Справка о доходах", timeout=5000)
    expect(page.locator("[data-notification-counter] [data-count]")).to_have_text("1")


def test_history_and_settings_pass_axe_and_settings_need_a_code(page, live_server):
    templates()
    user = UserFactory(email_confirmed=True)
    notification_for(user, "appointment_reminder", place="МФЦ", time="24.11.2026 11:30")
    login(page, live_server, user, DEFAULT_PASSWORD)

    page.goto(f"{live_server.url}/notifications/history/")
    expect(page.locator("h1")).to_have_text("История уведомлений")
    assert_accessible(page)

    page.goto(f"{live_server.url}/notifications/settings/")
    expect(page.locator("h1")).to_have_text("Настройка уведомлений")
    assert_accessible(page)
    for channel in ("В личном кабинете", "Электронная почта", "SMS"):
        page.get_by_label(f"Предупреждение безопасности: {channel}").uncheck()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("alert")).to_contain_text("оставьте хотя бы один способ")
    assert_accessible(page)

    page.get_by_label("Предупреждение безопасности: SMS").check()
    page.get_by_label("Новое начисление: SMS").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("h1")).to_have_text("Подтверждение настроек уведомлений")
    page.get_by_label("Код из сообщения").fill(last_code(user.phone))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("main")).to_contain_text("Настройки уведомлений сохранены.")
    assert Preference.objects.get(user=user, event_type="new_charge").sms
    expect(page.get_by_label("Новое начисление: SMS")).to_be_checked()

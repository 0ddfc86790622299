"""The idle warning appears before the timeout and «Продолжить сеанс» keeps the session."""

from playwright.sync_api import expect

from gosportal.accounts.models import UserSession
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_idle_warning_offers_to_continue_the_session(page, live_server, settings):
    settings.SESSION_IDLE_SECONDS = 5
    settings.SESSION_ACTIVITY_WRITE_SECONDS = 1
    settings.SESSION_IDLE_WARNING_SECONDS = 3  # the banner shows one second after load
    user = UserFactory()
    login(page, live_server, user, DEFAULT_PASSWORD)
    before = UserSession.objects.get(user=user).last_activity

    banner = page.get_by_role("alert").filter(has_text="Сеанс скоро завершится")
    expect(banner).to_be_visible(timeout=5000)
    assert_accessible(page)
    continue_button = page.get_by_role("button", name="Продолжить сеанс")
    expect(continue_button).to_be_focused()

    with page.expect_response(lambda r: r.url.endswith("/accounts/sessions/keepalive/")) as info:
        continue_button.click()
    assert info.value.status == 200
    expect(banner).to_be_hidden()
    assert UserSession.objects.get(user=user).last_activity > before

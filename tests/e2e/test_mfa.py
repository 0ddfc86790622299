"""Two-factor journey in the browser: enrol an authenticator app, then sign in with it."""

from datetime import timedelta

import pyotp
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from gosportal.accounts.models import Authenticator
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_enrol_totp_then_sign_in_with_password_and_code(page, live_server):
    user = UserFactory(email_confirmed=True)
    login(page, live_server, user, DEFAULT_PASSWORD)

    page.get_by_role("link", name="Безопасность", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Настройки безопасности")
    assert_accessible(page)

    page.get_by_role("link", name="Приложение-аутентификатор").click()
    expect(page.get_by_role("img", name="QR-код для приложения-аутентификатора")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    shown = page.locator("#totp-secret").inner_text()
    assert shown.replace(" ", "") == secret

    # A wrong code first: the error summary names the field.
    page.get_by_label("Код из приложения").fill("12345")
    page.get_by_role("button", name="Подключить").click()
    expect(page.get_by_role("alert")).to_contain_text("Код из приложения")
    assert_accessible(page)

    page.get_by_label("Код из приложения").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Подключить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ваши резервные коды")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="Я сохранил коды").click()
    expect(page.get_by_role("cell", name="Приложение-аутентификатор Основной")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("link", name="Войти", exact=True)).to_be_visible()

    # The next 30-second step, so the code differs from the one used to enrol.
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        page.goto("/accounts/login/")
        page.get_by_label("Телефон, электронная почта или СНИЛС").fill(user.email)
        page.get_by_label("Пароль").fill(DEFAULT_PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Войти").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Подтверждение входа")
        assert_accessible(page)
        page.get_by_label("Код из приложения").fill("000000")
        page.get_by_role("main").get_by_role("button", name="Войти").click()
        expect(page.get_by_role("alert")).to_contain_text("Неверный код из приложения.")
        assert_accessible(page)

        page.get_by_label("Код из приложения").fill(pyotp.TOTP(secret).now())
        page.get_by_role("main").get_by_role("button", name="Войти").click()
        expect(page.get_by_role("button", name="Выйти")).to_be_visible()

    row = Authenticator.objects.get(user=user, kind=Authenticator.Kind.TOTP)
    assert row.last_used_at is not None

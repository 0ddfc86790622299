"""Registration (REG-1) and «Забыли пароль?» (REC-1) in a real browser, with the
strength meter and an accessibility scan of every page visited."""

import re

import pytest
from playwright.sync_api import expect

from gosportal.integrations.models import SandboxMessage
from tests.e2e.axe import assert_accessible
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Ледокол-Ветер7-Зима"


def last_code(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).first()
    return re.search(r"\d{6}", message.body).group()


def test_register_with_phone_code_and_password(page):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Зарегистрироваться").click()
    expect(page.locator("h1")).to_have_text("Регистрация")
    assert_accessible(page)

    page.get_by_label("Мобильный телефон").fill("8 925 765-43-21")
    page.get_by_role("button", name="Получить код").click()
    expect(page.locator("h1")).to_have_text("Подтверждение телефона")
    expect(page.get_by_text("Мы отправили код на +7 925 765-43-21")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Код из сообщения").fill(last_code("+79257654321"))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.locator("h1")).to_have_text("Пароль и соглашение")

    page.locator("#id_password1").fill("qwerty")
    meter = page.locator("#password-meter")
    expect(meter).to_be_visible()
    expect(page.locator("#password-meter-status")).to_contain_text("очень слабый")
    page.locator("#id_password1").fill(PASSWORD)
    expect(page.locator("#password-meter-status")).to_contain_text("надёжный")
    assert_accessible(page)

    page.get_by_label("Повторите пароль").fill(PASSWORD)
    page.get_by_label("Я принимаю").check()
    page.get_by_role("button", name="Создать учётную запись").click()
    expect(page.get_by_text("Добро пожаловать на Госпортал!")).to_be_visible()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    assert_accessible(page)


def test_registration_errors_are_listed_and_accessible(page):
    page.goto("/accounts/register/")
    page.get_by_label("Мобильный телефон").fill("garbage")
    page.get_by_role("button", name="Получить код").click()
    expect(page.locator(".error-summary")).to_contain_text("Номер телефона указан неверно")
    expect(page.get_by_label("Мобильный телефон")).to_have_value("garbage")
    assert_accessible(page)


def test_forgot_password_by_phone(page):
    UserFactory(phone="+79161239876", email="reset@example.ru")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Забыли пароль?").first.click()
    expect(page.locator("h1")).to_have_text("Восстановление пароля")
    assert_accessible(page)

    page.get_by_label("Телефон, электронная почта или СНИЛС").fill("+7 916 123-98-76")
    page.get_by_role("button", name="Получить код").click()
    expect(page.locator("h1")).to_have_text("Код для восстановления")
    assert_accessible(page)

    page.get_by_label("Код из сообщения").fill(last_code("+79161239876"))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.locator("h1")).to_have_text("Новый пароль")
    page.get_by_label("Новый пароль").fill(PASSWORD)
    expect(page.locator("#password-meter-status")).to_contain_text("надёжный")
    assert_accessible(page)
    page.get_by_label("Повторите пароль").fill(PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()

    expect(page.get_by_text("Пароль изменён, все сеансы завершены.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill("reset@example.ru")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()

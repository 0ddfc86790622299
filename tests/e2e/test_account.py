"""Browser journeys of the account pages: two accounts in one browser (REG-6) and an
e-mail change confirmed by codes (REC-3), each page scanned by axe."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from gosportal.integrations.models import SandboxMessage
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory

CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def sandbox_email():
    with override_settings(
        EMAIL_BACKEND="gosportal.integrations.email.sandbox.CapturingEmailBackend"
    ):
        yield


def code_sent_to(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).order_by("-id").first()
    assert message is not None, f"nothing was sent to {recipient}"
    return CODE.search(message.body).group(1)


def test_two_accounts_in_one_browser_switch_back_and_forth(page, live_server):
    anna = UserFactory(display_name="Анна Иванова")
    boris = UserFactory(display_name="Борис Петров")
    login(page, live_server, anna, DEFAULT_PASSWORD)
    menu = page.get_by_role("navigation", name="Учётная запись")

    menu.get_by_role("link", name="Сменить учётную запись").click()
    expect(page.locator("h1")).to_have_text("Сменить учётную запись")
    assert_accessible(page)
    page.get_by_role("button", name="Добавить учётную запись").click()

    expect(page.locator("h1")).to_have_text("Вход в личный кабинет")
    login(page, live_server, boris, DEFAULT_PASSWORD)
    expect(menu).to_contain_text("Борис Петров")

    menu.get_by_role("link", name="Сменить учётную запись").click()
    expect(page.get_by_role("main")).to_contain_text("Анна Иванова")
    assert_accessible(page)
    page.get_by_role("button", name="Переключиться на Анна Иванова").click()
    expect(menu).to_contain_text("Анна Иванова")
    assert_accessible(page)

    menu.get_by_role("link", name="Сменить учётную запись").click()
    page.get_by_role("button", name="Переключиться на Борис Петров").click()
    expect(menu).to_contain_text("Борис Петров")


def test_change_email_with_codes_to_the_new_and_the_old_address(page, live_server, sandbox_email):
    user = UserFactory(email="old@example.ru", display_name="Вера")
    login(page, live_server, user, DEFAULT_PASSWORD)

    page.goto("/accounts/contacts/")
    expect(page.locator("h1")).to_have_text("Контактные данные")
    assert_accessible(page)
    page.get_by_role("link", name="Изменить почту").click()

    page.get_by_label("Новый адрес электронной почты").fill("not-an-address")
    page.get_by_role("button", name="Получить код").click()
    expect(page.get_by_role("alert")).to_contain_text("Адрес электронной почты указан неверно")
    assert_accessible(page)

    page.get_by_label("Новый адрес электронной почты").fill("new@example.ru")
    page.get_by_role("button", name="Получить код").click()
    expect(page.locator("h1")).to_have_text("Подтверждение смены контакта")
    assert_accessible(page)
    page.get_by_label("Код из сообщения").fill(code_sent_to("new@example.ru"))
    page.get_by_role("button", name="Подтвердить").click()

    expect(page.get_by_role("main")).to_contain_text("Шаг 2 из 2")
    page.get_by_label("Код из сообщения").fill(code_sent_to("old@example.ru"))
    page.get_by_role("button", name="Подтвердить").click()

    expect(page.get_by_role("status")).to_contain_text("Адрес электронной почты изменён.")
    expect(page.get_by_role("main")).to_contain_text("new@example.ru")
    assert_accessible(page)
    user.refresh_from_db()
    assert user.email == "new@example.ru" and user.email_confirmed


def test_export_and_deletion_pages_pass_axe(page, live_server):
    user = UserFactory()
    login(page, live_server, user, DEFAULT_PASSWORD)
    page.goto("/accounts/export/")
    expect(page.locator("h1")).to_have_text("Выгрузка моих данных")
    assert_accessible(page)
    # Clicking would start a download, which the browser reports as an aborted navigation.
    token = page.locator("main input[name=csrfmiddlewaretoken]").input_value()
    response = page.request.post("/accounts/export/", form={"csrfmiddlewaretoken": token})
    assert response.status == 200 and response.body()[:2] == b"PK"
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(r'attachment; filename="gosportal-export-[\d-]{10}\.zip"', disposition)

    page.goto("/accounts/delete/")
    expect(page.get_by_role("link", name="Настройки безопасности")).to_be_visible()
    assert_accessible(page)

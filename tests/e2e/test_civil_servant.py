"""Browser journey of a civil-servant account (REG-5, OFF-1): an agency administrator
signs in with an SMS code, lands on «Рабочие места», adds an officer; the officer opens
the link from the e-mail, proves the phone, sets a password, signs in with the SMS code
and lands on the desk."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from gosportal.accounts.models import Authenticator
from gosportal.integrations.models import SandboxMessage
from tests.e2e.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, OfficerFactory

CODE = re.compile(r"\b(\d{6})\b")
LINK = re.compile(r"https?://[^/\s]+(/desk/activate/[A-Za-z0-9]+/)")
PHONE = "+79105551234"
EMAIL = "m.sokolova@tula.example.ru"
NEW_PASSWORD = "Slon-Na-Velosipede-7"


@pytest.fixture
def sandbox_email():
    """Capture e-mail into SandboxMessage (the test runner otherwise swaps the backend)."""
    with override_settings(
        EMAIL_BACKEND="gosportal.integrations.email.sandbox.CapturingEmailBackend"
    ):
        yield


def latest_sms_code(phone: str, text: str) -> str:
    message = (
        SandboxMessage.objects.filter(channel="sms", recipient=phone, body__contains=text)
        .order_by("-id")
        .first()
    )
    assert message is not None, f"no SMS «{text}» to {phone}"
    return CODE.search(message.body).group(1)


def sign_in_with_sms(page, *, login: str, password: str, phone: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill(login)
    page.get_by_label("Пароль").fill(password)
    main = page.get_by_role("main")
    main.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтверждение входа")
    main.get_by_role("button", name="Отправить код").click()
    expect(page.get_by_role("status")).to_contain_text("Код отправлен.")
    page.get_by_label("Код из SMS").fill(latest_sms_code(phone, "Код для входа"))
    main.get_by_role("button", name="Войти").click()


def test_administrator_adds_an_officer_who_activates_and_lands_on_the_desk(
    page, live_server, sandbox_email
):
    admin = OfficerFactory(role="administrator").user
    Authenticator.objects.create(user=admin, kind=Authenticator.Kind.SMS, is_default=True)
    agency = admin.officer.agency

    sign_in_with_sms(page, login=admin.email, password=DEFAULT_PASSWORD, phone=admin.phone)
    expect(page.get_by_role("heading", level=1)).to_have_text("Рабочие места")
    assert page.url.endswith("/desk/")
    assert_accessible(page)

    main = page.get_by_role("main")
    main.get_by_role("link", name="Сотрудники ведомства").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Сотрудники ведомства")
    expect(main).to_contain_text(agency.full_name)
    assert_accessible(page)

    main.get_by_role("link", name="Добавить сотрудника").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Новый сотрудник")
    assert_accessible(page)
    page.get_by_label("Фамилия").fill("Соколова")
    page.locator("#id_first_name").fill("Мария")
    page.get_by_label("Отчество").fill("Игоревна")
    page.get_by_label("Мобильный телефон").fill("8 910 555 12 34")
    page.get_by_label("Электронная почта").fill(EMAIL)
    page.get_by_label("Номер служебного удостоверения").fill("ТУЛ-000123")
    page.get_by_label("Табельный номер").fill("00123")
    page.get_by_label("Должность").fill("Ведущий специалист")
    main.get_by_role("button", name="Добавить и отправить приглашение").click()
    expect(page.get_by_role("alert")).to_contain_text("Выберите роль.")
    expect(page.get_by_label("Фамилия")).to_have_value("Соколова")
    assert_accessible(page)
    page.get_by_label("Роль").select_option(label="Специалист")
    main.get_by_role("button", name="Добавить и отправить приглашение").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Соколова Мария Игоревна")
    expect(main).to_contain_text("Ждёт активации")
    assert_accessible(page)
    page.get_by_role("button", name="Выйти").click()

    mail = SandboxMessage.objects.filter(channel="email", recipient__contains=EMAIL).latest("id")
    path = LINK.search(mail.body).group(1)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Активация служебной учётной записи")
    assert_accessible(page)
    main.get_by_role("button", name="Получить код").click()
    expect(page.get_by_role("status")).to_contain_text("Код отправлен в SMS.")
    page.get_by_label("Код из SMS").fill(latest_sms_code(PHONE, "Код для активации"))
    page.get_by_label("Новый пароль").fill(NEW_PASSWORD)
    page.get_by_label("Повторите пароль").fill(NEW_PASSWORD)
    main.get_by_role("button", name="Активировать").click()
    expect(page.get_by_role("status")).to_contain_text("Учётная запись активирована.")

    sign_in_with_sms(page, login=EMAIL, password=NEW_PASSWORD, phone=PHONE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Рабочие места")
    assert page.url.endswith("/desk/")
    expect(main).to_contain_text(agency.full_name)
    expect(main.get_by_role("link", name="Заявления ведомства")).to_be_visible()
    assert_accessible(page)

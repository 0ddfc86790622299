"""Second factors other than the app, in the browser (AUTH-3, AUTH-4): enrol codes by SMS
and by e-mail and sign in with them, and sign in with a recovery code that works once."""

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from gosportal.accounts import mfa
from gosportal.accounts.models import Authenticator, LoginEvent
from gosportal.integrations.models import SandboxMessage
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory

Kind = Authenticator.Kind
CODE = re.compile(r"\b(\d{6})\b")
SIGNIN_CODE_TEXT = "Код для входа на Госпортал"
# core.otp refuses a second code to the same contact for 60 s; the sign-in after
# enrolment happens later than that, as it would for a person.
AFTER_RESEND_COOLDOWN = timedelta(seconds=61)


@pytest.fixture
def sandbox_email():
    """Capture e-mail into SandboxMessage (the test runner otherwise swaps the backend)."""
    with override_settings(
        EMAIL_BACKEND="gosportal.integrations.email.sandbox.CapturingEmailBackend"
    ):
        yield


def signin_code_sent_to(recipient: str) -> str:
    message = (
        SandboxMessage.objects.filter(recipient=recipient, body__contains=SIGNIN_CODE_TEXT)
        .order_by("-id")
        .first()
    )
    assert message is not None, f"no sign-in code was sent to {recipient}"
    return CODE.search(message.body).group(1)


def open_security_settings(page) -> None:
    page.get_by_role("link", name="Безопасность", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Настройки безопасности")
    assert_accessible(page)


def sign_out(page) -> None:
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("link", name="Войти", exact=True)).to_be_visible()


def password_step(page, user) -> None:
    """The first step of sign-in; a user with a second factor lands on its page."""
    page.goto("/accounts/login/")
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill(user.email)
    page.get_by_label("Пароль").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтверждение входа")
    expect(page.get_by_role("button", name="Выйти")).to_have_count(0)


def enrol_code_method(page, *, link: str, heading: str, label: str, recipient: str) -> None:
    """«Добавить способ» → send a code → type it back → the recovery codes → the list."""
    open_security_settings(page)
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)

    page.get_by_role("button", name="Отправить код").click()
    expect(page.get_by_role("status")).to_contain_text("Код отправлен.")
    expect(page.get_by_role("button", name="Отправить код ещё раз")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(label).fill(signin_code_sent_to(recipient))
    page.get_by_role("button", name="Подключить").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ваши резервные коды")
    expect(page.get_by_role("main")).to_contain_text("Двухфакторная аутентификация включена.")
    expect(page.locator(".recovery-codes li")).to_have_count(mfa.RECOVERY_CODE_COUNT)
    assert_accessible(page)
    page.get_by_role("link", name="Я сохранил коды").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Настройки безопасности")
    expect(page.get_by_role("cell", name=f"{link} Основной")).to_be_visible()
    assert_accessible(page)


def finish_with_sent_code(page, *, hint: str, label: str, recipient: str) -> None:
    """The second-factor page of a code method: «Отправить код», then type the code."""
    main = page.get_by_role("main")
    expect(main).to_contain_text(hint)
    assert_accessible(page)
    main.get_by_role("button", name="Отправить код").click()
    expect(page.get_by_role("status")).to_contain_text("Код отправлен.")
    assert_accessible(page)
    page.get_by_label(label).fill(signin_code_sent_to(recipient))
    main.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()


def history_shows(page, method_text: str) -> None:
    open_security_settings(page)
    page.get_by_role("link", name="История входов").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("История входов")
    row = page.get_by_role("row").filter(has_text=method_text)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Успешный вход")
    assert_accessible(page)


def test_sms_codes_as_the_second_factor(page, live_server):
    user = UserFactory(phone="+79165550101")
    login(page, live_server, user, DEFAULT_PASSWORD)
    enrol_code_method(
        page,
        link="Код по SMS",
        heading="Подключение кодов по SMS",
        label="Код из SMS",
        recipient=user.phone,
    )
    assert Authenticator.objects.get(user=user, kind=Kind.SMS).is_default
    sign_out(page)

    with time_machine.travel(timezone.now() + AFTER_RESEND_COOLDOWN):
        password_step(page, user)
        finish_with_sent_code(
            page, hint="Код придёт в SMS на номер", label="Код из SMS", recipient=user.phone
        )
        history_shows(page, "пароль + код из SMS")

    assert LoginEvent.objects.filter(user=user, method="password+sms", result="success").exists()


def test_email_codes_as_the_second_factor(page, live_server, sandbox_email):
    user = UserFactory(email="vera.codes@example.ru", email_confirmed=True)
    login(page, live_server, user, DEFAULT_PASSWORD)
    enrol_code_method(
        page,
        link="Код по электронной почте",
        heading="Подключение кодов по электронной почте",
        label="Код из письма",
        recipient=user.email,
    )
    assert Authenticator.objects.get(user=user, kind=Kind.EMAIL).is_default
    sign_out(page)

    with time_machine.travel(timezone.now() + AFTER_RESEND_COOLDOWN):
        password_step(page, user)
        finish_with_sent_code(
            page,
            hint="Код придёт на почту v***@example.ru",
            label="Код из письма",
            recipient=user.email,
        )
        history_shows(page, "пароль + код из письма")

    assert LoginEvent.objects.filter(user=user, method="password+email", result="success").exists()


def test_a_recovery_code_signs_in_once(page, live_server):
    user = UserFactory()
    secret = pyotp.random_base32()
    mfa.confirm_totp(user=user, secret=secret, code=pyotp.TOTP(secret).now(), session_key=None)
    codes = mfa.generate_recovery_codes(user=user, session_key=None, announce=False)

    password_step(page, user)
    expect(page.get_by_label("Код из приложения")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Другой способ")).to_be_visible()
    page.get_by_role("link", name="Резервный код").click()
    expect(page.get_by_role("main")).to_contain_text("Введите один из резервных кодов")
    assert_accessible(page)
    page.get_by_label("Резервный код").fill(codes[0].lower())  # typed as the person likes
    page.get_by_role("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    assert_accessible(page)
    assert mfa.recovery_codes_left(user) == mfa.RECOVERY_CODE_COUNT - 1
    assert LoginEvent.objects.filter(user=user, method="password+recovery_code").exists()
    sign_out(page)

    password_step(page, user)
    page.get_by_role("link", name="Резервный код").click()
    page.get_by_label("Резервный код").fill(codes[0])
    page.get_by_role("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_contain_text("Неверный резервный код.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтверждение входа")
    expect(page.get_by_role("button", name="Выйти")).to_have_count(0)
    assert_accessible(page)
    assert mfa.recovery_codes_left(user) == mfa.RECOVERY_CODE_COUNT - 1

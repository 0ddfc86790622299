"""Account deletion in the browser (REC-4): only with a second factor, export offered
first, a code by SMS and the «нельзя отменить» tick; afterwards the login is gone."""

import re
from datetime import timedelta

import pyotp
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from gosportal.accounts import mfa
from gosportal.accounts.models import Authenticator, User
from gosportal.integrations.models import SandboxMessage
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory

CODE = re.compile(r"\b(\d{6})\b")
PHONE = "+79165550202"
EMAIL = "leaving.e2e@example.ru"


def deletion_code_sent_to(phone: str) -> str:
    message = (
        SandboxMessage.objects.filter(recipient=phone, body__contains="УДАЛЕНИЯ")
        .order_by("-id")
        .first()
    )
    assert message is not None, f"no deletion code was sent to {phone}"
    return CODE.search(message.body).group(1)


def submit_password(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill(email)
    page.get_by_label("Пароль").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Войти").click()


def open_deletion_from_security_settings(page) -> None:
    page.get_by_role("link", name="Безопасность", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Настройки безопасности")
    assert_accessible(page)
    page.get_by_role("link", name="Удалить учётную запись").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Удаление учётной записи")
    assert_accessible(page)


def test_delete_the_account_with_a_code_by_sms(page, live_server):
    user = UserFactory(phone=PHONE, email=EMAIL, display_name="Пётр Уходящий")
    secret = pyotp.random_base32()
    # Enrolled half a minute ago, so the code at sign-in is a later, unused one.
    with time_machine.travel(timezone.now() - timedelta(seconds=30), tick=False):
        mfa.confirm_totp(user=user, secret=secret, code=pyotp.TOTP(secret).now(), session_key=None)

    submit_password(page, EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтверждение входа")
    assert_accessible(page)
    page.get_by_label("Код из приложения").fill(pyotp.TOTP(secret).now())
    page.get_by_role("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()

    # A fresh sign-in counts as re-authentication: no password page in between.
    open_deletion_from_security_settings(page)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Удаление нельзя отменить.")
    expect(main.get_by_role("heading", name="Сначала сохраните свои данные")).to_be_visible()
    expect(main.get_by_role("link", name="Скачать мои данные")).to_have_attribute(
        "href", "/accounts/export/"
    )
    expect(main).to_contain_text("Мы отправим код подтверждения на")
    expect(main.get_by_label("Код из сообщения")).to_have_count(0)

    main.get_by_role("button", name="Получить код").click()
    expect(page.get_by_role("status")).to_contain_text("Код отправлен.")
    expect(main).to_contain_text("Код отправлен на")
    assert_accessible(page)
    main.get_by_label("Код из сообщения").fill(deletion_code_sent_to(PHONE))
    main.get_by_label("Я понимаю, что удаление нельзя отменить").check()
    main.get_by_role("button", name="Удалить учётную запись").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Учётная запись удалена")
    expect(page.get_by_role("link", name="Войти", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Выйти")).to_have_count(0)
    assert_accessible(page)

    row = User.objects.get(pk=user.pk)
    assert row.deleted_at is not None
    assert row.phone is None and row.email is None
    assert not row.is_active and not row.has_usable_password()
    assert not Authenticator.objects.filter(user=row).exists()

    submit_password(page, EMAIL)
    expect(page.get_by_role("alert")).to_contain_text("Неверный логин или пароль.")
    expect(page.get_by_role("button", name="Выйти")).to_have_count(0)
    assert_accessible(page)


def test_without_a_second_factor_deletion_asks_to_enable_it_first(page, live_server):
    user = UserFactory()
    login(page, live_server, user, DEFAULT_PASSWORD)

    open_deletion_from_security_settings(page)
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        "Удалить учётную запись можно только при включённой двухфакторной аутентификации"
    )
    expect(main.get_by_role("button", name="Получить код")).to_have_count(0)
    main.get_by_role("link", name="Настройки безопасности").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Настройки безопасности")
    expect(page.get_by_role("main")).to_contain_text("Двухфакторная аутентификация выключена.")
    assert User.objects.get(pk=user.pk).is_active
    assert not SandboxMessage.objects.filter(body__contains="УДАЛЕНИЯ").exists()

"""Browser journey of identity confirmation through an online bank (REG-3): a standard
account picks a partner bank, signs in on the bank's own page, allows sharing its data
and comes back confirmed. The bank's pages are checked for accessibility too."""

import datetime

from playwright.sync_api import expect

from gosportal.accounts.models import User
from gosportal.integrations.bank.sandbox import TEST_PASSWORD, load_test_customers
from gosportal.profiles.models import Profile
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_standard_account_confirmed_through_an_online_bank(page, live_server, browser_problems):
    # The bank's sign-in answers a wrong password with 400 and the form again.
    browser_problems.expect_http_error("/sandbox/bank/severny/authorize", 400)
    load_test_customers()
    user = UserFactory(level=User.Level.STANDARD, display_name="Иван")
    Profile.objects.create(
        user=user,
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        birth_date=datetime.date(1985, 3, 14),
        passport_series="4510",
        passport_number="123456",
        snils="11223344595",
    )
    login(page, live_server, user, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/identity/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Через онлайн-банк")
    assert_accessible(page)

    main.get_by_role("link", name="Войти через Банк «Северный»").click()
    expect(page.locator("h1")).to_have_text("Вход в интернет-банк")
    expect(page.locator(".bank-header__name")).to_have_text("Банк «Северный»")
    assert_accessible(page)
    page.get_by_label("Логин").fill("petrov")
    page.get_by_label("Пароль").fill("wrong-password")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_contain_text("Неверный логин или пароль.")
    expect(page.get_by_label("Логин")).to_have_value("petrov")
    assert_accessible(page)
    page.get_by_label("Пароль").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Войти").click()

    expect(page.locator("h1")).to_have_text("Передача данных на Госпортал")
    expect(page.get_by_role("main")).to_contain_text("Серия и номер паспорта")
    assert_accessible(page)
    page.get_by_role("button", name="Разрешить").click()

    expect(page.get_by_test_id("bank-result")).to_have_text(
        "Личность подтверждена. Учётная запись — подтверждённая."
    )
    assert_accessible(page)
    user.refresh_from_db()
    assert user.level == User.Level.CONFIRMED

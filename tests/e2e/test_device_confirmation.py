"""Browser journey of identity confirmation from a signed-in phone (REG-3): a standard
account on the computer shows a QR code; on the phone, signed in to a confirmed account
of the same person, the link is opened and approved; the computer page shows the result
by itself (polling) and the account is confirmed."""

import datetime

from playwright.sync_api import expect

from gosportal.profiles.models import Profile
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, login
from tests.factories import DEFAULT_PASSWORD, UserFactory

PHONE_VIEWPORT = {"width": 390, "height": 844}


def same_person(level: str, name: str):
    user = UserFactory(level=level, display_name=name)
    Profile.objects.create(
        user=user,
        last_name="Петров",
        first_name="Иван",
        birth_date=datetime.date(1985, 3, 14),
        passport_series="4510",
        passport_number="123456",
    )
    return user


def test_standard_account_confirmed_from_a_signed_in_phone(
    page, browser, live_server, browser_problems
):
    computer_user = same_person("standard", "Иван")
    # The same person's other account (REG-6), confirmed; no second factor enrolled.
    phone_user = same_person("confirmed", "Иван (телефон)")

    login(page, live_server, computer_user, DEFAULT_PASSWORD)
    main = page.get_by_role("main")
    page.goto(f"{live_server.url}/identity/")
    expect(main).to_contain_text("С телефона, где выполнен вход")
    assert_accessible(page)
    main.get_by_role("link", name="Подтвердить с телефона").click()
    expect(page.locator("h1")).to_have_text("Подтверждение с телефона")
    assert_accessible(page)
    main.get_by_role("button", name="Показать QR-код").click()
    expect(
        main.get_by_role("img", name="QR-код со ссылкой для подтверждения личности с телефона")
    ).to_be_visible()
    link = page.get_by_test_id("device-link").inner_text()
    assert_accessible(page)

    phone_context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=PHONE_VIEWPORT, is_mobile=True
    )
    phone_context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    phone = phone_context.new_page()
    browser_problems.attach(phone)
    try:
        phone.goto(link)
        expect(phone.get_by_test_id("device-refusal")).to_contain_text(
            "войдите на этом устройстве в свою подтверждённую учётную запись"
        )
        assert_accessible(phone)

        login(phone, live_server, phone_user, DEFAULT_PASSWORD)
        phone.goto(link)
        phone_main = phone.get_by_role("main")
        expect(phone_main).to_contain_text(
            f"Подтвердить личность для учётной записи {computer_user.masked_login()} "
            "на другом устройстве?"
        )
        assert_accessible(phone)
        phone_main.get_by_role("button", name="Подтвердить").click()
        expect(phone.get_by_test_id("device-result")).to_contain_text("Вернитесь к компьютеру.")
        assert_accessible(phone)
    finally:
        phone_context.close()

    # The waiting page polls every 3 s and shows the result without a click.
    expect(page.get_by_test_id("device-result")).to_have_text(
        "Личность подтверждена. Учётная запись — подтверждённая.", timeout=8_000
    )
    assert_accessible(page)
    computer_user.refresh_from_db()
    assert computer_user.level == "confirmed"


def test_expired_or_used_link_is_refused_on_the_phone(page, live_server, browser_problems):
    phone_user = same_person("confirmed", "Иван")
    path = f"/identity/device/{'A' * 32}/"
    browser_problems.expect_http_error(path, 404)
    login(page, live_server, phone_user, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_test_id("device-refusal")).to_have_text(
        "Ссылка недействительна или устарела. Получите новый QR-код на компьютере."
    )
    assert_accessible(page)

"""Browser journey of personalisation (PROF-6) and consents (PROF-5): low-vision mode
enlarges the text, English switches the interface; axe in normal and high-contrast modes."""

from playwright.sync_api import expect

from gosportal.profiles.models import Consent
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory


def body_font_size(page) -> float:
    return float(page.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px"))


def test_low_vision_mode_and_consents_pass_axe(page, live_server, browser_problems):
    browser_problems.expect_http_error("/profile/consents/revoke/", 400)
    user = UserFactory(display_name="Анна")
    Consent.objects.create(user=user, scope=Consent.Scope.PROCESSING)
    login(page, live_server, user, DEFAULT_PASSWORD)

    page.get_by_role("navigation", name="Учётная запись").get_by_role(
        "link", name="Настройки"
    ).click()
    expect(page.locator("h1")).to_have_text("Настройки профиля")
    assert_accessible(page)
    page.goto(f"{live_server.url}/profile/consents/")
    expect(page.locator("h1")).to_have_text("Согласия на обработку данных")
    assert_accessible(page)

    page.goto(f"{live_server.url}/profile/settings/")
    normal = body_font_size(page)
    page.get_by_label("Крупный текст").check()
    page.get_by_label("Высокий контраст").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("main")).to_contain_text("Настройки сохранены.")
    expect(page.locator("html")).to_have_class("a11y-large a11y-contrast")
    assert body_font_size(page) > normal
    assert_accessible(page)

    page.goto(f"{live_server.url}/profile/consents/")
    main = page.get_by_role("main")
    main.get_by_role("button", name="Отозвать согласие").click()
    expect(page.get_by_role("alert")).to_contain_text("Подтвердите, что понимаете")
    assert_accessible(page)
    main.get_by_label("Я понимаю").check()
    main.get_by_role("button", name="Отозвать согласие").click()
    expect(main).to_contain_text("отозвано")
    assert_accessible(page)


def test_switch_to_english_in_settings(page, live_server):
    user = UserFactory()
    login(page, live_server, user, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/profile/settings/")
    page.get_by_label("Язык интерфейса").select_option("en")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

"""Smoke journeys through the real browser: home, language, 404, sign-in and sign-out."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory

SHOTS = Path("/tmp/e2e-shots")
SKIP_LINK_TEXT = "Перейти к основному содержанию"


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_stylesheets_are_served_and_applied(page, live_server):
    response = page.request.get(f"{live_server.url}/static/css/app.css")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/css")

    page.goto("/")
    # The header colour comes from tokens.css + app.css: both loaded and allowed by CSP.
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(11, 79, 168)")


def test_home_page_has_one_h1_a_working_skip_link_and_passes_axe(page):
    page.goto("/")
    expect(page).to_have_title(re.compile("Госпортал"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Государственные услуги онлайн")

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text(SKIP_LINK_TEXT)
    expect(focused).to_be_in_viewport()  # hidden off-screen until focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()
    # The skip link showed the focus ring; <main> must not draw one around the whole page.
    expect(page.locator("main")).to_have_css("outline-style", "none")

    assert_accessible(page)
    screenshot(page, "home")


def test_language_switch_to_english_and_back(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The English catalogue may not be compiled yet: check the switch, not the texts.
    back = page.get_by_role("button", name="Русский")
    expect(back).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_count(0)

    back.click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Государственные услуги онлайн")


def test_unknown_address_shows_the_russian_404_page(page, browser_problems):
    browser_problems.expect_http_error("/no-such-page", 404)
    response = page.goto("/no-such-page")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Страница не найдена")
    expect(page.get_by_role("link", name="На главную")).to_be_visible()
    assert_accessible(page)


def test_sign_in_page_passes_axe(page):
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("Вход в личный кабинет")
    assert_accessible(page)


def test_wrong_password_shows_the_error_summary_and_keeps_the_login(page):
    user = UserFactory()
    page.goto("/accounts/login/")
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill(user.email)
    page.get_by_label("Пароль").fill("not-the-password")
    page.get_by_role("main").get_by_role("button", name="Войти").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Проверьте данные формы")
    expect(summary).to_contain_text("Неверный логин или пароль.")
    expect(page.get_by_label("Телефон, электронная почта или СНИЛС")).to_have_value(user.email)
    expect(page.get_by_label("Пароль")).to_have_value("")
    expect(summary).to_be_focused()  # read out first by screen readers

    assert_accessible(page)
    screenshot(page, "login-errors")


def test_sign_in_shows_the_account_menu_and_sign_out_works(page, live_server):
    user = UserFactory()
    login(page, live_server, user, DEFAULT_PASSWORD)

    menu = page.get_by_role("navigation", name="Учётная запись")
    expect(menu.get_by_role("button", name="Выйти")).to_be_visible()
    expect(menu).to_contain_text(user.masked_login())
    expect(menu.get_by_role("link", name="Войти")).to_have_count(0)
    assert_accessible(page)

    menu.get_by_role("button", name="Выйти").click()
    expect(menu.get_by_role("link", name="Войти")).to_be_visible()
    expect(menu.get_by_role("button", name="Выйти")).to_have_count(0)


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_mobile_viewport_has_no_horizontal_scroll(page, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path)
    expect(page.locator("h1")).to_be_visible()
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px viewport"
    screenshot(page, "mobile-home" if path == "/" else "mobile-login")

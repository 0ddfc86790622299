"""Sign-in journey in the browser: wrong passwords, the CAPTCHA, then history and
sessions pages (AUTH-5, AUTH-7, AUTH-8), each checked with axe."""

from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from gosportal.accounts import captcha
from tests.e2e.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, UserFactory


def server_side_answer(page) -> str:
    """The answer is not in the page: read the challenge from the browser's session."""
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    stored = SessionStore(session_key=cookie["value"])[captcha.SESSION_KEY]
    return next(str(n) for n in range(19) if captcha.matches(stored, str(n)))


def submit(page, login: str, password: str) -> None:
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill(login)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("main").get_by_role("button", name="Войти").click()


def test_captcha_after_three_wrong_passwords_then_sign_in_history_and_sessions(page):
    user = UserFactory()
    page.goto("/accounts/login/")
    for _attempt in range(3):
        submit(page, user.email, "Not-The-Password-1")
        expect(page.get_by_role("alert")).to_contain_text("Неверный логин или пароль.")

    picture = page.get_by_role("img", name="Проверочная картинка с пятью цифрами")
    expect(picture).to_be_visible()
    answer_field = page.get_by_label("Проверка «я не робот»")
    expect(answer_field).to_be_visible()
    expect(page.get_by_text("Сколько будет")).to_be_visible()
    assert_accessible(page)

    answer_field.fill(server_side_answer(page))
    submit(page, user.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()

    page.goto("/accounts/history/")
    expect(page.locator("h1")).to_have_text("История входов")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Успешный вход")
    expect(table).to_contain_text("Неверный пароль")
    assert_accessible(page)

    page.get_by_label("Результат").select_option("success")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("table")).not_to_contain_text("Неверный пароль")

    page.goto("/accounts/sessions/")
    expect(page.locator("h1")).to_have_text("Активные сеансы")
    expect(page.get_by_role("table")).to_contain_text("Этот сеанс")
    assert_accessible(page)

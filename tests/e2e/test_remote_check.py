"""Browser journey of the remote identity check (REG-3): a standard citizen uploads the
passport page and a selfie, the OCR pre-check runs in the worker, the citizen sends
the request; an operator in another browser opens it from the queue, looks at both
pictures and confirms; the citizen's account becomes confirmed."""

from playwright.sync_api import expect

from gosportal.demo.passport_sample import passport_page, selfie
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import (
    DEFAULT_TIMEOUT_MS,
    DESKTOP_VIEWPORT,
    enrol_totp,
    image_width_once_loaded,
    login,
    login_with_totp,
)
from tests.factories import DEFAULT_PASSWORD
from tests.identity.remote_support import PASSPORT, remote_operator, standard_citizen


def test_citizen_confirmed_by_operator_from_passport_photos(
    page, browser, live_server, browser_problems, run_tasks
):
    citizen = standard_citizen()
    # The test operator has no second factor, so the password alone signs in.
    operator = remote_operator()
    secret = enrol_totp(operator)  # desk operators sign in with a second factor

    login(page, live_server, citizen, DEFAULT_PASSWORD)
    main = page.get_by_role("main")
    page.goto(f"{live_server.url}/identity/")
    main.get_by_role("link", name="Подтвердить по фотографиям паспорта").click()
    expect(page.locator("h1")).to_have_text("Удалённая проверка паспорта")
    assert_accessible(page)

    # A file of the wrong kind is refused with a message and an error summary.
    page.get_by_label("Страница паспорта с фотографией").set_input_files(
        files=[{"name": "passport.txt", "mimeType": "text/plain", "buffer": "Паспорт".encode()}]
    )
    page.get_by_label("Ваше фото с паспортом").set_input_files(
        files=[{"name": "selfie.jpg", "mimeType": "image/jpeg", "buffer": selfie()}]
    )
    browser_problems.expect_http_error("/identity/remote/", 400)
    main.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_role("alert")).to_contain_text("по содержимому это не PDF, JPEG или PNG")
    assert_accessible(page)

    page.get_by_label("Страница паспорта с фотографией").set_input_files(
        files=[
            {
                "name": "passport.png",
                "mimeType": "image/png",
                "buffer": passport_page(**PASSPORT, image_format="PNG"),
            }
        ]
    )
    page.get_by_label("Ваше фото с паспортом").set_input_files(
        files=[{"name": "selfie.jpg", "mimeType": "image/jpeg", "buffer": selfie()}]
    )
    main.get_by_role("button", name="Загрузить").click()
    expect(main).to_contain_text("Проверка выполняется")

    run_tasks()  # the worker reads the page
    # The pending page reloads itself every 5 seconds until the result is there; a
    # navigation of our own would race with that reload (net::ERR_ABORTED).
    expect(main).to_contain_text("Данные совпадают", timeout=3 * DEFAULT_TIMEOUT_MS)
    assert_accessible(page)
    main.get_by_role("button", name="Отправить на проверку оператору").click()
    expect(main).to_contain_text("На проверке у оператора")

    desk_context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=DESKTOP_VIEWPORT
    )
    desk_context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    desk = desk_context.new_page()
    browser_problems.attach(desk)
    try:
        login_with_totp(desk, live_server, operator, DEFAULT_PASSWORD, secret)
        desk.goto(f"{live_server.url}/desk/remote-checks/")
        expect(desk.locator("h1")).to_have_text("Удалённая проверка паспорта")
        desk_main = desk.get_by_role("main")
        desk_main.get_by_role("link", name="Заявка №").first.click()
        expect(desk_main).to_contain_text("Петров Иван Сергеевич")
        expect(desk_main).to_contain_text("Контрольные цифры верны")
        passport_img = desk_main.get_by_role("img", name="Страница паспорта с фотографией")
        expect(passport_img).to_be_visible()
        assert image_width_once_loaded(passport_img) > 0
        selfie_img = desk_main.get_by_role("img", name="Фото заявителя с открытым паспортом")
        assert image_width_once_loaded(selfie_img) > 0
        assert_accessible(desk)

        desk.get_by_role("button", name="Подтвердить личность").click()
        expect(desk_main).to_contain_text("Личность подтверждена.")
        expect(desk_main).to_contain_text("Заявок нет.")
    finally:
        desk_context.close()

    page.goto(f"{live_server.url}/identity/")
    expect(main).to_contain_text("Ваша личность уже подтверждена.")
    assert_accessible(page)

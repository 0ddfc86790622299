"""Browser journey of identity confirmation at a service centre (REG-3, OFF-4): a
standard citizen gets a code with a QR code, an operator in another browser types it,
checks the person's data and confirms; the citizen's account becomes confirmed."""

import datetime

from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from gosportal.profiles.models import Profile
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import (
    DEFAULT_TIMEOUT_MS,
    DESKTOP_VIEWPORT,
    enrol_totp,
    login,
    login_with_totp,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_citizen_confirmed_by_operator_with_code(page, browser, live_server, browser_problems):
    citizen = UserFactory(level="standard", display_name="Иван")
    Profile.objects.create(
        user=citizen,
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        birth_date=datetime.date(1985, 3, 14),
        passport_series="4510",
        passport_number="123456",
        passport_issued_on=datetime.date(2005, 4, 1),
        passport_issuer="ОВД района Хамовники г. Москвы",
        passport_department_code="770-001",
        registration_address="119021, г. Москва, ул. Льва Толстого, д. 1",
    )
    # Desk operators sign in with a second factor (here an authenticator app).
    operator = UserFactory(display_name="Оператор")
    operator.user_permissions.add(Permission.objects.get(codename="confirm_in_service_centre"))
    secret = enrol_totp(operator)

    login(page, live_server, citizen, DEFAULT_PASSWORD)
    main = page.get_by_role("main")
    page.goto(f"{live_server.url}/profile/")
    main.get_by_role("link", name="Подтвердить личность").click()
    expect(page.locator("h1")).to_have_text("Подтверждение личности")
    assert_accessible(page)
    main.get_by_role("button", name="Получить код для центра обслуживания").click()
    expect(page.locator("h1")).to_have_text("Код для центра обслуживания")
    expect(main.get_by_role("img", name="QR-код для подтверждения личности")).to_be_visible()
    code = page.get_by_test_id("service-centre-code").inner_text()
    assert len(code) == 9
    assert_accessible(page)

    desk_context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=DESKTOP_VIEWPORT
    )
    desk_context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    desk = desk_context.new_page()
    browser_problems.attach(desk)
    try:
        login_with_totp(desk, live_server, operator, DEFAULT_PASSWORD, secret)
        desk.goto(f"{live_server.url}/desk/service-centre/")
        expect(desk.locator("h1")).to_have_text("Подтверждение личности в центре обслуживания")
        assert_accessible(desk)

        desk.get_by_label("Код подтверждения").fill("ABCD-EFHJ")
        desk.get_by_role("button", name="Найти").click()
        expect(desk.get_by_role("alert")).to_contain_text("Код не найден или больше не действует.")
        assert_accessible(desk)

        desk.get_by_label("Код подтверждения").fill(code.lower())
        desk.get_by_role("button", name="Найти").click()
        expect(desk.locator("h1")).to_have_text("Проверка документов")
        desk_main = desk.get_by_role("main")
        expect(desk_main).to_contain_text("Петров Иван Сергеевич")
        expect(desk_main).to_contain_text("45 10 123456")
        expect(desk_main).to_contain_text("770-001")
        assert_accessible(desk)

        desk.get_by_role("button", name="Отказать").click()
        expect(desk.get_by_role("alert")).to_contain_text("от 5 до 300 символов")
        assert_accessible(desk)

        desk.get_by_role("button", name="Подтвердить личность").click()
        expect(desk_main).to_contain_text("Личность подтверждена.")
        assert_accessible(desk)
    finally:
        desk_context.close()

    page.goto(f"{live_server.url}/profile/")
    expect(main.locator(".level-box")).to_contain_text("Подтверждённая")
    page.goto(f"{live_server.url}/identity/")
    expect(main).to_contain_text("Ваша личность уже подтверждена.")
    expect(main).to_contain_text("Личность подтверждена")
    assert_accessible(page)

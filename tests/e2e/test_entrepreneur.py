"""Browser journey of REG-5: a confirmed citizen adds his entrepreneur from ЕГРИП,
acts on its behalf and switches back to the personal account."""

import datetime

from playwright.sync_api import expect

from gosportal.profiles.models import Profile
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.organizations.conftest import pass_fns_check


def test_citizen_adds_entrepreneur_and_acts_for_it(page, live_server):
    citizen = UserFactory(level="confirmed", display_name="Иван Петров")
    Profile.objects.create(
        user=citizen,
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        birth_date=datetime.date(1985, 3, 14),
        inn="770712345633",
    )
    pass_fns_check(citizen)
    login(page, live_server, citizen, DEFAULT_PASSWORD)
    main = page.get_by_role("main")
    header = page.get_by_role("banner")

    header.get_by_role("link", name="Организации").click()
    expect(page.locator("h1")).to_have_text("Организации")
    expect(main.get_by_text("Организаций пока нет")).to_be_visible()
    assert_accessible(page)

    # A typo is explained on the field and the typed number stays.
    main.get_by_label("ОГРНИП").fill("321770000123457")
    main.get_by_role("button", name="Добавить ИП").click()
    expect(page.locator("h1")).to_have_text("Добавить индивидуального предпринимателя")
    expect(main.get_by_role("alert")).to_contain_text("контрольная цифра не совпадает")
    expect(main.get_by_label("ОГРНИП")).to_have_value("321770000123457")
    assert_accessible(page)

    main.get_by_label("ОГРНИП").fill("321770000123456")
    main.get_by_role("button", name="Проверить и добавить").click()
    expect(page.locator("h1")).to_have_text("ИП Петров Иван Сергеевич")
    expect(main.get_by_text("Разработка компьютерного программного обеспечения")).to_be_visible()
    assert_accessible(page)

    header.get_by_role("button", name="Войти как ИП Петров Иван Сергеевич").click()
    expect(header.get_by_text("От имени: ИП Петров Иван Сергеевич")).to_be_visible()
    expect(main.get_by_text("Вы действуете от имени этого предпринимателя.")).to_be_visible()

    page.goto(f"{live_server.url}/profile/")
    expect(header.get_by_text("От имени: ИП Петров Иван Сергеевич")).to_be_visible()
    header.get_by_role("button", name="Вернуться в личный кабинет").click()
    expect(page.locator("h1")).to_have_text("Организации")
    expect(main.get_by_text("Вы снова действуете от своего имени.")).to_be_visible()
    expect(header.get_by_text("От имени:")).to_have_count(0)
    expect(header.get_by_role("button", name="Войти как ИП Петров Иван Сергеевич")).to_be_visible()
    assert_accessible(page)

"""Browser journey of an application (APP-1 … APP-6): open a seeded service as a standard
account, fill the form pre-filled from the profile, attach a PDF with the upload
progress, save it as a template, submit, find it in «Мои заявления» and open its card;
axe on every page."""

import datetime

from playwright.sync_api import expect

from gosportal.catalog.seed import load_catalog
from gosportal.profiles.models import Profile
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.profiles.scan_files import pdf_upload

PASSPORT = "Паспорт гражданина Российской Федерации"


def test_fill_attach_submit_and_find_the_application(page, live_server, tmp_path):
    load_catalog()
    user = UserFactory(level="standard")
    Profile.objects.create(
        user=user,
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        birth_date=datetime.date(1985, 4, 12),
        snils="11223344595",
        passport_series="4508",
        passport_number="123456",
        registration_address="г. Тула, ул. Ленина, д. 1, кв. 2",
    )
    scan = tmp_path / "passport.pdf"
    scan.write_bytes(pdf_upload().read())
    login(page, live_server, user, DEFAULT_PASSWORD)
    main = page.get_by_role("main")

    page.goto(f"{live_server.url}/services/poluchenie-inn/")
    main.get_by_role("link", name="Получить услугу").click()
    expect(page.locator("h1")).to_have_text("Заявление: Получение ИНН физического лица")
    main.get_by_role("button", name="Начать заполнение").click()

    expect(main.get_by_label("Фамилия")).to_have_value("Петров")
    expect(main.get_by_label("Серия и номер паспорта")).to_have_value("45 08 123456")
    assert_accessible(page)

    main.get_by_label("Электронный документ в личном кабинете").check()
    main.get_by_label("Подтверждаю, что сведения достоверны").check()
    expect(main).to_contain_text("Черновик сохранён в", timeout=15_000)  # autosave

    main.get_by_label(f"Файлы: {PASSPORT}").set_input_files(str(scan))
    main.get_by_role("button", name="Загрузить").first.click()
    expect(main.get_by_role("button", name="Удалить файл passport.pdf")).to_be_visible()
    # the radio and checkbox were autosaved or sent with the upload
    expect(main.get_by_label("Электронный документ в личном кабинете")).to_be_checked()

    main.get_by_label("Название шаблона").fill("ИНН для себя")
    main.get_by_role("button", name="Сохранить шаблон").click()
    expect(page.get_by_text("Шаблон сохранён.")).to_be_visible()

    main.get_by_role("button", name="Отправить заявление").click()
    expect(page.locator("h1")).to_have_text("Заявление отправлено")
    number = main.locator("[data-application-number]").inner_text()
    assert number.startswith("FNS-")
    assert_accessible(page)

    page.goto(f"{live_server.url}/applications/")
    expect(page.locator("h1")).to_have_text("Мои заявления")
    assert_accessible(page)
    main.get_by_role("link", name=number).click()
    expect(page.locator("h1")).to_have_text(f"Заявление № {number}")
    expect(main).to_contain_text("Отправлено")
    expect(main).to_contain_text("Петров")
    expect(main.get_by_role("link", name="passport.pdf")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/applications/templates/")
    expect(main).to_contain_text("ИНН для себя")
    assert_accessible(page)

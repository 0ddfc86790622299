"""The whole journey of an application in two browsers (APP-1 … APP-6, OFF-2, OFF-3, DOC-3):
a new citizen finds a service by a declined word, fills the form with autofill, attaches
a scan and submits; the officer takes it and asks for a clarification; the citizen answers
with another file; the officer approves; the citizen downloads the signed decision from
the card and the public page finds it authentic; the officer hands the result over. And
the agency administrator issues the certificate the agency signs with. axe on every page.

Locators go by role, label and visible text only, so the pages may change their layout.
"""

import datetime

from playwright.sync_api import expect

from gosportal.accounts.models import Authenticator
from gosportal.applications.models import Application, Status
from gosportal.documents.models import IssuedDocument
from gosportal.profiles.models import Profile
from tests.applications.conftest import PASSPORT_COPY, PHOTO, documents, form_definition
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, DESKTOP_VIEWPORT, login
from tests.e2e.test_civil_servant import sign_in_with_sms
from tests.factories import (
    DEFAULT_PASSWORD,
    CategoryFactory,
    OfficerFactory,
    ServiceFactory,
    UserFactory,
    give_signing_certificate,
)
from tests.profiles.scan_files import pdf_upload, png_bytes

SERVICE = "Паспорт гражданина РФ взамен утраченного"
CLARIFY = "Приложите, пожалуйста, фотографию 35×45 мм для нового паспорта."


def _officer_page(browser, live_server, browser_problems):
    """A second browser: the officer's, watched for problems like the citizen's."""
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=DESKTOP_VIEWPORT
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    browser_problems.attach(page)
    return page


def _upload(main, document: str, path) -> None:
    """Choose a file for one document of the form and press its «Загрузить»."""
    box = main.locator("[data-upload-box]").filter(has_text=f"Файлы: {document}")
    box.get_by_label(f"Файлы: {document}").set_input_files(str(path))
    box.get_by_role("button", name="Загрузить").click()
    expect(main.get_by_role("button", name=f"Удалить файл {path.name}")).to_be_visible()


def test_a_citizen_applies_the_officer_decides_and_the_signed_result_verifies(
    page, browser, live_server, browser_problems, tmp_path
):
    officer = OfficerFactory(role="officer", position="Главный специалист")
    Authenticator.objects.create(user=officer.user, kind=Authenticator.Kind.SMS, is_default=True)
    give_signing_certificate(officer.agency)
    documents_category = CategoryFactory(name="Паспорта и документы", slug="documents")
    ServiceFactory(
        agency=officer.agency,
        category=documents_category,
        title=SERVICE,
        form_definition=form_definition(),
        required_documents=documents(),
        result_description="Новый паспорт выдаётся в подразделении по вопросам миграции.",
        processing_days=10,
        min_level="standard",
    )
    ServiceFactory(title="Запись на приём к врачу")
    citizen = UserFactory(level="standard", display_name="Иван Петров")
    Profile.objects.create(
        user=citizen,
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        birth_date=datetime.date(1985, 4, 12),
    )
    scan = tmp_path / "паспорт.pdf"
    scan.write_bytes(pdf_upload().read())
    photo = tmp_path / "фото.png"
    photo.write_bytes(png_bytes())
    main = page.get_by_role("main")

    # The citizen finds the service by «паспорта» and applies.
    login(page, live_server, citizen, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/services/")
    main.get_by_label("Что вы ищете").fill("паспорта")
    main.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Поиск услуг")
    expect(main).not_to_contain_text("Запись на приём к врачу")
    assert_accessible(page)
    main.get_by_role("link", name=SERVICE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE)
    assert_accessible(page)
    main.get_by_role("link", name="Получить услугу").click()
    main.get_by_role("button", name="Начать заполнение").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Заявление: {SERVICE}")
    expect(main.get_by_label("Фамилия")).to_have_value("Петров")  # autofill
    main.get_by_label("Дата рождения").fill("12.04.1985")
    main.get_by_label("Утеря").check()
    _upload(main, PASSPORT_COPY, scan)
    assert_accessible(page)
    main.get_by_role("button", name="Отправить заявление").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Заявление отправлено")
    number = main.locator("[data-application-number]").inner_text()
    assert_accessible(page)

    # The officer takes it into work and asks for a clarification.
    desk = _officer_page(browser, live_server, browser_problems)
    desk_main = desk.get_by_role("main")
    sign_in_with_sms(
        desk, login=officer.user.email, password=DEFAULT_PASSWORD, phone=officer.user.phone
    )
    desk_main.get_by_role("link", name="Заявления ведомства").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Заявления ведомства")
    assert_accessible(desk)
    desk_main.get_by_role("link", name=number).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(number)
    expect(desk_main).to_contain_text("паспорт.pdf")
    assert_accessible(desk)
    desk_main.get_by_role("button", name="Взять в работу").click()
    expect(desk.get_by_role("status")).to_contain_text("Заявление взято в работу.")
    desk.get_by_label("Что уточнить").fill(CLARIFY)
    desk.get_by_label("Срок ответа, рабочих дней").fill("5")
    desk_main.get_by_role("button", name="Запросить уточнение").click()
    expect(desk.get_by_role("status")).to_contain_text("Запрос уточнения отправлен заявителю.")
    assert_accessible(desk)

    # The citizen answers with the photo and sends the application again.
    page.goto(f"{live_server.url}/applications/{number}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Заявление № {number}")
    expect(main).to_contain_text("Требуется уточнение")
    expect(main).to_contain_text(CLARIFY)
    assert_accessible(page)
    main.get_by_role("link", name="Ответить на запрос").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    _upload(main, PHOTO, photo)
    assert_accessible(page)
    main.get_by_role("button", name="Отправить изменённое заявление").click()
    expect(main).to_contain_text("Переподано")
    assert Application.objects.get(number=number).status == Status.RESUBMITTED

    # The officer sees the photo, takes the application again and approves it.
    desk.reload()
    expect(desk_main).to_contain_text("фото.png")
    desk_main.get_by_role("button", name="Взять в работу").click()
    expect(desk.get_by_role("status")).to_contain_text("Заявление взято в работу.")
    desk.get_by_label("Комментарий к решению").fill("Паспорт будет готов через 10 дней.")
    desk_main.get_by_role("button", name="Одобрить").click()
    expect(desk.get_by_role("status")).to_contain_text("Заявление одобрено")
    document = IssuedDocument.objects.get(owner=citizen)
    expect(desk.get_by_role("status")).to_contain_text(document.number)
    assert_accessible(desk)

    # The citizen downloads the decision from the card and checks it on /verify/.
    page.goto(f"{live_server.url}/applications/{number}/")
    expect(main).to_contain_text("Одобрено")
    result = main.get_by_role("region", name="Результат")
    expect(result).to_contain_text(document.number)
    assert_accessible(page)
    with page.expect_download() as download_info:
        result.get_by_role("link", name=f"Скачать PDF: документ {document.number}").click()
    saved = tmp_path / "решение.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.goto(f"{live_server.url}/documents/")
    expect(main.get_by_role("heading", name=document.title)).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/verify/")
    page.get_by_label("Файл документа").set_input_files(str(saved))
    page.get_by_role("button", name="Проверить файл").click()
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("Документ подлинный")
    expect(verdict).to_contain_text(document.number)
    assert_accessible(page)

    # The officer says where to collect the passport, then completes the application.
    path = f"/desk/applications/{number}/ready/"
    browser_problems.expect_http_error(path, 400)
    desk_main.get_by_role("button", name="Готово к выдаче").click()
    expect(desk.get_by_role("alert")).to_contain_text("Где и как получить результат")
    assert_accessible(desk)
    desk.get_by_label("Где и как получить результат").fill(
        "Отдел по вопросам миграции, ул. Ленина, д. 5, каб. 12, пн–пт 9:00–18:00."
    )
    desk_main.get_by_role("button", name="Готово к выдаче").click()
    expect(desk.get_by_role("status")).to_contain_text("результат готов к выдаче")
    desk_main.get_by_role("button", name="Завершить").click()
    expect(desk.get_by_role("status")).to_contain_text("Заявление завершено.")
    assert_accessible(desk)
    desk.context.close()

    page.goto(f"{live_server.url}/applications/{number}/")
    expect(main).to_contain_text("Завершено")
    expect(main).to_contain_text("каб. 12")
    assert Application.objects.get(number=number).status == Status.COMPLETED


def test_the_agency_administrator_issues_the_signing_certificate(
    page, live_server, browser_problems
):
    admin = OfficerFactory(role="administrator").user
    Authenticator.objects.create(user=admin, kind=Authenticator.Kind.SMS, is_default=True)
    main = page.get_by_role("main")

    sign_in_with_sms(page, login=admin.email, password=DEFAULT_PASSWORD, phone=admin.phone)
    main.get_by_role("link", name="Сертификат подписи ведомства").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Сертификат подписи ведомства")
    expect(main).to_contain_text("У ведомства нет действующего сертификата")
    assert_accessible(page)

    main.get_by_role("button", name="Выпустить сертификат").click()
    expect(page.get_by_role("status")).to_contain_text("выпущен")
    expect(main).to_contain_text("Действует, подписывает документы")
    assert_accessible(page)

    browser_problems.expect_http_error("/desk/certificate/revoke/", 400)
    main.get_by_role("button", name="Отозвать сертификат").click()
    expect(page.get_by_role("alert")).to_contain_text("Причина отзыва: выберите причину")
    assert_accessible(page)
    page.get_by_label("Причина отзыва").select_option(label="Заменён новым сертификатом")
    main.get_by_role("button", name="Отозвать сертификат").click()
    expect(page.get_by_role("status")).to_contain_text("отозван")
    expect(main).to_contain_text("Заменён новым сертификатом")
    assert_accessible(page)

"""Browser journeys of a clarification request with a deadline (OFF-3, APP-6): the citizen
sees the request and the deadline on the card and answers with a new file without
JavaScript; the officer sees an expired deadline in the queue and refuses in one step.
axe on every page."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from gosportal.accounts.models import Authenticator
from gosportal.applications import services
from gosportal.applications.models import Application, Status
from tests.applications.conftest import PASSPORT_COPY, PHOTO, documents, form_definition, pdf
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, login
from tests.e2e.test_civil_servant import sign_in_with_sms
from tests.factories import DEFAULT_PASSWORD, OfficerFactory, ServiceFactory, UserFactory
from tests.profiles.scan_files import png_bytes

REQUEST = "Приложите фотографию 35×45 мм"


def _asked(officer, citizen):
    service = ServiceFactory(
        agency=officer.agency,
        title="Пособие на ребёнка",
        form_definition=form_definition(),
        required_documents=documents(),
        min_level="standard",
    )
    draft = services.start_draft(user=citizen, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    application = services.submit(
        application=draft,
        answers={"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"},
        actor=citizen,
    )
    services.take_into_work(application=application, officer=officer)
    services.request_clarification(
        application=application, officer=officer, comment=REQUEST, days=5
    )
    application.refresh_from_db()
    return application


def test_the_citizen_answers_a_clarification_with_a_file_without_javascript(
    page, browser, live_server, tmp_path
):
    officer = OfficerFactory(role="officer")
    citizen = UserFactory(level="standard")
    application = _asked(officer, citizen)
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes())

    # With scripts (axe needs them): the card and the answer page.
    login(page, live_server, citizen, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.number}/")
    block = page.get_by_role("main").get_by_role("region", name="Требуется уточнение")
    expect(block).to_contain_text(REQUEST)
    expect(block).to_contain_text("Срок ответа — до")
    assert_accessible(page)
    block.get_by_role("link", name="Ответить на запрос").click()
    expect(page.get_by_role("region", name="Запрос ведомства")).to_contain_text(REQUEST)
    assert_accessible(page)

    # Without scripts: choose a file and send the answer, no «Загрузить» pressed.
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", java_script_enabled=False
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    login(page, live_server, citizen, DEFAULT_PASSWORD)
    main = page.get_by_role("main")
    page.goto(f"{live_server.url}/applications/{application.number}/")
    main.get_by_role("link", name="Ответить на запрос").click()
    expect(main.get_by_role("region", name="Запрос ведомства")).to_contain_text(REQUEST)
    main.get_by_label(f"Файлы: {PHOTO}").set_input_files(str(photo))
    main.get_by_label("Ответ ведомству (необязательно)").fill("Приложил фотографию")
    main.get_by_role("button", name="Отправить изменённое заявление").click()  # no «Загрузить»
    expect(page.locator("h1")).to_have_text("Заявление отправлено")

    stored = Application.objects.get(pk=application.pk)
    assert stored.status == Status.RESUBMITTED and stored.clarification_due is None
    assert stored.attachments.filter(document=PHOTO, version=2).exists()
    page.goto(f"{live_server.url}/applications/{application.number}/")
    expect(main).to_contain_text("Приложил фотографию")
    expect(main.get_by_role("link", name="photo.png")).to_be_visible()
    context.close()


def test_the_officer_refuses_when_the_deadline_passed_unanswered(page, live_server):
    officer = OfficerFactory(role="officer")
    Authenticator.objects.create(user=officer.user, kind=Authenticator.Kind.SMS, is_default=True)
    application = _asked(officer, UserFactory(level="standard"))
    expired = timezone.localdate() - datetime.timedelta(days=1)
    Application.objects.filter(pk=application.pk).update(clarification_due=expired)

    sign_in_with_sms(
        page, login=officer.user.email, password=DEFAULT_PASSWORD, phone=officer.user.phone
    )
    main = page.get_by_role("main")
    page.goto("/desk/applications/?clarification_expired=on")
    expect(main.get_by_role("row").filter(has_text=application.number)).to_contain_text(
        "Срок ответа истёк"
    )
    assert_accessible(page)

    main.get_by_role("link", name=application.number).click()
    block = main.get_by_role("region", name="Срок ответа истёк")
    expect(block).to_contain_text("Заявитель не представил уточнения в срок")
    assert_accessible(page)
    block.get_by_role("button", name="Отказать: уточнения не представлены").click()
    expect(page.get_by_role("status")).to_contain_text("Отказ направлен заявителю.")
    assert Application.objects.get(pk=application.pk).status == Status.REJECTED

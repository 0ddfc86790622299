"""Browser journey of an appeal (APP-9): the citizen appeals a refusal with a file, the
agency's appeal officer upholds it, and the citizen sees the decision on the card."""

from playwright.sync_api import expect

from gosportal.accounts.models import Authenticator
from gosportal.appeals.models import Appeal
from gosportal.applications import services
from gosportal.applications.models import Application, Status
from tests.applications.conftest import PASSPORT_COPY, documents, form_definition, pdf
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DESKTOP_VIEWPORT, login
from tests.e2e.test_civil_servant import sign_in_with_sms
from tests.factories import DEFAULT_PASSWORD, OfficerFactory, ServiceFactory, UserFactory

EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 300]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
REASON = "Доход рассчитан неверно: разовая выплата в доход семьи не входит."
DECISION = "Доводы заявителя подтверждены: разовая выплата исключена из дохода."


def test_a_citizen_appeals_a_refusal_and_the_appeal_officer_upholds_it(
    page, browser, live_server, browser_problems
):
    refuser = OfficerFactory(role="officer")
    reviewer = OfficerFactory(agency=refuser.agency, role="appeal_officer")
    Authenticator.objects.create(user=reviewer.user, kind=Authenticator.Kind.SMS, is_default=True)
    service = ServiceFactory(
        agency=refuser.agency,
        title="Пособие на ребёнка",
        form_definition=form_definition(),
        required_documents=documents(),
        min_level="standard",
    )
    citizen = UserFactory(level="standard")
    draft = services.start_draft(user=citizen, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    application = services.submit(
        application=draft,
        answers={"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"},
        actor=citizen,
    )
    services.reject(application=application, officer=refuser, reason="Доход выше порога")

    # The citizen: the card offers the appeal; the form first misses its reason.
    login(page, live_server, citizen, DEFAULT_PASSWORD)
    page.goto(f"/applications/{application.number}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Отказано")
    main.get_by_role("link", name="Обжаловать решение").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Обжаловать решение")
    expect(main).to_contain_text("Доход выше порога")
    assert_accessible(page)

    browser_problems.expect_http_error(f"/applications/{application.number}/appeal/", 400)
    main.get_by_role("button", name="Подать жалобу").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Причина несогласия: опишите, с чем в решении вы не согласны."
    )
    assert_accessible(page)
    page.get_by_label("Причина несогласия").fill(REASON)
    page.get_by_label("Подтверждающие документы").set_input_files(
        files=[{"name": "справка.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}]
    )
    main.get_by_role("button", name="Подать жалобу").click()
    appeal = Appeal.objects.get(application=application)
    expect(page.get_by_role("status")).to_contain_text(f"Жалоба № {appeal.number} зарегистрирована")
    expect(main).to_contain_text("Обжаловано")
    expect(main).to_contain_text("справка.pdf")
    assert_accessible(page)

    # The appeal officer: the queue, the appeal, the decision.
    desk = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=DESKTOP_VIEWPORT
    ).new_page()
    sign_in_with_sms(
        desk, login=reviewer.user.email, password=DEFAULT_PASSWORD, phone=reviewer.user.phone
    )
    desk_main = desk.get_by_role("main")
    desk_main.get_by_role("link", name="Жалобы на решения").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Жалобы на решения")
    assert_accessible(desk)
    desk_main.get_by_role("link", name=appeal.number).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    expect(desk_main).to_contain_text(REASON)
    expect(desk_main).to_contain_text("Доход выше порога")
    expect(desk_main.get_by_role("link", name="справка.pdf")).to_be_visible()
    assert_accessible(desk)
    desk.get_by_label("Удовлетворить: вернуть заявление на повторное рассмотрение").check()
    desk.get_by_label("Обоснование решения").fill(DECISION)
    desk_main.get_by_role("button", name="Принять решение").click()
    expect(desk.get_by_role("status")).to_contain_text("Жалоба удовлетворена")
    assert_accessible(desk)
    desk.context.close()
    assert Application.objects.get(pk=application.pk).status == Status.IN_PROGRESS

    # The citizen sees the decision.
    page.reload()
    expect(main).to_contain_text("Удовлетворена")
    expect(main).to_contain_text(DECISION)
    expect(main).to_contain_text("В работе")
    assert_accessible(page)

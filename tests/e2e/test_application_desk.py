"""Browser journey of an agency officer (OFF-2, OFF-3): the queue, the application's page,
taking it into work and a clarification request that first misses its comment."""

from playwright.sync_api import expect

from gosportal.accounts.models import Authenticator
from gosportal.applications import services
from gosportal.applications.models import Application, Status
from tests.applications.conftest import PASSPORT_COPY, documents, form_definition, pdf
from tests.e2e.axe import assert_accessible
from tests.e2e.test_civil_servant import sign_in_with_sms
from tests.factories import DEFAULT_PASSWORD, OfficerFactory, ServiceFactory, UserFactory


def test_an_officer_takes_an_application_and_asks_for_a_clarification(
    page, live_server, browser_problems
):
    officer = OfficerFactory(role="officer")
    Authenticator.objects.create(user=officer.user, kind=Authenticator.Kind.SMS, is_default=True)
    service = ServiceFactory(
        agency=officer.agency,
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

    sign_in_with_sms(
        page, login=officer.user.email, password=DEFAULT_PASSWORD, phone=officer.user.phone
    )
    main = page.get_by_role("main")
    main.get_by_role("link", name="Заявления ведомства").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Заявления ведомства")
    assert_accessible(page)

    main.get_by_role("link", name=application.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(application.number)
    expect(main).to_contain_text("Петров")
    assert_accessible(page)

    main.get_by_role("button", name="Взять в работу").click()
    expect(main).to_contain_text("В работе")

    browser_problems.expect_http_error(f"/desk/applications/{application.number}/clarify/", 400)
    main.get_by_role("button", name="Запросить уточнение").click()
    expect(main).to_contain_text("Что уточнить: опишите, что нужно исправить.")
    assert_accessible(page)
    page.get_by_label("Что уточнить").fill("Приложите свидетельство о рождении")
    page.get_by_label("Срок ответа, рабочих дней").fill("3")
    main.get_by_role("button", name="Запросить уточнение").click()
    expect(page.get_by_role("status")).to_contain_text("Запрос уточнения отправлен заявителю.")
    assert Application.objects.get(pk=application.pk).status == Status.CLARIFICATION


def test_an_officers_status_change_reaches_the_citizens_open_inbox_and_channels(
    page, browser, live_server
):
    """Issue 6, «done when»: the change appears in the open inbox without reload and is
    delivered by e-mail and SMS as the citizen's preferences say."""
    from gosportal.core import events
    from gosportal.integrations.models import SandboxMessage
    from gosportal.notifications import preferences
    from gosportal.notifications.models import Delivery
    from gosportal.notifications.services import send_due
    from tests.e2e.conftest import login
    from tests.e2e.test_notifications import templates

    templates()
    officer = OfficerFactory(role="officer")
    Authenticator.objects.create(user=officer.user, kind=Authenticator.Kind.SMS, is_default=True)
    service = ServiceFactory(
        agency=officer.agency,
        title="Пособие на ребёнка",
        form_definition=form_definition(),
        required_documents=documents(),
        min_level="standard",
    )
    citizen = UserFactory(level="standard", email_confirmed=True)
    choices = preferences.choices_for(citizen)
    matrix = {key: set(choice.channels) for key, choice in choices.items()}
    matrix["status_changed"] |= {"sms"}  # the citizen also wants SMS for status changes
    preferences.save_preferences(
        user=citizen,
        matrix=matrix,
        frequencies={key: choice.frequency for key, choice in choices.items()},
        quiet_start=None,
        quiet_end=None,
    )
    draft = services.start_draft(user=citizen, service=service)
    services.add_attachment(application=draft, document=PASSPORT_COPY, upload=pdf())
    application = services.submit(
        application=draft,
        answers={"last_name": "Петров", "birth_date": "1990-02-01", "reason": "lost"},
        actor=citizen,
    )
    events.drain()

    citizen_page = browser.new_context(locale="ru-RU").new_page()
    login(citizen_page, live_server, citizen, DEFAULT_PASSWORD)
    citizen_page.goto(f"{live_server.url}/notifications/")
    expect(citizen_page.locator("h1")).to_have_text("Уведомления")

    sign_in_with_sms(
        page, login=officer.user.email, password=DEFAULT_PASSWORD, phone=officer.user.phone
    )
    page.goto(f"{live_server.url}/desk/applications/{application.number}/")
    page.get_by_role("main").get_by_role("button", name="Взять в работу").click()
    expect(page.get_by_role("main")).to_contain_text("В работе")
    events.drain()  # the worker's job: outbox events become notifications

    first = citizen_page.locator("#notification-list > li").first
    expect(first).to_contain_text(f"Новый статус заявления {application.number}", timeout=8000)
    expect(first).to_contain_text("В работе")

    send_due()  # the worker's job: deliveries go out through the sandbox channels
    delivered = Delivery.objects.filter(
        notification__user=citizen,
        notification__event_type="status_changed",
        status=Delivery.Status.DELIVERED,
    )
    assert {"email", "sms"} <= set(delivered.values_list("channel", flat=True))
    assert SandboxMessage.objects.filter(
        recipient=citizen.phone, body__contains=application.number
    ).exists()
    citizen_page.goto(f"{live_server.url}/notifications/history/")
    expect(citizen_page.get_by_role("main")).to_contain_text("Доставлено")
    citizen_page.context.close()

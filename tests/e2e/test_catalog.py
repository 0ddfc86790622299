"""Browser journey of the catalogue (CAT-1 … CAT-3): find a service by a declined word,
open its card, add it to favourites and find it there; axe on every page."""

from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import DEFAULT_PASSWORD, CategoryFactory, ServiceFactory, UserFactory


def test_find_a_service_by_a_declined_word_and_keep_it_in_favourites(page, live_server):
    documents = CategoryFactory(name="Паспорта и документы", slug="documents")
    ServiceFactory(
        title="Замена паспорта гражданина РФ в 20 и 45 лет",
        slug="zamena-pasporta",
        category=documents,
        fee_kopecks=30000,
        processing_days=10,
        min_level="confirmed",
        popularity=10,
    )
    ServiceFactory(title="Получение заграничного паспорта", category=documents, fee_kopecks=600000)
    ServiceFactory(title="Запись на приём к врачу")
    user = UserFactory(level="standard")
    login(page, live_server, user, DEFAULT_PASSWORD)
    main = page.get_by_role("main")

    page.goto(f"{live_server.url}/services/")
    expect(page.locator("h1")).to_have_text("Услуги")
    assert_accessible(page)

    main.get_by_role("link", name="Паспорта и документы").click()
    expect(page.locator("h1")).to_have_text("Паспорта и документы")
    expect(main).to_contain_text("Найдено 2 услуги")
    assert_accessible(page)
    page.get_by_role("navigation", name="Навигационная цепочка").get_by_role(
        "link", name="Услуги"
    ).click()

    main.get_by_label("Что вы ищете").fill("паспорта")
    main.get_by_role("button", name="Найти").click()
    expect(page.locator("h1")).to_have_text("Поиск услуг")
    expect(main).to_contain_text("По запросу «паспорта» найдено 2 услуги")
    expect(main.get_by_role("link", name="Получение заграничного паспорта")).to_be_visible()
    expect(main).not_to_contain_text("Запись на приём к врачу")
    assert_accessible(page)

    main.get_by_role("link", name="Замена паспорта гражданина РФ в 20 и 45 лет").click()
    expect(page.locator("h1")).to_have_text("Замена паспорта гражданина РФ в 20 и 45 лет")
    expect(main).to_contain_text("300\u00a0₽")
    expect(main).to_contain_text("нужна учётная запись уровня «Подтверждённая»")
    assert_accessible(page)

    main.get_by_role("button", name="В избранное").click()
    expect(main).to_contain_text("Услуга добавлена в избранное.")
    expect(main.get_by_role("button", name="Убрать из избранного")).to_be_visible()

    page.goto(f"{live_server.url}/services/favourites/")
    expect(page.locator("h1")).to_have_text("Избранные услуги")
    favourites = main.locator(".service-list")
    expect(
        favourites.get_by_role("link", name="Замена паспорта гражданина РФ в 20 и 45 лет")
    ).to_be_visible()
    expect(favourites).not_to_contain_text("Получение заграничного паспорта")
    expect(main.get_by_role("heading", name="Недавние")).to_be_visible()
    assert_accessible(page)

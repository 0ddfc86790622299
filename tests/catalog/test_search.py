"""Russian full-text search with morphology (CAT-1). The same tests run on SQLite (FTS5
over Snowball stems) and on PostgreSQL (tsvector, configuration 'russian')."""

import pytest

from gosportal.catalog import search, selectors
from tests.factories import CategoryFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    documents = CategoryFactory(slug="documents", name="Паспорта и документы")
    transport = CategoryFactory(slug="transport", name="Транспорт")
    return {
        "passport": ServiceFactory(
            title="Замена паспорта гражданина РФ в 20 и 45 лет",
            short_description="Замена при достижении возраста",
            category=documents,
            popularity=10,
        ),
        "foreign": ServiceFactory(
            title="Получение заграничного паспорта",
            short_description="Заграничный паспорт нового образца",
            category=documents,
            popularity=50,
            fee_kopecks=600000,
        ),
        "vehicle": ServiceFactory(
            title="Регистрация транспортного средства",
            short_description="Постановка автомобиля на учёт",
            description="Понадобится паспорт владельца.",
            category=transport,
            popularity=100,
            for_organizations=True,
        ),
        "doctor": ServiceFactory(
            title="Запись на приём к врачу",
            short_description="Запись в поликлинику",
            region_code="71",
            popularity=90,
        ),
    }


def found(text, **filters):
    return [s.title for s in search.search(selectors.filtered_services(**filters), text)]


def test_a_declined_form_finds_the_base_form(catalogue):
    titles = found("паспорта")
    assert "Замена паспорта гражданина РФ в 20 и 45 лет" in titles
    assert "Получение заграничного паспорта" in titles


def test_a_match_in_the_title_ranks_above_one_in_the_description(catalogue):
    titles = found("паспорт")
    assert titles[-1] == "Регистрация транспортного средства"  # only in its description
    assert set(titles[:2]) == {
        "Замена паспорта гражданина РФ в 20 и 45 лет",
        "Получение заграничного паспорта",
    }


def test_every_word_of_the_query_must_match(catalogue):
    assert found("заграничные паспорта") == ["Получение заграничного паспорта"]
    assert found("паспорт врача") == []


def test_stop_words_do_not_decide_a_match(catalogue):
    assert found("запись на приём к врачу") == ["Запись на приём к врачу"]
    assert found("и в на") == []


def test_search_combines_with_filters(catalogue):
    documents = catalogue["passport"].category
    assert found("паспорт", price="paid") == ["Получение заграничного паспорта"]
    assert found("паспорт", applicant="organization") == ["Регистрация транспортного средства"]
    assert "Регистрация транспортного средства" not in found("паспорт", category=documents)


def test_unpublished_services_are_never_found(catalogue):
    catalogue["foreign"].is_published = False
    catalogue["foreign"].save(update_fields=["is_published"])
    assert found("паспорта") == [
        "Замена паспорта гражданина РФ в 20 и 45 лет",
        "Регистрация транспортного средства",
    ]


def test_the_index_follows_a_changed_title(catalogue):
    from gosportal.catalog.services import save_service

    service = catalogue["doctor"]
    service.title = "Запись к стоматологу"
    save_service(service=service)
    assert found("стоматолога") == ["Запись к стоматологу"]
    assert found("врачу") == []


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"паспорт',
        "*",
        "паспорт*",
        "NEAR(паспорт",
        "паспорт OR врач",
        "-паспорт",
        "паспорт AND",
        "(",
        "^",
        "'; DROP TABLE catalog_service; --",
        "\x00",
        "ё" * 300,
        "паспорт " * 100,
    ],
)
def test_query_syntax_is_plain_text_never_an_error(catalogue, text):
    result = search.search(selectors.published_services(), text)
    assert isinstance(list(result), list)


def test_operators_in_the_query_are_ignored_as_words(catalogue):
    assert "Получение заграничного паспорта" in found('"паспорта*')


def test_equal_relevance_goes_to_the_more_popular_service():
    quiet = ServiceFactory(title="Справка о доходах", short_description="Справка", popularity=1)
    busy = ServiceFactory(title="Справка о доходах", short_description="Справка", popularity=9)
    assert [s.pk for s in search.search(selectors.published_services(), "справки")] == [
        busy.pk,
        quiet.pk,
    ]


def test_hyphenated_codes_and_the_letter_yo_match_on_both_databases():
    declaration = ServiceFactory(title="Декларация о доходах 3-НДФЛ")
    child = ServiceFactory(title="Заграничный паспорт для ребёнка")
    published = selectors.published_services()
    assert [s.pk for s in search.search(published, "декларация 3-ндфл")] == [declaration.pk]
    assert [s.pk for s in search.search(published, "паспорт ребенку")] == [child.pk]

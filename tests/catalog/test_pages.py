"""Catalogue pages (CAT-1 … CAT-3): home, category, search with filters, the service
card with the level gap, favourites and «Недавние»."""

import pytest
from django.urls import reverse

from gosportal.catalog.models import RecentService
from tests.conftest import sign_in_as
from tests.factories import CategoryFactory, ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db


def card_url(service):
    return reverse("catalog:detail", kwargs={"slug": service.slug})


def favourite_url(service):
    return reverse("catalog:favourite", kwargs={"slug": service.slug})


# --- home, category, search ---------------------------------------------------------------


def test_home_lists_categories_and_popular_services(client):
    category = CategoryFactory(name="Семья и дети")
    ServiceFactory(title="Регистрация рождения ребёнка", category=category, popularity=5)
    ServiceFactory(title="Скрытая услуга", category=category, is_published=False)
    response = client.get(reverse("catalog:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Семья и дети" in content
    assert "Регистрация рождения ребёнка" in content
    assert "Скрытая услуга" not in content


def test_category_page_lists_only_its_services(client):
    family, transport = CategoryFactory(name="Семья"), CategoryFactory(name="Транспорт")
    ServiceFactory(title="Материнский капитал", category=family)
    ServiceFactory(title="Замена водительского удостоверения", category=transport)
    response = client.get(reverse("catalog:category", kwargs={"slug": family.slug}))
    content = response.content.decode()
    assert "Материнский капитал" in content
    assert "Замена водительского удостоверения" not in content


def test_unknown_category_is_404(client):
    assert client.get(reverse("catalog:category", kwargs={"slug": "nothing"})).status_code == 404


def test_search_page_finds_a_declined_word(client):
    ServiceFactory(title="Получение заграничного паспорта")
    ServiceFactory(title="Запись к врачу")
    response = client.get(reverse("catalog:search"), {"q": "паспорта"})
    content = response.content.decode()
    assert "Получение заграничного паспорта" in content
    assert "Запись к врачу" not in content
    assert "По запросу «паспорта» найдена 1 услуга" in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"price": "free"}, {"Бесплатная", "Для организаций", "Тульская", "Планируемая"}),
        ({"price": "paid"}, {"Платная"}),
        ({"applicant": "organization"}, {"Для организаций"}),
        ({"region": "71"}, {"Бесплатная", "Платная", "Для организаций", "Тульская"}),
        ({"region": "77"}, {"Бесплатная", "Платная", "Для организаций"}),
        ({"availability": "planned"}, {"Планируемая"}),
        ({"service_type": "social"}, {"Тульская"}),
    ],
)
def test_filters_work_without_a_query(client, params, expected):
    ServiceFactory(title="Бесплатная")
    ServiceFactory(title="Платная", fee_kopecks=35000)
    ServiceFactory(title="Для организаций", for_individuals=False, for_organizations=True)
    ServiceFactory(title="Тульская", region_code="71", service_type="social")
    ServiceFactory(title="Планируемая", availability="planned", region_code="50")
    response = client.get(reverse("catalog:search"), params)
    shown = {s.title for s in response.context["services"]}
    assert shown == expected


def test_bad_filter_values_are_ignored_and_explained(client):
    ServiceFactory(title="Бесплатная")
    response = client.get(
        reverse("catalog:search"), {"price": "cheap", "category": "<script>", "region": "999"}
    )
    assert response.status_code == 200
    assert [s.title for s in response.context["services"]] == ["Бесплатная"]
    assert "Проверьте данные формы" in response.content.decode()


@pytest.mark.parametrize(
    "q", ['"', "*", "NEAR(паспорт, 2)", "паспорт OR", "x" * 5000, "\u202e\u0000", "'--"]
)
def test_odd_queries_never_fail(client, q):
    ServiceFactory(title="Замена паспорта")
    response = client.get(reverse("catalog:search"), {"q": q})
    assert response.status_code == 200


def test_a_too_long_query_keeps_what_was_typed_and_says_why(client):
    response = client.get(reverse("catalog:search"), {"q": "паспорт " * 40})
    content = response.content.decode()
    assert "Не более 200 символов." in content
    assert 'value="паспорт паспорт' in content


def test_long_lists_are_paged_keeping_the_filters(client):
    for n in range(23):
        ServiceFactory(title=f"Услуга номер {n}", popularity=n)
    first = client.get(reverse("catalog:search"), {"price": "free"})
    assert len(first.context["services"]) == 20
    assert first.context["next_url"] == "?price=free&page=2"
    second = client.get(reverse("catalog:search") + first.context["next_url"])
    assert len(second.context["services"]) == 3
    assert second.context["previous_url"] == "?price=free&page=1"


def test_search_page_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    user = UserFactory()
    sign_in_as(client, user)
    for n in range(15):
        ServiceFactory(title=f"Справка номер {n}")
    client.get(reverse("catalog:search"), {"q": "справка"})  # warm up the session
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:search"), {"q": "справка", "price": "free"})
    assert len(response.context["services"]) == 15


def test_home_query_count_is_bounded(client, django_assert_max_num_queries):
    user = UserFactory()
    sign_in_as(client, user)
    for n in range(12):
        service = ServiceFactory(title=f"Услуга {n}")
        RecentService.objects.create(user=user, service=service)
    client.get(reverse("catalog:home"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("catalog:home"))
    assert len(response.context["recent"]) == 10


# --- the service card -----------------------------------------------------------------------


def test_card_shows_terms_in_roubles_and_working_days(client):
    service = ServiceFactory(
        title="Замена паспорта",
        fee_kopecks=30000,
        processing_days=10,
        required_documents=[
            {"title": "Личная фотография", "mandatory": True, "formats": ["jpeg", "png"]}
        ],
        for_entrepreneurs=True,
    )
    content = client.get(card_url(service)).content.decode()
    assert "300\u00a0₽" in content
    assert "10\u00a0рабочих дней" in content
    assert "Личная фотография — обязательно (JPEG, PNG)" in content
    assert "физические лица, индивидуальные предприниматели" in content
    assert "Войти, чтобы получить услугу" in content


def test_card_of_a_service_needing_a_higher_level_shows_the_gap(client):
    service = ServiceFactory(min_level="confirmed")
    sign_in_as(client, UserFactory(level="standard"))
    content = client.get(card_url(service)).content.decode()
    assert "нужна учётная запись уровня «Подтверждённая», у вас — «Стандартная»" in content
    assert reverse("identity:index") in content
    assert "Получить услугу" not in content


def test_card_for_a_person_with_the_level_has_no_gap(client):
    service = ServiceFactory(min_level="standard")
    sign_in_as(client, UserFactory(level="confirmed"))
    content = client.get(card_url(service)).content.decode()
    assert "нужна учётная запись уровня" not in content


def test_card_of_an_unavailable_service_explains_why(client):
    service = ServiceFactory(availability="unavailable", availability_message="До 1 декабря.")
    sign_in_as(client, UserFactory(level="confirmed"))
    content = client.get(card_url(service)).content.decode()
    assert "До 1 декабря." in content
    assert "Временно недоступна" in content


def test_unpublished_service_card_is_404(client):
    service = ServiceFactory(is_published=False)
    assert client.get(card_url(service)).status_code == 404
    assert client.get(reverse("catalog:detail", kwargs={"slug": "nothing"})).status_code == 404


# --- favourites -------------------------------------------------------------------------------


def test_adding_to_favourites_needs_a_signed_in_post(client):
    service = ServiceFactory()
    response = client.post(favourite_url(service), {"action": "add"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    user = UserFactory()
    sign_in_as(client, user)
    assert client.get(favourite_url(service)).status_code == 405
    assert not user.favourite_services.exists()


def test_a_favourite_is_added_shown_and_removed(client):
    service = ServiceFactory(title="Выписка из ЕГРН")
    user = UserFactory()
    sign_in_as(client, user)
    response = client.post(favourite_url(service), {"action": "add", "next": card_url(service)})
    assert response["Location"] == card_url(service)
    assert list(user.favourite_services.values_list("service_id", flat=True)) == [service.pk]
    page = client.get(reverse("catalog:favourites")).content.decode()
    assert "Выписка из ЕГРН" in page
    client.post(favourite_url(service), {"action": "remove"})
    assert not user.favourite_services.exists()
    assert (
        "В избранном пока ничего нет" in client.get(reverse("catalog:favourites")).content.decode()
    )


def test_adding_twice_keeps_one_favourite(client):
    service = ServiceFactory()
    user = UserFactory()
    sign_in_as(client, user)
    client.post(favourite_url(service), {"action": "add"})
    client.post(favourite_url(service), {"action": "add"})
    assert user.favourite_services.count() == 1


def test_another_persons_favourites_are_never_shown(client):
    mine, theirs = ServiceFactory(title="Моя услуга"), ServiceFactory(title="Чужая услуга")
    me, other = UserFactory(), UserFactory()
    sign_in_as(client, other)
    client.post(favourite_url(theirs), {"action": "add"})
    client.logout()
    sign_in_as(client, me)
    client.post(favourite_url(mine), {"action": "add"})
    content = client.get(reverse("catalog:favourites")).content.decode()
    assert "Моя услуга" in content
    assert "Чужая услуга" not in content


def test_favourite_of_an_unpublished_service_is_404(client):
    service = ServiceFactory(is_published=False)
    sign_in_as(client, UserFactory())
    assert client.post(favourite_url(service), {"action": "add"}).status_code == 404


def test_redirect_after_favourite_stays_on_the_portal(client):
    service = ServiceFactory()
    sign_in_as(client, UserFactory())
    response = client.post(
        favourite_url(service), {"action": "add", "next": "https://evil.example/"}
    )
    assert response["Location"] == card_url(service)


def test_favourites_page_needs_sign_in(client):
    response = client.get(reverse("catalog:favourites"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- «Недавние» ----------------------------------------------------------------------------------


def test_opening_cards_fills_recent_capped_at_ten_newest_first(client):
    user = UserFactory()
    sign_in_as(client, user)
    services = [ServiceFactory(title=f"Услуга {n}") for n in range(12)]
    for service in services:
        client.get(card_url(service))
    client.get(card_url(services[3]))  # reopened: first again, not duplicated
    assert RecentService.objects.filter(user=user).count() == 10
    recent = client.get(reverse("catalog:home")).context["recent"]
    assert [s.title for s in recent[:2]] == ["Услуга 3", "Услуга 11"]
    assert "Услуга 0" not in [s.title for s in recent]
    assert len(recent) == 10


def test_anonymous_views_are_not_recorded(client):
    service = ServiceFactory()
    client.get(card_url(service))
    assert not RecentService.objects.exists()


def test_recent_of_another_person_is_not_shown(client):
    service = ServiceFactory(title="Чужая недавняя")
    other = UserFactory()
    RecentService.objects.create(user=other, service=service)
    sign_in_as(client, UserFactory())
    assert client.get(reverse("catalog:home")).context["recent"] == []


def test_category_page_searches_within_the_category(client):
    family, transport = CategoryFactory(name="Семья"), CategoryFactory(name="Транспорт")
    ServiceFactory(title="Регистрация рождения ребёнка", category=family)
    ServiceFactory(title="Регистрация брака", category=family)
    ServiceFactory(title="Регистрация транспортного средства", category=transport)
    response = client.get(
        reverse("catalog:category", kwargs={"slug": family.slug}), {"q": "регистрацию брака"}
    )
    assert [s.title for s in response.context["services"]] == ["Регистрация брака"]


def test_category_page_query_count_is_bounded(client, django_assert_max_num_queries):
    category = CategoryFactory()
    for n in range(15):
        ServiceFactory(title=f"Услуга {n}", category=category)
    sign_in_as(client, UserFactory())
    url = reverse("catalog:category", kwargs={"slug": category.slug})
    client.get(url)
    with django_assert_max_num_queries(11):
        response = client.get(url, {"price": "free"})
    assert len(response.context["services"]) == 15


def test_favourites_page_query_count_is_bounded(client, django_assert_max_num_queries):
    user = UserFactory()
    sign_in_as(client, user)
    for n in range(15):
        client.post(favourite_url(ServiceFactory(title=f"Услуга {n}")), {"action": "add"})
    client.get(reverse("catalog:favourites"))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("catalog:favourites"))
    assert len(response.context["services"]) == 15


def test_first_view_by_a_person_raises_popularity_once(client):
    service = ServiceFactory(popularity=7)
    sign_in_as(client, UserFactory())
    client.get(card_url(service))
    client.get(card_url(service))
    service.refresh_from_db()
    assert service.popularity == 8


def test_pages_render_in_english_too(client):
    service = ServiceFactory(processing_days=3)
    for url in (reverse("catalog:home"), card_url(service), reverse("catalog:search")):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert 'lang="en"' in response.content.decode()


def test_filter_choices_are_cached_and_follow_a_category_change(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    category = CategoryFactory(name="Семья и дети")
    client.get(reverse("catalog:search"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("catalog:search"))
    assert ("", "Все категории") in response.context["form"].fields["category"].choices
    assert not any(
        'FROM "catalog_category" WHERE "catalog_category"."parent_id" IS NULL' in q["sql"]
        and "COUNT" not in q["sql"]
        for q in queries.captured_queries
    )
    category.name = "Семья"
    category.save()
    choices = dict(client.get(reverse("catalog:search")).context["form"].fields["category"].choices)
    assert choices[category.slug] == "Семья"

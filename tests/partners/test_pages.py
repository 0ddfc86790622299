"""CAT-5 pages: the catalogue card's «Перейти на сайт партнёра», the person's
«Сайты-партнёры» with «Отозвать доступ», and the sandbox partner sites' own pages."""

import datetime

import pytest
from django.utils import timezone

from gosportal.accounts.models import User
from gosportal.partners.models import PartnerConsent
from gosportal.partners.services import grant_consent
from tests.conftest import sign_in_as
from tests.factories import ServiceFactory
from tests.partners.helpers import HOST, ISSUER, make_person, make_services, through_partner

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def partners():
    return make_services()[2]


# --- the catalogue card ----------------------------------------------------------------------


def test_the_card_offers_the_partner_site_instead_of_the_application(client, partners):
    sign_in_as(client, make_person())
    card = client.get("/services/zapis-k-vrachu/").content.decode()
    assert "Перейти на сайт партнёра" in card
    assert 'href="/sso/go/zapis-k-vrachu/"' in card
    assert "Здоровье71" in card
    assert "Получить услугу" not in card


def test_a_signed_out_visitor_is_asked_to_sign_in(client, partners):
    card = client.get("/services/zapis-k-vrachu/").content.decode()
    assert "Войти, чтобы получить услугу" in card
    response = client.get("/sso/go/zapis-k-vrachu/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_other_services_keep_the_application_form(client, partners):
    ServiceFactory(slug="other-service")
    sign_in_as(client, make_person())
    assert "Перейти на сайт партнёра" not in client.get("/services/other-service/").content.decode()
    assert client.get("/sso/go/other-service/").status_code == 404
    assert client.get("/sso/go/no-such-service/").status_code == 404


def test_a_partner_service_takes_no_application_on_the_portal(client, partners):
    from gosportal.applications.models import Application

    sign_in_as(client, make_person())
    page = client.get("/applications/start/zapis-k-vrachu/")
    assert page.status_code == 403
    assert "оказывает сайт партнёра «Здоровье71" in page.content.decode()
    assert client.post("/applications/start/zapis-k-vrachu/").status_code == 403
    assert not Application.objects.filter(service__slug="zapis-k-vrachu").exists()


def test_go_sends_the_person_to_the_partners_login_with_the_issuer(client, partners):
    sign_in_as(client, make_person())
    response = client.get("/sso/go/zapis-k-vrachu/")
    assert response["Location"] == (
        f"{HOST}/sandbox/partner/zdorovie71/login/?iss=http%3A%2F%2F127.0.0.1%2Fsso"
        "&target_link_uri=http%3A%2F%2F127.0.0.1%2Fsandbox%2Fpartner%2Fzdorovie71%2Fservice%2F"
    )


def test_an_unavailable_service_does_not_open_the_partner(client, partners):
    doctor = partners["zdorovie71"].services.get().service
    doctor.availability = "unavailable"
    doctor.save()
    sign_in_as(client, make_person())
    assert client.get("/sso/go/zapis-k-vrachu/").status_code == 409


# --- «Сайты-партнёры» -----------------------------------------------------------------------


def test_the_sites_page_lists_granted_partners_with_what_they_get(client, partners):
    user = make_person()
    sign_in_as(client, user)
    through_partner(client)
    page = client.get("/sso/sites/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Здоровье71" in text and "ГУЗ «Медицинский информационно-аналитический центр" in text
    assert "ФИО и дата рождения" in text and "СНИЛС" in text
    assert "Электронная почта" not in text
    assert "Отозвать доступ" in text
    assert "Страховая компания" not in text


def test_the_sites_page_is_empty_before_any_partner(client, partners):
    sign_in_as(client, make_person())
    text = client.get("/sso/sites/").content.decode()
    assert "Вы ещё не входили на сайты-партнёры" in text


def test_the_sites_page_needs_a_sign_in(client, partners):
    response = client.get("/sso/sites/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_sites_page_query_count_does_not_grow(client, partners, django_assert_max_num_queries):
    user = make_person()
    for partner in partners.values():
        consent = grant_consent(user=user, partner=partner, scopes={"openid"})
        consent.revoked_at = timezone.now() - datetime.timedelta(days=1)
        consent.save()
        grant_consent(user=user, partner=partner, scopes={"openid", "profile"})
    sign_in_as(client, user)
    with django_assert_max_num_queries(12):
        response = client.get("/sso/sites/")
    assert response.content.decode().count('data-testid="partner-grant"') == 2


def test_revoking_shows_a_message_and_moves_it_to_history(client, partners):
    user = make_person()
    sign_in_as(client, user)
    through_partner(client)
    consent = PartnerConsent.objects.get(user=user)
    response = client.post("/sso/sites/revoke/", {"consent": consent.pk}, follow=True)
    text = response.content.decode()
    assert "Доступ сайта «Здоровье71 — портал здравоохранения Тульской области» отозван" in text
    assert "Отозванный доступ" in text
    assert 'data-testid="partner-grant"' not in text


def test_another_persons_permission_cannot_be_revoked(client, partners):
    owner = make_person()
    consent = grant_consent(user=owner, partner=partners["zdorovie71"], scopes={"openid"})
    sign_in_as(client, make_person(snils="12345678964"))
    response = client.post("/sso/sites/revoke/", {"consent": consent.pk})
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "99999999"])
def test_bad_revoke_input_is_a_404(client, partners, value):
    sign_in_as(client, make_person())
    assert client.post("/sso/sites/revoke/", {"consent": value}).status_code == 404


def test_revoking_needs_a_post_and_a_sign_in(client, partners):
    assert client.post("/sso/sites/revoke/", {"consent": 1}).status_code == 302
    sign_in_as(client, make_person())
    assert client.get("/sso/sites/revoke/").status_code == 405


def test_the_settings_page_links_to_the_partner_sites(client, partners):
    sign_in_as(client, make_person())
    assert 'href="/sso/sites/"' in client.get("/profile/settings/").content.decode()


# --- the sandbox partner sites -------------------------------------------------------------


def test_the_partner_home_offers_to_sign_in_through_the_portal(client, partners):
    page = client.get("/sandbox/partner/zdorovie71/")
    assert page.status_code == 200
    assert "Войти через Госпортал" in page.content.decode()
    assert client.get("/sandbox/partner/unknown/").status_code == 404


def test_the_partner_service_page_needs_the_partner_sign_in(client, partners):
    response = client.get("/sandbox/partner/zdorovie71/service/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sandbox/partner/zdorovie71/login/?target_link_uri=")


def test_a_login_from_another_issuer_is_refused(client, partners):
    response = client.get("/sandbox/partner/zdorovie71/login/?iss=https://evil.example/sso")
    assert response.status_code == 400
    assert "Запрос на вход пришёл не от Госпортала." in response.content.decode()


def test_a_foreign_target_is_replaced_with_the_partner_home(client, partners):
    response = client.get(
        "/sandbox/partner/zdorovie71/login/",
        {"iss": ISSUER, "target_link_uri": "https://evil.example/"},
    )
    assert response.status_code == 302
    flow = client.session["sandbox_partner:zdorovie71:flow"]
    assert flow["target"] == f"{HOST}/sandbox/partner/zdorovie71/"


def test_a_callback_without_a_started_sign_in_is_refused(client, partners):
    response = client.get("/sandbox/partner/zdorovie71/callback/?code=x&state=y")
    assert response.status_code == 400
    assert "Ответ Госпортала устарел" in response.content.decode()


def test_a_booking_at_the_health_partner(client, partners):
    sign_in_as(client, make_person())
    through_partner(client)
    day = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    response = client.post(
        "/sandbox/partner/zdorovie71/service/",
        {"clinic": "gp-1", "specialist": "therapist", "day": day},
    )
    assert response.status_code == 200
    assert "Вы записаны: талон №" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Выберите поликлинику."),
        ({"clinic": "zz", "specialist": "therapist", "day": "01.01.2030"}, "из списка"),
        ({"clinic": "gp-1", "specialist": "therapist", "day": "вчера"}, "ДД.ММ.ГГГГ"),
        ({"clinic": "gp-1", "specialist": "therapist", "day": "01.01.2000"}, "13 дней"),
    ],
)
def test_bad_booking_input_is_explained(client, partners, data, message):
    sign_in_as(client, make_person())
    through_partner(client)
    response = client.post("/sandbox/partner/zdorovie71/service/", data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_policy_check_at_the_insurer(client, partners):
    sign_in_as(client, make_person(level=User.Level.SIMPLIFIED))
    through_partner(client, "proverka-polisa-osago")
    found = client.post(
        "/sandbox/partner/nadezhny-polis/service/", {"series": "XXX", "number": "0123456789"}
    )
    assert "Полис ХХХ 0123456789 действует." in found.content.decode()
    missing = client.post(
        "/sandbox/partner/nadezhny-polis/service/", {"series": "XXX", "number": "0123456780"}
    )
    assert "не найден" in missing.content.decode()
    bad = client.post("/sandbox/partner/nadezhny-polis/service/", {"series": "", "number": "12"})
    assert bad.status_code == 400
    assert "Номер полиса — 10 цифр." in bad.content.decode()
    assert "Выберите серию полиса." in bad.content.decode()


def test_signing_out_of_the_partner_keeps_the_portal_session(client, partners):
    sign_in_as(client, make_person())
    through_partner(client)
    client.post("/sandbox/partner/zdorovie71/logout/")
    assert "Войти через Госпортал" in client.get("/sandbox/partner/zdorovie71/").content.decode()
    assert client.get("/sso/sites/").status_code == 200

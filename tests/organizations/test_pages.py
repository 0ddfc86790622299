"""Pages of «Организации»: list, adding an entrepreneur, the card (REG-5, SEC-3)."""

import uuid

import pytest
from django.utils import timezone

from gosportal.organizations.models import Membership, Organization
from tests.conftest import sign_in_as
from tests.factories import MembershipFactory
from tests.organizations.conftest import (
    ALENA_OGRNIP,
    IVAN_ACTIVE_OGRNIP,
    OUTAGE_OGRNIP,
    make_person,
)

pytestmark = pytest.mark.django_db

NEW = "/organizations/new/entrepreneur/"


def _routes(public_id):
    return [
        ("get", "/organizations/"),
        ("get", NEW),
        ("post", NEW),
        ("get", f"/organizations/{public_id}/"),
        ("post", f"/organizations/{public_id}/act/"),
        ("post", "/organizations/act-as-myself/"),
    ]


@pytest.mark.parametrize("index", range(6))
def test_anonymous_visitor_is_sent_to_sign_in(client, index):
    method, url = _routes(uuid.uuid4())[index]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_list_shows_own_organizations_only(client):
    mine = MembershipFactory()
    others = MembershipFactory()
    sign_in_as(client, mine.user)
    page = client.get("/organizations/").content.decode()
    assert mine.organization.full_name in page
    assert others.organization.full_name not in page


def test_list_offers_the_form_to_a_confirmed_person_with_inn(client, ivan):
    sign_in_as(client, ivan)
    page = client.get("/organizations/").content.decode()
    assert "Организаций пока нет" in page
    assert 'name="ogrnip"' in page


def test_standard_account_is_told_to_confirm_identity(client):
    sign_in_as(client, make_person(level="standard"))
    page = client.get("/organizations/").content.decode()
    assert 'name="ogrnip"' not in page
    assert "подтверждённой учётной записью" in page
    assert 'href="/identity/"' in page


def test_form_page_explains_the_level_to_a_standard_account(client):
    sign_in_as(client, make_person(level="standard"))
    response = client.get(NEW)
    assert response.status_code == 403
    assert "Подтверждённая" in response.content.decode()
    assert 'href="/identity/"' in response.content.decode()


def test_form_page_without_inn_links_to_my_data(client):
    sign_in_as(client, make_person(inn=None))
    response = client.get(NEW)
    page = response.content.decode()
    assert 'name="ogrnip"' not in page
    assert "Укажите ИНН" in page
    assert 'href="/profile/edit/"' in page
    response = client.post(NEW, {"ogrnip": IVAN_ACTIVE_OGRNIP})
    assert not Organization.objects.exists()


def test_registering_needs_a_recent_reauthentication(client, ivan):
    sign_in_as(client, ivan, reauthenticated=False)
    response = client.post(NEW, {"ogrnip": IVAN_ACTIVE_OGRNIP})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm/")
    assert not Organization.objects.exists()


def test_person_adds_own_entrepreneur_and_sees_its_card(client, ivan):
    sign_in_as(client, ivan)
    response = client.post(NEW, {"ogrnip": IVAN_ACTIVE_OGRNIP}, follow=True)
    organization = Organization.objects.get()
    assert response.redirect_chain[-1][0] == f"/organizations/{organization.public_id}/"
    page = response.content.decode()
    assert "ИП Петров Иван Сергеевич" in page
    assert IVAN_ACTIVE_OGRNIP in page
    assert "770712345633" in page
    assert "Разработка компьютерного программного обеспечения" in page
    assert Membership.objects.get().user == ivan


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Введите ОГРНИП."),
        ("12345", "ОГРНИП должен состоять из 15 цифр."),
        ("321770000123457", "контрольная цифра не совпадает"),
        (ALENA_OGRNIP, "ОГРНИП зарегистрирован на другого человека"),
    ],
)
def test_bad_ogrnip_is_shown_on_the_field_and_kept(client, ivan, typed, message):
    sign_in_as(client, ivan)
    response = client.post(NEW, {"ogrnip": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert message in page
    assert f'value="{typed}"' in page or not typed
    assert not Organization.objects.exists()


def test_registry_outage_is_explained_on_the_form(client, ivan):
    sign_in_as(client, ivan)
    response = client.post(NEW, {"ogrnip": OUTAGE_OGRNIP})
    assert response.status_code == 200
    assert "ЕГРИП сейчас не отвечает" in response.content.decode()
    assert not Organization.objects.exists()


def test_other_persons_organization_card_is_not_found(client):
    others = MembershipFactory()
    sign_in_as(client, make_person())
    assert client.get(f"/organizations/{others.organization.public_id}/").status_code == 404


def test_card_of_an_organization_left_is_not_found(client):
    membership = MembershipFactory(ended_at=timezone.now())
    sign_in_as(client, membership.user)
    assert client.get(f"/organizations/{membership.organization.public_id}/").status_code == 404


def test_malformed_organization_id_is_not_found(client, ivan):
    sign_in_as(client, ivan)
    assert client.get("/organizations/not-a-uuid/").status_code == 404


def test_staff_see_organizations_in_the_admin_read_only(admin_client):
    membership = MembershipFactory()
    organization = membership.organization
    page = admin_client.get(f"/admin/organizations/organization/{organization.pk}/change/")
    assert page.status_code == 200
    assert organization.ogrn in page.content.decode()
    assert admin_client.get("/admin/organizations/organization/add/").status_code == 403


def test_page_explains_an_inn_not_yet_confirmed_by_the_tax_service(client):
    sign_in_as(client, make_person(inn_checked=False))
    page = client.get("/organizations/").content.decode()
    assert "ещё не подтверждён ФНС" in page
    assert 'name="ogrnip"' not in page


def test_civil_servant_is_told_to_use_the_personal_account(client):
    user = make_person()
    user.kind = "civil_servant"
    user.save(update_fields=["kind"])
    sign_in_as(client, user)
    page = client.get("/organizations/").content.decode()
    assert "государственного служащего" in page
    assert 'name="ogrnip"' not in page

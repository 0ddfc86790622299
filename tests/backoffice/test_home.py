"""«Рабочие места» (/desk/): the desks a staff member may use; others are refused."""

import pytest
from django.contrib.auth.models import Permission

from gosportal.backoffice import desks
from tests.conftest import sign_in_as
from tests.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/desk/"


def operator():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="confirm_in_service_centre"))
    return user


def inactive_officer():
    officer = OfficerFactory(is_active=False)
    return officer.user


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("citizen", 403),
        ("inactive_officer", 403),
        ("officer", 200),
        ("head", 200),
        ("administrator", 200),
        ("operator", 200),
    ],
)
def test_who_may_open_the_desks_page(client, who, status):
    users = {
        "citizen": UserFactory,
        "inactive_officer": inactive_officer,
        "operator": operator,
    }
    user = users[who]() if who in users else OfficerFactory(role=who).user
    sign_in_as(client, user)
    assert client.get(URL).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_an_administrator_sees_the_staff_desk_only(client):
    sign_in_as(client, OfficerFactory(role="administrator").user)
    page = client.get(URL).content.decode()
    assert 'href="/desk/staff/"' in page
    assert 'href="/desk/service-centre/"' not in page


def test_an_operator_sees_the_service_centre_desk_only(client):
    sign_in_as(client, operator())
    page = client.get(URL).content.decode()
    assert 'href="/desk/service-centre/"' in page
    assert 'href="/desk/staff/"' not in page


def test_every_officer_has_the_agency_applications_desk(client):
    officer = OfficerFactory(role="officer")
    sign_in_as(client, officer.user)
    page = client.get(URL).content.decode()
    assert 'href="/desk/applications/"' in page  # OFF-2: any role of an agency
    assert 'href="/desk/staff/"' not in page


def test_a_desk_is_one_entry_with_a_permission_or_a_predicate(monkeypatch):
    user = OfficerFactory(role="head").user
    extra = desks.Desk(
        "Очередь",
        "backoffice:home",
        lambda u: getattr(getattr(u, "officer", None), "role", "") == "head",
    )
    monkeypatch.setattr(desks, "DESKS", [*desks.DESKS, extra])
    assert desks.desks_for(user)[-1] == extra
    assert extra not in desks.desks_for(OfficerFactory(role="officer").user)
    assert desks.desks_for(UserFactory()) == []


@pytest.mark.parametrize(("who", "shown"), [("citizen", False), ("operator", True)])
def test_the_header_links_to_the_desks_only_for_staff(client, who, shown):
    sign_in_as(client, operator() if who == "operator" else UserFactory())
    page = client.get("/profile/").content.decode()
    assert ('href="/desk/"' in page) is shown
    assert 'href="/applications/"' in page  # «Мои заявления» for everyone signed in


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("citizen", False),
        ("inactive_officer", False),
        ("officer", True),
        ("administrator", True),
        ("operator", True),
    ],
)
def test_the_header_offers_the_desks_to_those_who_may_enter(client, who, shown):
    users = {
        "citizen": UserFactory,
        "inactive_officer": inactive_officer,
        "operator": operator,
    }
    user = users[who]() if who in users else OfficerFactory(role=who).user
    sign_in_as(client, user)  # the link is worked out at sign-in
    page = client.get("/").content.decode()
    assert (f'href="{URL}"' in page) is shown

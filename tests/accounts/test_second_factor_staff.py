"""Staff, superusers and desk operators never sign in on a password alone: without a
second factor the password step refuses, with one it asks for the code."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from gosportal.accounts import signin
from gosportal.accounts.models import Authenticator
from gosportal.accounts.selectors import user_by_login
from gosportal.core.models import AuditEvent
from tests.accounts.test_mfa import add_factor
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _operator(codename):
    user = UserFactory(email="op@example.ru")
    user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def _password_step(client, user):
    return client.post(LOGIN, {"login": user.email, "password": DEFAULT_PASSWORD})


PEOPLE = [
    ("staff", lambda: UserFactory(email="op@example.ru", is_staff=True)),
    ("superuser", lambda: UserFactory(email="op@example.ru", is_superuser=True)),
    ("remote checks", lambda: _operator("review_remote_check")),
    ("data requests", lambda: _operator("review_data_change")),
    ("service centre", lambda: _operator("confirm_in_service_centre")),
]


@pytest.mark.parametrize("make", [p[1] for p in PEOPLE], ids=[p[0] for p in PEOPLE])
def test_without_a_second_factor_the_password_alone_does_not_sign_in(client, make):
    user = make()
    assert signin.second_factor_mandatory(user)

    response = _password_step(client, user)

    assert response.status_code == 200
    assert "нужен второй фактор" in response.content.decode()
    assert client.get("/desk/remote-checks/").status_code == 302
    assert AuditEvent.objects.filter(
        action="accounts.login_failed", actor_id=user.pk, details__reason="no_second_factor"
    ).exists()


@pytest.mark.parametrize("make", [p[1] for p in PEOPLE], ids=[p[0] for p in PEOPLE])
def test_with_a_second_factor_the_password_step_asks_for_the_code(client, make):
    user = make()
    add_factor(user, Authenticator.Kind.SMS, default=True)

    response = _password_step(client, user)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/second-factor/")
    assert client.get("/desk/remote-checks/").status_code == 302  # not signed in yet


def test_a_citizen_without_a_desk_may_still_use_the_password_alone(client):
    user = UserFactory(email="citizen@example.ru")
    assert not signin.second_factor_mandatory(user)
    assert _password_step(client, user).status_code == 302


def test_an_operator_cannot_remove_the_last_second_factor(client):
    from gosportal.accounts import mfa
    from gosportal.core.errors import Conflict

    user = _operator("review_remote_check")
    row = add_factor(user, Authenticator.Kind.SMS, default=True)
    with pytest.raises(Conflict):
        mfa.remove_authenticator(user=user, authenticator_id=row.pk, session_key=None)


def test_demo_admin_and_operator_have_a_second_factor():
    call_command("load_demo", "--force", stdout=StringIO())
    for login in ("admin@gosportal.local", "operator@gosportal.local"):
        user = user_by_login(login)
        assert signin.second_factor_mandatory(user)
        assert signin.needs_second_factor(user), login

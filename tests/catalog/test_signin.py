"""REG-5, AUTH-3: a civil servant never signs in on a password alone, cannot remove
their last second factor, and lands on «Рабочие места» unless a page was asked for."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from gosportal.accounts import mfa, signin
from gosportal.accounts.models import Authenticator
from gosportal.core.errors import Conflict
from gosportal.core.models import AuditEvent
from tests.accounts.test_mfa import sms_code
from tests.conftest import sign_in_as
from tests.factories import DEFAULT_PASSWORD, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SECOND = "/accounts/login/second-factor/"


def with_sms(user):
    Authenticator.objects.create(user=user, kind=Authenticator.Kind.SMS, is_default=True)
    return user


def test_a_civil_servant_without_a_second_factor_cannot_sign_in(client):
    officer = OfficerFactory()
    response = client.post(LOGIN, {"login": officer.user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "нужен второй фактор" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action="accounts.login_failed", actor_id=officer.user.pk
    ).exists()


def test_the_session_never_opens_on_one_factor_for_a_civil_servant(client):
    user = OfficerFactory().user
    request = RequestFactory().post(LOGIN)
    request.session = client.session
    with pytest.raises(PermissionDenied):
        signin.finish_signin(request, user, method="password")


def test_a_civil_servant_signs_in_with_the_sms_code_and_lands_on_the_desk(client):
    user = with_sms(OfficerFactory().user)
    response = client.post(LOGIN, {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.url.startswith(SECOND)
    client.post(SECOND, {"method": "sms", "action": "send"})
    response = client.post(SECOND, {"method": "sms", "code": sms_code(user.phone)})
    assert response.status_code == 302 and response.url == "/desk/"
    assert client.get("/desk/").status_code == 200


def test_a_civil_servant_asked_for_a_page_goes_there_after_signing_in(client):
    user = with_sms(OfficerFactory().user)
    client.post(
        LOGIN, {"login": user.email, "password": DEFAULT_PASSWORD, "next": "/accounts/security/"}
    )
    client.post(SECOND, {"method": "sms", "action": "send", "next": "/accounts/security/"})
    response = client.post(
        SECOND, {"method": "sms", "code": sms_code(user.phone), "next": "/accounts/security/"}
    )
    assert response.url == "/accounts/security/"


def test_a_citizen_still_lands_on_the_home_page(client):
    user = UserFactory()
    response = client.post(LOGIN, {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.url == "/"


def test_a_civil_servant_cannot_remove_the_last_second_factor():
    user = with_sms(OfficerFactory().user)
    row = user.authenticators.get()
    with pytest.raises(Conflict):
        mfa.remove_authenticator(user=user, authenticator_id=row.pk, session_key=None)
    assert user.authenticators.filter(pk=row.pk).exists()


def test_a_civil_servant_may_remove_a_factor_when_another_remains():
    user = with_sms(OfficerFactory().user)
    email = Authenticator.objects.create(user=user, kind=Authenticator.Kind.EMAIL)
    mfa.remove_authenticator(user=user, authenticator_id=email.pk, session_key=None)
    assert list(user.authenticators.values_list("kind", flat=True)) == ["sms"]


def test_the_security_page_says_why_the_last_factor_stays(client):
    user = with_sms(OfficerFactory().user)
    sign_in_as(client, user)
    row = user.authenticators.get()
    response = client.post(f"/accounts/security/{row.pk}/remove/", follow=True)
    assert "Служебной учётной записи нужен второй фактор" in response.content.decode()
    assert user.authenticators.filter(pk=row.pk).exists()


def test_a_citizen_may_still_remove_the_last_factor():
    user = with_sms(UserFactory())
    row = user.authenticators.get()
    mfa.remove_authenticator(user=user, authenticator_id=row.pk, session_key=None)
    assert not user.authenticators.exists()

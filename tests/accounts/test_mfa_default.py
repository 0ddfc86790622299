"""AUTH-3: two-factor sign-in is on by default once an account is confirmed."""

import pytest

from gosportal.accounts.models import Authenticator
from gosportal.accounts.services import raise_level
from gosportal.core.models import AuditEvent, OutboxEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_confirming_an_account_turns_on_sms_codes_and_tells_the_person():
    user = UserFactory(level="standard")
    assert raise_level(user, level="confirmed", reason="service_centre")
    factor = Authenticator.objects.get(user=user)
    assert (factor.kind, factor.is_default) == ("sms", True)
    assert AuditEvent.objects.filter(
        action="accounts.mfa_enabled_by_default", actor_id=user.pk
    ).exists()
    notices = [
        e.payload["subject"] for e in OutboxEvent.objects.filter(name="accounts.security_notice")
    ]
    assert "Включена двухфакторная аутентификация" in notices


def test_without_a_phone_a_confirmed_email_gets_the_codes():
    user = UserFactory(level="standard", phone=None, email_confirmed=True)
    raise_level(user, level="confirmed")
    assert Authenticator.objects.get(user=user).kind == "email"


def test_an_existing_second_factor_is_kept_as_it_is():
    user = UserFactory(level="standard")
    Authenticator.objects.create(user=user, kind="totp", name="Телефон", is_default=True)
    raise_level(user, level="confirmed")
    assert list(Authenticator.objects.filter(user=user).values_list("kind", flat=True)) == ["totp"]


def test_nothing_is_turned_on_without_a_verified_contact():
    user = UserFactory(level="standard", phone=None, email_confirmed=False)
    raise_level(user, level="confirmed")
    assert not Authenticator.objects.filter(user=user).exists()


def test_reaching_only_the_standard_level_turns_nothing_on():
    user = UserFactory(level="simplified")
    raise_level(user, level="standard")
    assert not Authenticator.objects.filter(user=user).exists()


def test_after_confirmation_the_sign_in_asks_for_the_code(client):
    user = UserFactory(level="standard")
    raise_level(user, level="confirmed")
    response = client.post("/accounts/login/", {"login": user.email, "password": "Correct-Horse-9"})
    assert response["Location"].startswith("/accounts/login/second-factor/")

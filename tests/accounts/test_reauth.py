"""Critical actions ask for the password again after five minutes (AUTH-7)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.reauth_urls")]


@pytest.fixture
def signed_in(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client, user


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/critical/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_fresh_sign_in_counts_as_recent_proof(signed_in):
    client, _ = signed_in
    assert client.get("/critical/").content == b"critical action done"


def test_after_five_minutes_the_password_is_asked_again_and_leads_back(signed_in):
    client, user = signed_in
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        response = client.get("/critical/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/confirm/?next=%2Fcritical%2F"

        page = client.get(response["Location"])
        assert "Подтвердите, что это вы" in page.content.decode()

        done = client.post(
            "/accounts/confirm/", {"password": DEFAULT_PASSWORD, "next": "/critical/"}
        )
        assert done["Location"] == "/critical/"
        assert client.get("/critical/").content == b"critical action done"
    assert AuditEvent.objects.filter(action="accounts.reauthenticated", actor_id=user.pk).exists()


def test_just_before_five_minutes_no_password_is_asked(signed_in):
    client, _ = signed_in
    with time_machine.travel(timezone.now() + timedelta(minutes=4, seconds=55), tick=False):
        assert client.get("/critical/").status_code == 200


def test_wrong_password_is_refused_with_a_russian_message(signed_in):
    client, user = signed_in
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post("/accounts/confirm/", {"password": "wrong", "next": "/critical/"})
        assert response.status_code == 200
        assert "Неверный пароль." in response.content.decode()
        assert client.get("/critical/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.reauth_failed", actor_id=user.pk).exists()


def test_confirmation_does_not_redirect_to_another_site(signed_in):
    client, _ = signed_in
    response = client.post(
        "/accounts/confirm/", {"password": DEFAULT_PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_repeated_wrong_passwords_are_rate_limited(signed_in):
    client, _ = signed_in
    for _ in range(5):
        client.post("/accounts/confirm/", {"password": "wrong"})
    assert client.post("/accounts/confirm/", {"password": DEFAULT_PASSWORD}).status_code == 429

"""Ending sessions really signs the other browsers out (AUTH-7)."""

import pytest

from gosportal.accounts.models import UserSession
from gosportal.accounts.sessions import end_sessions
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def test_sign_in_records_a_session_with_a_new_session_id(client):
    user = UserFactory()
    client.get("/accounts/login/")
    before = client.cookies.get("sessionid")
    sign_in(client, user)
    row = UserSession.objects.get(user=user)
    assert row.session_key == client.cookies["sessionid"].value
    assert before is None or before.value != row.session_key


def test_ending_all_other_sessions_signs_them_out_and_keeps_this_one(client, django_user_model):
    from django.test import Client

    user = UserFactory()
    this = sign_in(client, user)
    other = sign_in(Client(HTTP_HOST="127.0.0.1"), user)
    keep = this.cookies["sessionid"].value

    assert end_sessions(user, reason="test", except_key=keep) == 1

    assert "Выйти" in this.get("/").content.decode()
    assert "Выйти" not in other.get("/").content.decode()
    ended = UserSession.objects.get(user=user, ended_at__isnull=False)
    assert ended.end_reason == "test"

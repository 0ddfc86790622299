"""«Продолжить сеанс»: the idle warning's button counts as activity (AUTH-7)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gosportal.accounts.models import UserSession
from tests.conftest import sign_in_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/accounts/sessions/keepalive/"


def test_keepalive_moves_the_last_activity_of_this_session_only(client):
    user = UserFactory()
    sign_in_as(client, user)
    other = UserSession.objects.create(user=user, session_key="other-browser-key")
    long_ago = timezone.now() - timedelta(minutes=20)
    UserSession.objects.filter(user=user).update(last_activity=long_ago)

    response = client.post(URL)

    assert response.status_code == 200 and response.json() == {"idle_seconds": 1800}
    mine = UserSession.objects.get(session_key=client.session.session_key)
    assert mine.last_activity > long_ago
    other.refresh_from_db()
    assert other.last_activity == long_ago


def test_keepalive_needs_a_signed_in_session(client):
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_keepalive_refuses_get(client):
    sign_in_as(client, UserFactory())
    assert client.get(URL).status_code == 405


def test_signed_in_pages_carry_the_idle_warning_and_anonymous_ones_do_not(client):
    assert 'id="session-warning"' not in client.get("/").content.decode()
    sign_in_as(client, UserFactory())
    html = client.get("/").content.decode()
    # 1800 s idle − 60 s write interval − 120 s warning.
    assert 'id="session-warning"' in html and 'data-warn-after="1620"' in html


def test_keepalive_counts_for_the_idle_timeout_kept_in_the_session(client):
    import time_machine

    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in_as(client, user)
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        assert client.post(URL).status_code == 200
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        response = client.get("/accounts/sessions/")
    assert response.status_code == 200  # idle for 25 minutes only since «Продолжить сеанс»

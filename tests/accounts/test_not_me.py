"""«Это был не я»: the link in a new-device notice ends every session and stops the
password until it is recovered (AUTH-9)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from gosportal.accounts import signin
from gosportal.accounts.models import LoginEvent, UserSession
from gosportal.core.models import AuditEvent
from tests.accounts.activity_support import browser, notices, post_login, sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def intruder_signed_in():
    """The owner signs in at home; someone else then signs in from another network."""
    user = UserFactory()
    owner = sign_in(browser(ip="203.0.113.5"), user)
    intruder = sign_in(browser(ip="198.51.100.9"), user)
    [text] = [t for t in notices() if "перейдите по ссылке" in t]
    path = text.split("http://127.0.0.1:8000", 1)[1]
    return user, owner, intruder, path


def test_the_link_shows_a_confirmation_page_and_changes_nothing(intruder_signed_in):
    user, _owner, _intruder, path = intruder_signed_in
    response = browser().get(path)
    body = response.content.decode()
    assert response.status_code == 200 and "Это был не я" in body and "198.51.100.9" in body
    assert UserSession.objects.filter(user=user, ended_at__isnull=True).count() == 2


def test_confirming_ends_every_session_and_stops_the_password(intruder_signed_in):
    user, owner, intruder, path = intruder_signed_in
    response = browser().post(path)
    assert response.status_code == 200
    assert "Вход заблокирован" in response.content.decode()
    assert not UserSession.objects.filter(user=user, ended_at__isnull=True).exists()
    assert set(UserSession.objects.values_list("end_reason", flat=True)) == {"not_me"}
    for client in (owner, intruder):
        assert "Выйти" not in client.get("/").content.decode()
    user.refresh_from_db()
    assert user.must_change_password and not user.has_usable_password()
    assert post_login(browser(), user.email, DEFAULT_PASSWORD).status_code == 200
    audit = AuditEvent.objects.get(action="accounts.not_me")
    assert audit.details == {"user_id": user.pk, "sessions_ended": 2}
    assert any("Все сеансы завершены" in t for t in notices())


def test_a_used_link_does_not_work_again(intruder_signed_in):
    _user, _owner, _intruder, path = intruder_signed_in
    browser().post(path)
    again = browser().post(path)
    assert again.status_code == 400 and "Ссылка уже использована." in again.content.decode()
    assert AuditEvent.objects.filter(action="accounts.not_me").count() == 1


def test_an_expired_link_is_refused_without_change(intruder_signed_in):
    user, _owner, _intruder, path = intruder_signed_in
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = browser().post(path)
    assert (
        response.status_code == 400 and "Срок действия ссылки истёк." in response.content.decode()
    )
    user.refresh_from_db()
    assert user.has_usable_password()


@pytest.mark.parametrize("token", ["nonsense", "1:abc:def", "%20"])
def test_a_forged_link_is_refused_in_russian(token):
    response = browser().get(f"/accounts/not-me/{token}/")
    assert response.status_code == 400 and "Ссылка недействительна." in response.content.decode()


def test_a_link_for_a_failed_attempt_is_refused():
    user = UserFactory()
    post_login(browser(), user.email, "Wrong-1")
    token = signin.make_not_me_token(LoginEvent.objects.get(user=user))
    assert browser().post(f"/accounts/not-me/{token}/").status_code == 400


def test_a_link_of_another_user_only_touches_that_user(intruder_signed_in):
    _user, _owner, _intruder, path = intruder_signed_in
    bystander = UserFactory()
    bystander_client = sign_in(browser(), bystander)
    bystander_client.post(path)
    assert "Выйти" in bystander_client.get("/").content.decode()
    bystander.refresh_from_db()
    assert bystander.has_usable_password()

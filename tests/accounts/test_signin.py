"""The password step and what a sign-in records (AUTH-1, AUTH-7, AUTH-8, AUTH-9)."""

import pytest
from django.urls import reverse

from gosportal.accounts.models import Authenticator, LoginEvent, LoginThrottle, UserSession
from gosportal.core.models import AuditEvent
from tests.accounts.activity_support import (
    SAFARI_IPHONE,
    browser,
    notices,
    post_login,
    sign_in,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_right_password_signs_in_with_a_new_session_id():
    user = UserFactory()
    client = browser()
    before = client.session.session_key  # a session exists before signing in
    response = post_login(client, user.email, DEFAULT_PASSWORD, next_url="/accounts/sessions/")
    assert response.status_code == 302 and response["Location"] == "/accounts/sessions/"
    assert client.cookies["sessionid"].value != before
    assert UserSession.objects.get(user=user).session_key == client.cookies["sessionid"].value


def test_sign_in_by_phone_works_too():
    UserFactory(phone="+79161112233")
    client = browser()
    assert post_login(client, "8 916 111-22-33", DEFAULT_PASSWORD).status_code == 302


def test_a_wrong_password_keeps_the_login_but_never_the_password():
    user = UserFactory()
    response = post_login(browser(), user.email, "typed-secret-1")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Неверный логин или пароль." in body
    assert f'value="{user.email}"' in body
    assert "typed-secret-1" not in body


def test_empty_fields_are_named_in_russian():
    response = browser().post("/accounts/login/", {"login": "", "password": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Укажите телефон или электронную почту." in body and "Введите пароль." in body
    assert not LoginThrottle.objects.exists()  # an incomplete form is not an attempt


def test_a_foreign_next_address_is_not_followed():
    user = UserFactory()
    response = post_login(browser(), user.email, DEFAULT_PASSWORD, next_url="https://evil.example/")
    assert response["Location"] == "/"


def test_a_user_with_a_second_factor_is_sent_to_the_second_step_not_signed_in():
    user = UserFactory()
    Authenticator.objects.create(user=user, kind=Authenticator.Kind.TOTP, is_default=True)
    client = browser()
    response = post_login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signin_second_factor")
    assert "_auth_user_id" not in client.session
    assert client.session["signin_pending"]["user_id"] == user.pk


def test_the_sign_in_is_recorded_with_the_device_in_history_session_and_audit():
    user = UserFactory()
    sign_in(browser(ip="203.0.113.5", user_agent=SAFARI_IPHONE), user)
    event = LoginEvent.objects.get(user=user)
    assert (event.result, event.method, event.ip) == ("success", "password", "203.0.113.5")
    assert (event.device_type, event.browser, event.os) == ("phone", "Mobile Safari", "iOS")
    session = UserSession.objects.get(user=user)
    assert (session.device_type, session.browser, session.os) == ("phone", "Mobile Safari", "iOS")
    assert AuditEvent.objects.filter(action="accounts.login_succeeded", actor_id=user.pk).exists()


def test_the_first_sign_in_ever_sends_no_new_device_notice():
    sign_in(browser(), UserFactory())
    assert not [t for t in notices() if "нового устройства" in t]


def test_the_same_device_and_network_sends_no_notice():
    user = UserFactory()
    sign_in(browser(ip="203.0.113.5"), user)
    sign_in(browser(ip="203.0.113.77"), user)  # the same /24
    assert not [t for t in notices() if "нового устройства" in t]


def test_a_new_network_sends_a_notice_with_a_not_me_link():
    user = UserFactory()
    sign_in(browser(ip="203.0.113.5"), user)
    sign_in(browser(ip="198.51.100.9"), user)
    [text] = [t for t in notices() if "нового устройства" in t]
    assert text.startswith(
        "Вход с нового устройства или из новой сети: Firefox, Linux, 198.51.100.9"
    )
    assert (
        "Если это были не вы, перейдите по ссылке: http://127.0.0.1:8000/accounts/not-me/" in text
    )


def test_a_new_device_in_the_same_network_sends_a_notice():
    user = UserFactory()
    sign_in(browser(ip="203.0.113.5"), user)
    sign_in(browser(ip="203.0.113.5", user_agent=SAFARI_IPHONE), user)
    assert [t for t in notices() if "Mobile Safari, iOS" in t]


def test_ipv6_addresses_in_the_same_48_are_one_network():
    user = UserFactory()
    sign_in(browser(ip="2001:db8:1:1::5"), user)
    sign_in(browser(ip="2001:db8:1:ffff::9"), user)
    assert not [t for t in notices() if "нового устройства" in t]


def test_sign_out_ends_the_recorded_session():
    user = UserFactory()
    client = sign_in(browser(), user)
    client.post("/accounts/logout/")
    row = UserSession.objects.get(user=user)
    assert row.ended_at is not None and row.end_reason == "logout"
    assert AuditEvent.objects.filter(action="accounts.logout", actor_id=user.pk).exists()


def test_sign_out_needs_post():
    assert browser().get("/accounts/logout/").status_code == 405

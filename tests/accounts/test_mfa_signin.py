"""The second step of sign-in: a code from the app, an SMS, an e-mail or a recovery code."""

import re
from datetime import timedelta
from io import StringIO

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from gosportal.accounts import mfa, signin
from gosportal.accounts.models import Authenticator, LoginEvent, UserSession
from gosportal.accounts.selectors import user_by_login
from gosportal.core.models import AuditEvent
from tests.accounts.test_mfa import add_factor, add_totp, sms_code
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/login/second-factor/"
Kind = Authenticator.Kind


def passed_password_step(client, user):
    """What the password step does for a user with a second factor (signin.begin_second_factor)."""
    request = RequestFactory().get("/accounts/login/")
    request.session = client.session
    signin.begin_second_factor(request, user, method="password")
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    return client


def signed_in_as(client, user) -> bool:
    return (
        "Выйти" in client.get("/").content.decode()
        and UserSession.objects.filter(
            user=user, session_key=client.cookies[settings.SESSION_COOKIE_NAME].value
        ).exists()
    )


@pytest.fixture
def totp_user():
    user = UserFactory()
    secret = pyotp.random_base32()
    add_totp(user, secret=secret)
    return user, secret


def test_totp_code_finishes_the_sign_in(client, totp_user):
    user, secret = totp_user
    passed_password_step(client, user)
    page = client.get(URL).content.decode()
    assert "Подтверждение входа" in page and "Код из приложения" in page
    response = client.post(URL, {"method": "totp", "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client, user)
    assert LoginEvent.objects.get(user=user, result="success").method == "password+totp"
    assert Authenticator.objects.get(user=user, kind=Kind.TOTP).last_used_at is not None


def test_sign_in_returns_to_a_safe_next_page_only(client, totp_user):
    user, secret = totp_user
    passed_password_step(client, user)
    response = client.post(
        URL, {"method": "totp", "code": pyotp.TOTP(secret).now(), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_sms_code_finishes_the_sign_in(client):
    user = UserFactory()
    add_factor(user, Kind.SMS, default=True)
    passed_password_step(client, user)
    page = client.get(URL).content.decode()
    assert "Отправить код" in page
    response = client.post(URL, {"method": "sms", "action": "send"})
    assert response.status_code == 302
    response = client.post(URL, {"method": "sms", "code": sms_code(user.phone)})
    assert response.status_code == 302
    assert LoginEvent.objects.get(user=user, result="success").method == "password+sms"


def test_email_code_finishes_the_sign_in(client, mailoutbox):
    user = UserFactory(email_confirmed=True)
    add_factor(user, Kind.EMAIL, default=True)
    passed_password_step(client, user)
    client.post(URL, {"method": "email", "action": "send"})
    code = re.search(r"\d{6}", mailoutbox[-1].body).group()
    response = client.post(URL, {"method": "email", "code": code})
    assert response.status_code == 302
    assert signed_in_as(client, user)


def test_recovery_code_finishes_the_sign_in_and_warns_when_few_are_left(client, totp_user):
    user, _secret = totp_user
    codes = mfa.generate_recovery_codes(user=user, session_key=None)
    for code in codes[:7]:
        mfa.verify_recovery_code(user=user, code=code)
    passed_password_step(client, user)
    page = client.get(URL, {"method": "recovery_code"}).content.decode()
    assert "Резервный код" in page and "Резервных кодов осталось: 3" in page
    response = client.post(URL, {"method": "recovery_code", "code": codes[9]}, follow=True)
    assert "Осталось резервных кодов: 2." in response.content.decode()
    assert LoginEvent.objects.get(user=user, result="success").method == "password+recovery_code"
    assert mfa.recovery_codes_left(user) == 2


def test_the_page_offers_the_other_methods_of_the_user(client, totp_user):
    user, _ = totp_user
    add_factor(user, Kind.SMS)
    mfa.generate_recovery_codes(user=user, session_key=None)
    passed_password_step(client, user)
    page = client.get(URL).content.decode()
    assert "Другой способ" in page
    assert "?method=sms" in page and "?method=recovery_code" in page
    assert "?method=email" not in page


def test_an_unknown_method_falls_back_to_the_default(client, totp_user):
    user, _ = totp_user
    passed_password_step(client, user)
    page = client.get(URL, {"method": "webauthn<script>"}).content.decode()
    assert "Код из приложения" in page


def test_without_a_pending_sign_in_the_page_sends_back_to_sign_in(client):
    response = client.get(URL, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "Войдите ещё раз" in response.content.decode()


def test_a_stale_pending_sign_in_sends_back_to_sign_in(client, totp_user):
    user, secret = totp_user
    passed_password_step(client, user)
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=5)):
        response = client.post(URL, {"method": "totp", "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=user).exists()


@pytest.mark.parametrize("code", ["", "12", "abcdef", "x" * 65, "１２３４５６"])
def test_bad_input_is_a_form_error_naming_the_field(client, totp_user, code):
    user, _ = totp_user
    passed_password_step(client, user)
    response = client.post(URL, {"method": "totp", "code": code})
    assert response.status_code == 200
    assert "Код из приложения:" in response.content.decode()
    assert not UserSession.objects.filter(user=user).exists()


def test_a_wrong_code_is_refused_audited_and_logged(client, totp_user):
    user, _ = totp_user
    passed_password_step(client, user)
    response = client.post(URL, {"method": "totp", "code": "000000"})
    html = response.content.decode()
    assert "Неверный код из приложения." in html and 'value="000000"' not in html
    assert LoginEvent.objects.get(user=user).result == "wrong_code"
    details = AuditEvent.objects.get(action="accounts.login_failed", actor_id=user.pk).details
    assert details["step"] == "second_factor"


def test_ten_wrong_codes_lock_the_step_for_fifteen_minutes(client, totp_user):
    user, secret = totp_user
    passed_password_step(client, user)
    for _ in range(9):
        client.post(URL, {"method": "totp", "code": "000000"})
    locked = client.post(URL, {"method": "totp", "code": "000000"}).content.decode()
    assert "заблокирован" in locked and "15 мин" in locked

    # Even the right code is refused while the lock lasts; the pending step is renewed.
    with time_machine.travel(timezone.now() + timedelta(minutes=14, seconds=50)):
        passed_password_step(client, user)
        response = client.post(URL, {"method": "totp", "code": pyotp.TOTP(secret).now()})
        assert response.status_code == 200 and "заблокирован" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=15, seconds=5)):
        passed_password_step(client, user)
        response = client.post(URL, {"method": "totp", "code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.mfa_locked", actor_id=user.pk).exists()
    assert LoginEvent.objects.filter(user=user, result="locked").exists()


def test_a_right_code_ends_the_run_of_wrong_ones(client, totp_user):
    user, secret = totp_user
    passed_password_step(client, user)
    for _ in range(9):
        client.post(URL, {"method": "totp", "code": "000000"})
    client.post(URL, {"method": "totp", "code": pyotp.TOTP(secret).now()})
    client.post("/accounts/logout/")
    passed_password_step(client, user)
    response = client.post(URL, {"method": "totp", "code": "000000"})
    assert "заблокирован" not in response.content.decode()


def test_the_password_step_leads_to_the_second_factor_and_back_to_next(client, totp_user):
    user, secret = totp_user
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": DEFAULT_PASSWORD, "next": "/accounts/security/"},
    )
    assert response.status_code == 302 and response["Location"].startswith(URL)
    assert "Выйти" not in client.get("/").content.decode()
    page = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/accounts/security/"' in page
    done = client.post(
        URL, {"method": "totp", "code": pyotp.TOTP(secret).now(), "next": "/accounts/security/"}
    )
    assert done["Location"] == "/accounts/security/"
    assert signed_in_as(client, user)


def test_demo_data_gives_anna_totp_and_petr_sms_and_is_idempotent():
    call_command("load_demo", "--force", stdout=StringIO())
    call_command("load_demo", "--force", stdout=StringIO())
    anna = user_by_login("anna.smirnova@example.ru")
    petr = user_by_login("+79161000003")
    ivan = user_by_login("ivan.petrov@example.ru")
    assert sorted(anna.authenticators.values_list("kind", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    assert mfa.recovery_codes_left(anna) == 10
    assert list(petr.authenticators.values_list("kind", "is_default")) == [("sms", True)]
    assert not ivan.authenticators.exists()

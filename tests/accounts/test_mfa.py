"""Second factors: TOTP, recovery codes, SMS/e-mail codes and «Настройки безопасности» (AUTH-3)."""

import json
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from gosportal.accounts import mfa
from gosportal.accounts.models import Authenticator, UserSession
from gosportal.core import events
from gosportal.core.errors import Conflict, InvalidInput, NotFound
from gosportal.core.models import AuditEvent
from gosportal.integrations.models import SandboxMessage
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)  # 10 s into a 30-s step
Kind = Authenticator.Kind


def code_at(secret: str, moment: datetime, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(moment + timedelta(seconds=30 * steps))


def add_totp(user, *, secret=None, default=True) -> Authenticator:
    return Authenticator.objects.create(
        user=user,
        kind=Kind.TOTP,
        is_default=default,
        data=json.dumps({"secret": secret or pyotp.random_base32()}),
    )


def add_factor(user, kind, *, default=False) -> Authenticator:
    return Authenticator.objects.create(user=user, kind=kind, is_default=default)


def sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def signed_in(client):
    user = UserFactory(email_confirmed=True)
    return sign_in(client, user), user


def sms_code(phone: str) -> str:
    body = SandboxMessage.objects.filter(channel="sms", recipient=phone).latest("pk").body
    return re.search(r"\d{6}", body).group()


# --- TOTP ------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_totp_confirmed_with_the_current_code_becomes_the_default_method():
    user = UserFactory()
    secret = pyotp.random_base32()
    row = mfa.confirm_totp(user=user, secret=secret, code=code_at(secret, NOW), session_key=None)
    assert row.kind == Kind.TOTP and row.is_default
    assert json.loads(Authenticator.objects.get(pk=row.pk).data) == {"secret": secret}
    assert AuditEvent.objects.filter(action="accounts.mfa_added", actor_id=user.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_totp_enrolment_refuses_a_wrong_first_code():
    user = UserFactory()
    secret = pyotp.random_base32()
    with pytest.raises(InvalidInput):
        mfa.confirm_totp(user=user, secret=secret, code="000000x", session_key=None)
    assert not Authenticator.objects.exists()


@pytest.mark.parametrize("steps", [-1, 0, 1])
def test_totp_accepts_the_current_and_the_neighbouring_steps(steps):
    user = UserFactory()
    secret = pyotp.random_base32()
    row = add_totp(user, secret=secret)
    with time_machine.travel(NOW, tick=False):
        mfa.verify_totp(authenticator=row, code=code_at(secret, NOW, steps))
    row.refresh_from_db()
    assert row.last_used_step == int(NOW.timestamp()) // 30 + steps


@pytest.mark.parametrize("steps", [-2, 2])
def test_totp_refuses_codes_two_steps_away(steps):
    user = UserFactory()
    secret = pyotp.random_base32()
    row = add_totp(user, secret=secret)
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidInput):
        mfa.verify_totp(authenticator=row, code=code_at(secret, NOW, steps))


def test_a_totp_code_cannot_be_used_twice_nor_an_older_one_after_it():
    user = UserFactory()
    secret = pyotp.random_base32()
    row = add_totp(user, secret=secret)
    with time_machine.travel(NOW, tick=False):
        mfa.verify_totp(authenticator=row, code=code_at(secret, NOW))
        with pytest.raises(InvalidInput, match="уже использован"):
            mfa.verify_totp(authenticator=row, code=code_at(secret, NOW))
        with pytest.raises(InvalidInput, match="уже использован"):
            mfa.verify_totp(authenticator=row, code=code_at(secret, NOW, -1))
        mfa.verify_totp(authenticator=row, code=code_at(secret, NOW, 1))


# --- recovery codes --------------------------------------------------------------


def test_recovery_codes_are_ten_and_stored_only_as_salted_hashes():
    user = UserFactory()
    add_totp(user)
    codes = mfa.generate_recovery_codes(user=user, session_key=None)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code) for code in codes)

    row = Authenticator.objects.get(user=user, kind=Kind.RECOVERY_CODES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM accounts_authenticator WHERE id = %s", [row.pk])
        raw_column = cursor.fetchone()[0]
    decrypted = row.data
    for code in codes:
        for variant in (code, code.replace("-", "")):
            assert variant not in raw_column and variant not in decrypted
    stored = json.loads(decrypted)["codes"]
    assert len({item["salt"] for item in stored}) == 10


def test_a_recovery_code_works_once_in_any_case_and_spacing():
    user = UserFactory()
    add_totp(user)
    codes = mfa.generate_recovery_codes(user=user, session_key=None)
    assert mfa.verify_recovery_code(user=user, code=f" {codes[3].lower()} ") == 9
    with pytest.raises(InvalidInput, match="Неверный резервный код"):
        mfa.verify_recovery_code(user=user, code=codes[3])
    assert mfa.recovery_codes_left(user) == 9


def test_regenerating_recovery_codes_replaces_the_old_ones():
    user = UserFactory()
    add_totp(user)
    old = mfa.generate_recovery_codes(user=user, session_key=None)
    mfa.generate_recovery_codes(user=user, session_key=None)
    with pytest.raises(InvalidInput):
        mfa.verify_recovery_code(user=user, code=old[0])
    assert Authenticator.objects.filter(user=user, kind=Kind.RECOVERY_CODES).count() == 1


def test_recovery_codes_need_a_real_second_factor_first():
    user = UserFactory()
    with pytest.raises(Conflict):
        mfa.generate_recovery_codes(user=user, session_key=None)


def test_the_security_page_warns_when_three_recovery_codes_are_left(signed_in):
    client, user = signed_in
    add_totp(user)
    codes = mfa.generate_recovery_codes(user=user, session_key=None, announce=False)
    for code in codes[:6]:
        mfa.verify_recovery_code(user=user, code=code)
    assert "заканчиваются" not in client.get("/accounts/security/").content.decode()
    mfa.verify_recovery_code(user=user, code=codes[6])
    page = client.get("/accounts/security/").content.decode()
    assert "Неиспользованных кодов: 3." in page and "заканчиваются" in page


# --- «Настройки безопасности» ----------------------------------------------------


def test_security_page_lists_methods_with_the_default_badge(signed_in):
    client, user = signed_in
    add_totp(user)
    add_factor(user, Kind.SMS)
    page = client.get("/accounts/security/").content.decode()
    assert "Приложение-аутентификатор" in page and "Код по SMS" in page
    assert page.count("Основной") == 1
    assert "Сделать основным" in page


def test_security_page_needs_sign_in(client):
    response = client.get("/accounts/security/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_totp_enrolment_through_the_pages_shows_recovery_codes_once(signed_in):
    client, user = signed_in
    page = client.get("/accounts/security/totp/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data:image/svg+xml" in html
    secret = re.search(r'data-secret="([A-Z2-7]+)"', html).group(1)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in html

    response = client.post("/accounts/security/totp/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    shown = re.findall(r"<code>([A-Z2-9]{4}-[A-Z2-9]{4})</code>", response.content.decode())
    assert len(shown) == 10
    assert user.authenticators.filter(kind=Kind.TOTP, is_default=True).exists()
    assert mfa.recovery_codes_left(user) == 10
    assert shown[0] not in client.get("/accounts/security/").content.decode()


def test_totp_enrolment_with_a_wrong_code_says_so_and_keeps_the_same_secret(signed_in):
    client, user = signed_in
    first = client.get("/accounts/security/totp/").content.decode()
    response = client.post("/accounts/security/totp/", {"code": "12345"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Код из приложения: Код из приложения не подошёл" in html
    assert re.search(r'data-secret="(\w+)"', first).group(1) in html
    assert 'value="12345"' not in html
    assert not user.authenticators.exists()


@pytest.mark.parametrize("code", ["", " ", "x" * 65, "１２３４５６", "<script>"])
def test_totp_enrolment_bad_input_is_a_form_error(signed_in, code):
    client, user = signed_in
    client.get("/accounts/security/totp/")
    response = client.post("/accounts/security/totp/", {"code": code})
    assert response.status_code == 200
    assert "Код из приложения:" in response.content.decode()
    assert not user.authenticators.exists()


def test_changes_need_a_recent_re_authentication(signed_in):
    client, user = signed_in
    row = add_factor(user, Kind.SMS)
    add_totp(user, default=False)
    later = timezone.now() + timedelta(minutes=6)
    with time_machine.travel(later):
        for url in (
            "/accounts/security/totp/",
            f"/accounts/security/{row.pk}/remove/",
            f"/accounts/security/{row.pk}/default/",
            "/accounts/security/recovery-codes/",
        ):
            response = client.post(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/confirm/?next="), url
    assert user.authenticators.filter(pk=row.pk).exists()


def test_another_users_authenticator_is_not_found(signed_in):
    client, _user = signed_in
    stranger = UserFactory()
    theirs = add_totp(stranger)
    add_factor(stranger, Kind.SMS)
    assert client.post(f"/accounts/security/{theirs.pk}/remove/").status_code == 404
    other = stranger.authenticators.get(kind=Kind.SMS)
    assert client.post(f"/accounts/security/{other.pk}/default/").status_code == 404
    assert stranger.authenticators.count() == 2
    assert stranger.authenticators.get(pk=theirs.pk).is_default


def test_unknown_authenticator_id_is_not_found(signed_in):
    client, _ = signed_in
    assert client.post("/accounts/security/999999/remove/").status_code == 404
    assert client.post("/accounts/security/abc/remove/").status_code == 404


def test_set_default_moves_the_badge_and_keeps_one_default(signed_in):
    client, user = signed_in
    totp = add_totp(user)
    sms = add_factor(user, Kind.SMS)
    response = client.post(f"/accounts/security/{sms.pk}/default/")
    assert response.status_code == 302
    assert list(user.authenticators.filter(is_default=True)) == [sms]
    totp.refresh_from_db()
    assert not totp.is_default
    assert AuditEvent.objects.filter(action="accounts.mfa_default_set").exists()


def test_recovery_codes_cannot_be_the_default(signed_in):
    client, user = signed_in
    add_totp(user)
    mfa.generate_recovery_codes(user=user, session_key=None, announce=False)
    codes = user.authenticators.get(kind=Kind.RECOVERY_CODES)
    response = client.post(f"/accounts/security/{codes.pk}/default/")
    assert response.status_code == 400


def test_removing_the_default_hands_it_to_another_method(signed_in):
    client, user = signed_in
    totp = add_totp(user)
    sms = add_factor(user, Kind.SMS)
    client.post(f"/accounts/security/{totp.pk}/remove/")
    sms.refresh_from_db()
    assert sms.is_default and not user.authenticators.filter(pk=totp.pk).exists()


def test_removing_the_last_method_removes_the_recovery_codes(signed_in):
    client, user = signed_in
    totp = add_totp(user)
    mfa.generate_recovery_codes(user=user, session_key=None, announce=False)
    response = client.post(f"/accounts/security/{totp.pk}/remove/", follow=True)
    assert "Двухфакторная аутентификация выключена" in response.content.decode()
    assert not user.authenticators.exists()
    assert AuditEvent.objects.filter(action="accounts.mfa_removed", actor_id=user.pk).exists()


def test_a_change_notifies_the_owner_and_signs_out_other_browsers(signed_in, mailoutbox):
    client, user = signed_in
    other = sign_in(Client(HTTP_HOST="127.0.0.1"), user)
    totp = add_totp(user)
    add_factor(user, Kind.SMS)
    client.post(f"/accounts/security/{totp.pk}/remove/")

    assert "Выйти" in client.get("/").content.decode()
    assert "Выйти" not in other.get("/").content.decode()
    assert UserSession.objects.get(user=user, ended_at__isnull=False).end_reason == "mfa_changed"
    events.drain()
    assert [(m.subject, m.to) for m in mailoutbox] == [
        ("Изменены настройки безопасности", [user.email])
    ]
    assert SandboxMessage.objects.filter(channel="sms", recipient=user.phone).exists()


def test_regenerating_codes_from_the_page_shows_them_and_signs_out_others(signed_in):
    client, user = signed_in
    other = sign_in(Client(HTTP_HOST="127.0.0.1"), user)
    add_totp(user)
    response = client.post("/accounts/security/recovery-codes/")
    assert len(re.findall(r"<code>[A-Z2-9]{4}-[A-Z2-9]{4}</code>", response.content.decode())) == 10
    assert "Выйти" not in other.get("/").content.decode()


def test_regenerating_codes_without_a_method_is_refused_politely(signed_in):
    client, user = signed_in
    response = client.post("/accounts/security/recovery-codes/", follow=True)
    assert "Сначала подключите второй способ" in response.content.decode()
    assert not user.authenticators.exists()


# --- SMS and e-mail codes --------------------------------------------------------


def test_sms_enrolment_sends_a_code_and_confirms_it(signed_in):
    client, user = signed_in
    response = client.post("/accounts/security/sms/", {"action": "send"})
    assert response.status_code == 302
    code = sms_code(user.phone)
    response = client.post("/accounts/security/sms/", {"action": "confirm", "code": code})
    assert response.status_code == 200  # the first method shows the recovery codes
    assert user.authenticators.filter(kind=Kind.SMS, is_default=True).exists()


def test_sms_enrolment_with_a_wrong_code_names_the_field(signed_in):
    client, user = signed_in
    client.post("/accounts/security/sms/", {"action": "send"})
    wrong = "000000" if sms_code(user.phone) != "000000" else "111111"
    response = client.post("/accounts/security/sms/", {"action": "confirm", "code": wrong})
    assert "Код из SMS: Неверный код. Осталось попыток: 2." in response.content.decode()
    assert not user.authenticators.exists()


def test_email_enrolment_needs_a_confirmed_address(client):
    user = UserFactory(email_confirmed=False)
    sign_in(client, user)
    response = client.get("/accounts/security/email/", follow=True)
    assert "Подтвердите адрес электронной почты" in response.content.decode()


def test_sms_enrolment_needs_a_phone(client):
    user = UserFactory(phone=None)
    sign_in(client, user)
    response = client.get("/accounts/security/sms/", follow=True)
    assert "Добавьте номер мобильного телефона" in response.content.decode()


def test_email_enrolment_sends_the_code_by_mail(signed_in, mailoutbox):
    client, user = signed_in
    client.post("/accounts/security/email/", {"action": "send"})
    assert mailoutbox[-1].to == [user.email]
    code = re.search(r"\d{6}", mailoutbox[-1].body).group()
    client.post("/accounts/security/email/", {"action": "confirm", "code": code})
    assert user.authenticators.filter(kind=Kind.EMAIL).exists()


def test_services_refuse_an_unknown_id_type():
    user = UserFactory()
    with pytest.raises(NotFound):
        mfa.check_owned(user, "1 OR 1=1")


# --- re-authentication with the second factor (AUTH-7) ---------------------------


def test_re_authentication_accepts_a_code_from_the_app_instead_of_the_password(signed_in):
    client, user = signed_in
    secret = pyotp.random_base32()
    add_totp(user, secret=secret)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        page = client.get("/accounts/confirm/?next=/accounts/security/totp/").content.decode()
        assert "Или код из приложения-аутентификатора" in page
        wrong = client.post("/accounts/confirm/", {"code": "000000"}).content.decode()
        assert "Неверный код из приложения." in wrong
        done = client.post(
            "/accounts/confirm/", {"code": pyotp.TOTP(secret).now(), "next": "/accounts/security/"}
        )
        assert done["Location"] == "/accounts/security/"


def test_re_authentication_without_password_or_code_asks_for_the_password(signed_in):
    client, user = signed_in
    add_totp(user)
    response = client.post("/accounts/confirm/", {"password": "", "code": ""})
    assert "Пароль: Введите пароль." in response.content.decode()

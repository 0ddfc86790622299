"""REG-1: registration of a simplified account by phone, code and password; e-mail
confirmation by link. No step can be skipped and nothing tells whether a phone or an
e-mail already has an account."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from gosportal.accounts import registration
from gosportal.accounts.models import User, UserSession
from gosportal.accounts.models import phone_index as _index
from gosportal.core.models import AuditEvent
from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.sms.sandbox import TEMPORARY_FAILURE_NUMBER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "+79251234567"
TYPED_PHONE = "8 (925) 123-45-67"
PASSWORD = "Ледокол-Ветер7"


def last_sms(phone=PHONE) -> SandboxMessage:
    return SandboxMessage.objects.filter(channel="sms", recipient=phone).first()


def code_in(message: SandboxMessage) -> str:
    return re.search(r"\d{6}", message.body).group()


def start(client, phone=TYPED_PHONE):
    return client.post("/accounts/register/", {"phone": phone})


def confirm_code(client, phone=PHONE):
    return client.post("/accounts/register/code/", {"code": code_in(last_sms(phone))})


def finish(client, **extra):
    data = {"password1": PASSWORD, "password2": PASSWORD, "agree": "on", **extra}
    return client.post("/accounts/register/password/", data)


def register(client, **extra):
    start(client)
    confirm_code(client)
    return finish(client, **extra)


# --- the happy path -----------------------------------------------------------------


def test_registration_creates_a_simplified_account_and_signs_in(client):
    response = start(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/register/code/"
    page = client.get("/accounts/register/code/").content.decode()
    assert "Мы отправили код на +7 925 123-45-67" in page

    response = confirm_code(client)
    assert response["Location"] == "/accounts/register/password/"
    response = finish(client)
    assert response["Location"] == "/"

    user = User.objects.get(phone_index=_index(PHONE))
    assert user.phone == PHONE
    assert (user.level, user.kind) == (User.Level.SIMPLIFIED, User.Kind.INDIVIDUAL)
    assert user.check_password(PASSWORD)
    assert user.password_changed_at is not None
    home = client.get("/").content.decode()
    assert "Добро пожаловать на Госпортал!" in home and "Выйти" in home
    assert UserSession.objects.get(user=user).method == "registration"


def test_registration_is_audited(client):
    register(client)
    user = User.objects.get(phone_index=_index(PHONE))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "accounts.registration_started",
        "otp.issued",
        "accounts.registration_phone_confirmed",
        "accounts.user_created",
        "accounts.registered",
        "accounts.login_succeeded",
    } <= actions
    assert AuditEvent.objects.filter(action="accounts.registered", actor_id=user.pk).exists()


def test_the_sms_code_is_six_digits_and_the_page_never_shows_it(client):
    start(client)
    code = code_in(last_sms())
    assert code not in client.get("/accounts/register/code/").content.decode()


def test_a_temporary_sms_failure_asks_to_try_later(client):
    response = start(client, phone=TEMPORARY_FAILURE_NUMBER)
    assert response.status_code == 200
    assert "Не удалось отправить SMS, попробуйте позже" in response.content.decode()


# --- codes ------------------------------------------------------------------------------


def test_a_wrong_code_is_refused(client):
    start(client)
    right = code_in(last_sms())
    wrong = "000000" if right != "000000" else "111111"
    response = client.post("/accounts/register/code/", {"code": wrong})
    assert response.status_code == 200
    assert "Неверный код. Осталось попыток: 2." in response.content.decode()
    assert client.get("/accounts/register/password/")["Location"] == "/accounts/register/code/"


def test_an_expired_code_is_refused(client):
    start(client)
    code = code_in(last_sms())
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        response = client.post("/accounts/register/code/", {"code": code})
    assert "Код устарел. Запросите новый код." in response.content.decode()


def test_resend_respects_the_cool_down_and_then_sends_a_new_code(client):
    start(client)
    page = client.get("/accounts/register/code/").content.decode()
    assert "Отправить код ещё раз можно через" in page
    response = client.post("/accounts/register/code/", {"action": "resend"})
    assert response.status_code == 200
    assert "Повторно запросить код можно через" in response.content.decode()
    assert SandboxMessage.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = client.post("/accounts/register/code/", {"action": "resend"})
        assert response["Location"] == "/accounts/register/code/"
        assert SandboxMessage.objects.count() == 2
        assert confirm_code(client)["Location"] == "/accounts/register/password/"


# --- no skipping, no lingering --------------------------------------------------------


def test_steps_cannot_be_skipped(client):
    assert client.get("/accounts/register/code/")["Location"] == "/accounts/register/"
    assert client.post("/accounts/register/code/", {"code": "123456"})["Location"] == (
        "/accounts/register/"
    )
    assert client.get("/accounts/register/password/")["Location"] == "/accounts/register/"
    response = finish(client)
    assert response["Location"] == "/accounts/register/"
    start(client)
    assert finish(client)["Location"] == "/accounts/register/code/"
    assert not User.objects.exists()


def test_registration_expires_after_thirty_minutes(client):
    start(client)
    confirm_code(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = finish(client)
        assert response["Location"] == "/accounts/register/"
        page = client.get("/accounts/register/").content.decode()
    assert "Регистрация не начата или устарела. Начните заново." in page
    assert not User.objects.exists()


def test_a_finished_registration_cannot_be_replayed(client):
    register(client)
    client.post("/accounts/logout/")
    assert finish(client)["Location"] == "/accounts/register/"
    assert User.objects.count() == 1


# --- no account enumeration -------------------------------------------------------------


@time_machine.travel("2026-03-02 10:00:00+00:00", tick=False)  # the pages show a countdown
def test_an_existing_phone_looks_the_same_but_gets_no_code(client):
    new_client = Client(HTTP_HOST="127.0.0.1")
    start(new_client, phone="+79251110000")
    new_page = new_client.get("/accounts/register/code/")

    UserFactory(phone=PHONE)
    response = start(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/register/code/"
    page = client.get("/accounts/register/code/")
    assert page.status_code == new_page.status_code == 200
    normalise = lambda html: re.sub(r"\+7 925 \d{3}-\d{2}-\d{2}|value=\"[^\"]+\"", "", html)  # noqa: E731
    assert normalise(page.content.decode()) == normalise(new_page.content.decode())

    sms = last_sms()
    assert sms.body == (
        "На этот номер уже зарегистрирована учётная запись Госпортала. "
        "Войдите или восстановите пароль."
    )
    assert not re.search(r"\d{6}", sms.body)


def test_an_existing_phone_can_never_complete_registration(client):
    UserFactory(phone=PHONE)
    start(client)
    response = client.post("/accounts/register/code/", {"code": "123456"})
    assert response.status_code == 200
    assert "Неверный код." in response.content.decode()
    assert finish(client)["Location"] == "/accounts/register/code/"
    assert User.objects.count() == 1


def test_an_existing_phone_obeys_the_same_cool_down(client):
    UserFactory(phone=PHONE)
    start(client)
    response = client.post("/accounts/register/code/", {"action": "resend"})
    assert "Повторно запросить код можно через" in response.content.decode()


def test_an_email_in_use_is_left_out_and_its_owner_told(client, mailoutbox):
    UserFactory(email="taken@example.ru")
    response = register(client, email="Taken@Example.ru")
    assert response["Location"] == "/"
    user = User.objects.get(phone_index=_index(PHONE))
    assert user.email is None
    assert [m.to for m in mailoutbox] == [["taken@example.ru"]]
    assert "попытался зарегистрировать" in mailoutbox[0].body
    assert User.objects.count() == 2


# --- form errors ----------------------------------------------------------------------------


def test_policy_errors_keep_the_typed_email_but_not_the_password(client):
    start(client)
    confirm_code(client)
    response = client.post(
        "/accounts/register/password/",
        {"password1": "qwerty12", "password2": "qwerty12", "email": "me@example.ru", "agree": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Проверьте данные формы" in html
    assert "слишком распространён" in html
    assert 'value="me@example.ru"' in html
    assert "qwerty12" not in html
    assert not User.objects.exists()


def test_the_password_may_not_contain_the_phone(client):
    start(client)
    confirm_code(client)
    response = finish(client, password1="Кот!1234567z", password2="Кот!1234567z")
    assert "Пароль не должен содержать ваш номер телефона." in response.content.decode()


def test_the_agreement_must_be_accepted(client):
    start(client)
    confirm_code(client)
    response = client.post(
        "/accounts/register/password/", {"password1": PASSWORD, "password2": PASSWORD}
    )
    assert "примите пользовательское соглашение" in response.content.decode()


def test_the_agreement_page_is_real(client):
    page = client.get("/accounts/agreement/").content.decode()
    assert "<h1>Пользовательское соглашение</h1>" in page and "152-ФЗ" in page


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "Укажите номер мобильного телефона."),
        ("garbage", "Номер телефона указан неверно."),
        ("+1 202 555 0100", "российский номер"),
        ("+7 495 123-45-67", "Нужен номер мобильного телефона"),
        ("9" * 5000, "не длиннее 32 символов"),
        ("\x00\x01", "Проверьте данные формы"),
    ],
)
def test_bad_phones_get_a_russian_message(client, phone, message):
    response = client.post("/accounts/register/", {"phone": phone})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_bad_phone_shapes_never_give_500(client):
    assert client.post("/accounts/register/", {}).status_code == 200
    assert client.post("/accounts/register/", {"phone": ["1", "2"]}).status_code == 200


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Введите код из сообщения."),
        ("abcdef", "Код — 6 цифр из сообщения."),
        ("1" * 5000, "Код — 6 цифр из сообщения."),
        ("１２３４５６", "Код — 6 цифр из сообщения."),
    ],
)
def test_bad_codes_get_a_russian_message(client, code, message):
    start(client)
    response = client.post("/accounts/register/code/", {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Придумайте пароль."),
        ({"password1": PASSWORD, "password2": "другой", "agree": "on"}, "Пароли не совпадают."),
        (
            {"password1": PASSWORD, "password2": PASSWORD, "agree": "on", "email": "not-an-email"},
            "Адрес электронной почты указан неверно",
        ),
        (
            {"password1": "Я" * 300, "password2": "Я" * 300, "agree": "on"},
            "Пароль не длиннее 256 символов.",
        ),
        (
            {"password1": PASSWORD, "password2": PASSWORD, "agree": "on", "email": "a" * 300},
            "Адрес электронной почты",
        ),
        ({"password1": ["a", "b"], "password2": "", "agree": "maybe"}, "Повторите пароль."),
    ],
)
def test_bad_password_step_input_gets_a_russian_message(client, data, message):
    start(client)
    confirm_code(client)
    response = client.post("/accounts/register/password/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


# --- e-mail confirmation ------------------------------------------------------------------


def confirmation_link(mailoutbox) -> str:
    return re.search(r"/accounts/email/confirm/[^/\s]+/", mailoutbox[-1].body).group()


def test_email_is_confirmed_by_the_link(client, mailoutbox):
    register(client, email="me@example.ru")
    user = User.objects.get(phone_index=_index(PHONE))
    assert user.email == "me@example.ru" and not user.email_confirmed
    assert mailoutbox[-1].subject == "Подтвердите адрес электронной почты"
    client.post("/accounts/logout/")
    response = client.get(confirmation_link(mailoutbox))
    assert response.status_code == 200
    assert "Адрес электронной почты подтверждён" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed
    assert AuditEvent.objects.filter(action="accounts.email_confirmed", actor_id=user.pk).exists()


def test_an_expired_link_offers_to_send_again(client, mailoutbox):
    register(client, email="me@example.ru")
    link = confirmation_link(mailoutbox)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Срок действия ссылки истёк" in html and "Отправить письмо ещё раз" in html
    assert not User.objects.get(phone_index=_index(PHONE)).email_confirmed

    client.post("/accounts/login/", {"login": PHONE, "password": PASSWORD})
    response = client.post("/accounts/email/confirm/resend/")
    assert response["Location"] == "/"
    assert len(mailoutbox) == 2
    assert "Мы отправили новую ссылку на me@example.ru." in client.get("/").content.decode()


def test_a_forged_link_is_refused(client):
    user = UserFactory(email="me@example.ru")
    forged = signing.TimestampSigner(salt="other").sign_object(
        {"u": user.pk, "e": user.email_index}
    )
    for token in (forged, "garbage", "x" * 3000, "%00"):
        response = client.get(f"/accounts/email/confirm/{token}/")
        assert response.status_code == 400
        assert "Ссылка недействительна." in response.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed


def test_a_link_dies_when_the_email_changes(client):
    user = UserFactory(email="old@example.ru")
    token = registration.email_confirmation_token(user)
    user.email = "new@example.ru"
    user.save()
    response = client.get(f"/accounts/email/confirm/{token}/")
    assert "адрес электронной почты с тех пор изменился" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed


def test_another_users_link_does_not_confirm_while_signed_in_as_someone_else(client):
    owner = UserFactory(email="owner@example.ru")
    token = registration.email_confirmation_token(owner)
    register(client)  # signed in as a different, new account
    response = client.get(f"/accounts/email/confirm/{token}/")
    assert response.status_code == 403
    assert "Эта ссылка для другой учётной записи" in response.content.decode()
    owner.refresh_from_db()
    assert not owner.email_confirmed


def test_send_again_needs_sign_in_and_post(client):
    assert client.get("/accounts/email/confirm/resend/").status_code == 405
    response = client.post("/accounts/email/confirm/resend/")
    assert response["Location"].startswith("/accounts/login/")

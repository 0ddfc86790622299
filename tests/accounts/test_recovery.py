"""REC-1: «Забыли пароль?» — a code to the bound phone or e-mail, a new password, every
session ended, every contact told; unknown logins cannot be told apart."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from gosportal.accounts.models import UserSession
from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.integrations.models import SandboxMessage
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "Ледокол-Ветер7"


@pytest.fixture
def user():
    return UserFactory(phone="+79161112233", email="owner@example.ru")


def sms_code(phone="+79161112233") -> str:
    message = SandboxMessage.objects.filter(channel="sms", recipient=phone).first()
    return re.search(r"\d{6}", message.body).group()


def mail_code(mailoutbox) -> str:
    return re.search(r"\d{6}", mailoutbox[-1].body).group()


def forgot(client, login):
    return client.post("/accounts/password/forgot/", {"login": login})


def new_password(client, password=NEW, repeat=None):
    return client.post(
        "/accounts/password/forgot/new/", {"password1": password, "password2": repeat or password}
    )


def test_reset_by_phone(client, user):
    response = forgot(client, "8 916 111-22-33")
    assert response["Location"] == "/accounts/password/forgot/code/"
    page = client.get(response["Location"]).content.decode()
    assert "Если учётная запись с этим номером есть, мы отправили код на +7 916 111-22-33" in page
    response = client.post("/accounts/password/forgot/code/", {"code": sms_code()})
    assert response["Location"] == "/accounts/password/forgot/new/"
    response = new_password(client)
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert "Пароль изменён, все сеансы завершены. Войдите с новым паролем." in page
    assert "двухфакторная аутентификация" in page
    assert "Выйти" not in page  # not signed in automatically

    user.refresh_from_db()
    assert user.check_password(NEW)
    assert user.password_changed_at is not None and not user.must_change_password
    assert AuditEvent.objects.filter(action="accounts.password_reset", actor_id=user.pk).exists()


def test_reset_by_email(client, user, mailoutbox):
    forgot(client, "Owner@Example.ru")
    assert mailoutbox[-1].to == ["owner@example.ru"]
    assert mailoutbox[-1].subject == "Восстановление пароля"
    client.post("/accounts/password/forgot/code/", {"code": mail_code(mailoutbox)})
    assert new_password(client)["Location"] == "/accounts/login/"
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_reset_clears_a_forced_change(client, user):
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    forgot(client, user.phone)
    client.post("/accounts/password/forgot/code/", {"code": sms_code()})
    new_password(client)
    user.refresh_from_db()
    assert not user.must_change_password


@time_machine.travel("2026-03-02 10:00:00+00:00", tick=False)  # the pages show a countdown
def test_an_unknown_login_is_indistinguishable(client, user):
    known = Client(HTTP_HOST="127.0.0.1")
    known_start = forgot(known, "+7 916 111-22-33")
    unknown_start = forgot(client, "+7 916 999-88-77")
    assert known_start.status_code == unknown_start.status_code == 302
    assert known_start["Location"] == unknown_start["Location"]

    known_page = known.get("/accounts/password/forgot/code/").content.decode()
    unknown_page = client.get("/accounts/password/forgot/code/").content.decode()
    strip = lambda html: re.sub(r"\+7 916 \d{3}-\d{2}-\d{2}|value=\"[^\"]+\"", "", html)  # noqa: E731
    assert strip(known_page) == strip(unknown_page)
    # Nothing was sent to the unknown number, and its code never passes.
    assert not SandboxMessage.objects.filter(recipient="+79169998877").exists()
    response = client.post("/accounts/password/forgot/code/", {"code": "123456"})
    assert response.status_code == 200 and "Неверный код" in response.content.decode()
    assert client.get("/accounts/password/forgot/new/")["Location"] == "/accounts/password/forgot/"


def test_an_unknown_email_is_indistinguishable(client, mailoutbox):
    response = forgot(client, "nobody@example.ru")
    assert response["Location"] == "/accounts/password/forgot/code/"
    page = client.get(response["Location"]).content.decode()
    assert "Если учётная запись с этим адресом есть, мы отправили код на nobody@example.ru" in page
    assert mailoutbox == []


def test_a_wrong_code_is_refused(client, user):
    forgot(client, user.phone)
    right = sms_code()
    wrong = "000000" if right != "000000" else "111111"
    response = client.post("/accounts/password/forgot/code/", {"code": wrong})
    assert "Неверный код. Осталось попыток: 2." in response.content.decode()
    assert client.get("/accounts/password/forgot/new/")["Location"] == (
        "/accounts/password/forgot/code/"
    )


def test_the_new_password_follows_the_policy(client, user):
    forgot(client, user.phone)
    client.post("/accounts/password/forgot/code/", {"code": sms_code()})
    for password, message in [
        ("qwerty12", "слишком распространён"),
        ("Кот!9161112233", "номер телефона"),
        ("Short1!", "не меньше 8 символов"),
    ]:
        response = new_password(client, password)
        assert response.status_code == 200
        assert message in response.content.decode()
    response = new_password(client, NEW, NEW + "x")
    assert "Пароли не совпадают." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_all_sessions_end_and_every_contact_is_told(client, user):
    other = Client(HTTP_HOST="127.0.0.1")
    other.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert "Выйти" in other.get("/").content.decode()

    forgot(client, user.phone)
    client.post("/accounts/password/forgot/code/", {"code": sms_code()})
    new_password(client)

    assert "Выйти" not in other.get("/").content.decode()
    assert not UserSession.objects.filter(user=user, ended_at__isnull=True).exists()
    assert UserSession.objects.get(user=user).end_reason == "password_reset"
    notice = OutboxEvent.objects.get(name="accounts.security_notice")
    assert notice.payload["user_id"] == user.pk
    assert "восстановлен" in notice.payload["text"]


def test_a_signed_in_browser_resetting_is_signed_out_too(client, user):
    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    forgot(client, user.phone)
    client.post("/accounts/password/forgot/code/", {"code": sms_code()})
    assert new_password(client)["Location"] == "/accounts/login/"
    assert "Выйти" not in client.get("/").content.decode()


def test_the_reset_is_single_use(client, user):
    forgot(client, user.phone)
    client.post("/accounts/password/forgot/code/", {"code": sms_code()})
    new_password(client)
    response = new_password(client, "Другой-Пароль8")
    assert response["Location"] == "/accounts/password/forgot/"
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_the_reset_expires_after_thirty_minutes(client, user):
    forgot(client, user.phone)
    client.post("/accounts/password/forgot/code/", {"code": sms_code()})
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert new_password(client)["Location"] == "/accounts/password/forgot/"
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_steps_cannot_be_skipped(client, user):
    assert client.get("/accounts/password/forgot/code/")["Location"] == "/accounts/password/forgot/"
    assert new_password(client)["Location"] == "/accounts/password/forgot/"
    forgot(client, user.phone)
    assert new_password(client)["Location"] == "/accounts/password/forgot/code/"
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("", "Укажите телефон или электронную почту."),
        ("garbage", "Номер телефона указан неверно."),
        ("not@an@email", "Адрес электронной почты указан неверно"),
        ("123-456-789 01", "СНИЛС указан с ошибкой"),
        ("x" * 5000, "Не длиннее 254 символов."),
        ("+1 202 555 0100", "российский номер"),
    ],
)
def test_bad_logins_get_a_russian_message(client, login, message):
    response = forgot(client, login)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_bad_shapes_never_give_500(client, user):
    assert client.post("/accounts/password/forgot/", {}).status_code == 200
    assert client.post("/accounts/password/forgot/", {"login": ["a", "b"]}).status_code == 200
    forgot(client, user.phone)
    for data in ({}, {"code": "x" * 5000}, {"code": ["1", "2"]}, {"action": "nonsense"}):
        assert client.post("/accounts/password/forgot/code/", data).status_code == 200
    client.post("/accounts/password/forgot/code/", {"code": sms_code()})
    for data in ({}, {"password1": "я" * 5000, "password2": ""}, {"password1": ["a", "b"]}):
        response = client.post("/accounts/password/forgot/new/", data)
        assert response.status_code == 200
        assert "Проверьте данные формы" in response.content.decode()

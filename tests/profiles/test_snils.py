"""SNILS in the profile: encrypted, unique, a login for sign-in and recovery (AUTH-1, REC-1)."""

import re

import pytest
from django.db import connection
from django.test import Client

from gosportal.accounts.deletion import delete_account
from gosportal.accounts.selectors import user_by_login
from gosportal.core.errors import Conflict, InvalidInput
from gosportal.integrations.models import SandboxMessage
from gosportal.profiles.models import Profile
from gosportal.profiles.services import set_snils
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
SNILS = "112-233-445 95"


@pytest.fixture
def user():
    user = UserFactory(phone="+79161112233", email="owner@example.ru")
    set_snils(user=user, snils=SNILS)
    return user


def test_snils_is_stored_encrypted_with_a_blind_index(user):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT snils, snils_index FROM profiles_profile WHERE user_id = %s", [user.pk]
        )
        stored, index = cursor.fetchone()
    assert stored.startswith("gcm1:") and "11223344595" not in stored
    assert len(index) == 64
    assert Profile.objects.get(user=user).snils == "11223344595"


def test_a_snils_with_a_wrong_checksum_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        set_snils(user=UserFactory(), snils="112-233-445 96")
    assert caught.value.field == "snils" and "контрольное число" in str(caught.value)


def test_one_snils_belongs_to_one_account(user):
    with pytest.raises(Conflict):
        set_snils(user=UserFactory(), snils="11223344595")


@pytest.mark.parametrize(
    "typed", ["112-233-445 95", "11223344595", "112-233-445-95", " 112233445 95 "]
)
def test_the_account_is_found_by_snils_in_any_usual_spelling(user, typed):
    assert user_by_login(typed) == user


def test_sign_in_with_snils_and_password(client, user):
    response = client.post("/accounts/login/", {"login": SNILS, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == user


def test_unknown_snils_gets_the_neutral_answer(client, user):
    response = client.post(
        "/accounts/login/", {"login": "123-456-789 64", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "Неверный логин или пароль." in response.content.decode()


def test_password_recovery_by_snils_sends_the_code_to_the_phone_without_naming_it(client, user):
    response = client.post("/accounts/password/forgot/", {"login": SNILS})
    assert response["Location"] == "/accounts/password/forgot/code/"
    page = client.get(response["Location"]).content.decode()
    assert "Если учётная запись с этим СНИЛС есть" in page
    assert "916" not in page  # no part of the phone is shown for a SNILS
    code = re.search(r"\d{6}", SandboxMessage.objects.get(recipient=user.phone).body).group()
    assert client.post("/accounts/password/forgot/code/", {"code": code}).status_code == 302
    new = "Brand-New-Pass-77"
    client.post("/accounts/password/forgot/new/", {"password1": new, "password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


def test_recovery_by_an_unknown_snils_looks_the_same_and_sends_nothing(user):
    known, unknown = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    known.post("/accounts/password/forgot/", {"login": SNILS})
    unknown.post("/accounts/password/forgot/", {"login": "123-456-789 64"})
    strip = lambda html: re.sub(r'value="[^"]+"|\d+ секунд\w*', "", html)  # noqa: E731
    assert strip(known.get("/accounts/password/forgot/code/").content.decode()) == strip(
        unknown.get("/accounts/password/forgot/code/").content.decode()
    )
    assert SandboxMessage.objects.filter(channel="sms").count() == 1


def test_recovery_by_a_malformed_snils_names_the_error(client):
    response = client.post("/accounts/password/forgot/", {"login": "112-233-445 96"})
    assert response.status_code == 200
    assert "СНИЛС указан с ошибкой" in response.content.decode()


def test_deleting_the_account_erases_the_snils_and_frees_it(user):
    delete_account(user)
    assert not Profile.objects.filter(user=user).exists()
    assert user_by_login(SNILS) is None
    set_snils(user=UserFactory(), snils=SNILS)

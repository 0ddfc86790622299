"""AUTH-2: the password policy, the strength meter, password change and password age."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from gosportal.accounts.models import User, UserSession
from gosportal.accounts.passwords import password_strength
from gosportal.core.models import AuditEvent, OutboxEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory

GOOD = "Ледокол-Ветер7"


def errors_for(password, user=None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


# --- the rules, one by one -----------------------------------------------------------


def test_a_good_password_passes():
    assert errors_for(GOOD) == ""
    assert errors_for("Tr0pic-Sunset!x") == ""


def test_fewer_than_eight_characters_are_refused():
    assert "не меньше 8 символов" in errors_for("Ab1!xYz")


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("ледокол-ветер7", "заглавную букву"),
        ("ЛЕДОКОЛ-ВЕТЕР7", "строчную букву"),
        ("Ледокол-Ветер", "цифру"),
        ("ЛедоколВетер7", "специальный символ"),
    ],
)
def test_each_character_class_is_required(password, missing):
    assert missing in errors_for(password)


@pytest.mark.parametrize("password", ["Password1!", "Qwerty123!", "Dragon2024!", "iloveyou"])
def test_common_and_breached_passwords_are_refused(password):
    assert "распространён" in errors_for(password)


@pytest.mark.parametrize(
    "password",
    [
        "Xqwerty9!z",
        "Mz!9ASDFk",
        "Zxcv-8Hello",
        "Йцукен-8Ю",
        "Фыва!8Мир",
        "Ab!1234xyz",
        "Ab!4321xyz",
    ],
)
def test_keyboard_sequences_of_four_anywhere_are_refused(password):
    assert "последовательности" in errors_for(password)


def test_three_neighbouring_keys_are_allowed():
    assert "последовательности" not in errors_for("Qwe-Lamp9!x")


def test_a_character_repeated_four_times_is_refused():
    assert "4 раза подряд" in errors_for("Ледокол!!!!7")
    assert "4 раза подряд" not in errors_for("Ледокол!!!7")


def test_the_users_phone_is_refused():
    user = User(phone="+79161234567")
    assert "номер телефона" in errors_for("Кот-123456-Z", user)
    assert "номер телефона" in errors_for("Кот-7654321-9161", User(phone="+79167654321"))
    assert "номер телефона" not in errors_for("Кот-12345-Zz", user)


def test_the_users_email_name_is_refused():
    user = User(email="ivan.petrov@example.ru")
    assert "почты" in errors_for("Petrov-2024!x", user)
    assert "почты" in errors_for("Xx!9ivan.petrov", user)


def test_the_users_display_name_is_refused():
    user = User(display_name="Иван Петров")
    assert "ваше имя" in errors_for("Петров-Лес7!", user)


# --- strength -------------------------------------------------------------------------


def test_strength_scores_are_ordered_sensibly():
    empty, _ = password_strength("")
    common, _ = password_strength("password")
    minimal, _ = password_strength("Xk7!mPq2")
    recommended, _ = password_strength("Xk7!mPq2Lw9$")
    passphrase, _ = password_strength("Синий-трактор едет 2 поля!")
    assert empty == 0
    assert common <= 1
    assert empty <= common < minimal < recommended
    assert recommended == 4 and passphrase == 4


def test_a_policy_breaking_password_never_scores_above_one():
    score, hints = password_strength("Qwerty-Long-Password-9")
    assert score <= 1
    assert any("последовательности" in hint for hint in hints)


def test_short_passwords_get_the_twelve_characters_hint():
    _, hints = password_strength("Xk7!mPq2")
    assert any("от 12 символов" in hint for hint in hints)


@pytest.mark.django_db
def test_the_meter_endpoint_answers_json(client):
    response = client.post("/accounts/password/strength/", {"password": "Xk7!mPq2Lw9$"})
    assert response.status_code == 200
    assert response.json()["score"] == 4 and response.json()["label"] == "надёжный"


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"password": ""}, {"password": "я" * 10_000}, {"x": "1"}])
def test_the_meter_endpoint_survives_bad_input(client, data):
    response = client.post("/accounts/password/strength/", data)
    assert response.status_code == 200
    assert response.json()["score"] == 0


@pytest.mark.django_db
def test_the_meter_endpoint_refuses_get(client):
    assert client.get("/accounts/password/strength/").status_code == 405


# --- password change -------------------------------------------------------------------


def sign_in(client, user, password=DEFAULT_PASSWORD):
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def user():
    return UserFactory(phone="+79161110001", email="owner@example.ru")


@pytest.mark.django_db
def test_change_page_needs_sign_in(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_change_password_ends_other_sessions_and_notifies(client, user):
    this = sign_in(client, user)
    other = sign_in(Client(HTTP_HOST="127.0.0.1"), user)
    response = this.post(
        "/accounts/password/change/",
        {"current_password": DEFAULT_PASSWORD, "password1": GOOD, "password2": GOOD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD)
    assert user.password_changed_at is not None
    assert "Выйти" in this.get("/").content.decode()
    assert "Выйти" not in other.get("/").content.decode()
    # The row of this browser follows its new session key.
    open_rows = UserSession.objects.filter(user=user, ended_at__isnull=True)
    assert list(open_rows.values_list("session_key", flat=True)) == [
        this.cookies["sessionid"].value
    ]
    assert OutboxEvent.objects.filter(name="accounts.security_notice").exists()
    assert AuditEvent.objects.filter(action="accounts.password_changed", actor_id=user.pk).exists()


@pytest.mark.django_db
def test_change_password_with_a_wrong_current_password_is_refused(client, user):
    sign_in(client, user)
    response = client.post(
        "/accounts/password/change/",
        {"current_password": "nope", "password1": GOOD, "password2": GOOD},
    )
    assert response.status_code == 200
    assert "Текущий пароль введён неверно." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Введите текущий пароль."),
        ({"current_password": DEFAULT_PASSWORD, "password1": "short"}, "Повторите пароль."),
        (
            {"current_password": DEFAULT_PASSWORD, "password1": GOOD, "password2": GOOD + "x"},
            "Пароли не совпадают.",
        ),
        (
            {
                "current_password": DEFAULT_PASSWORD,
                "password1": "qwerty12",
                "password2": "qwerty12",
            },
            "слишком распространён",
        ),
        (
            {
                "current_password": DEFAULT_PASSWORD,
                "password1": DEFAULT_PASSWORD,
                "password2": DEFAULT_PASSWORD,
            },
            "должен отличаться",
        ),
        (
            {"current_password": "я" * 5000, "password1": "я" * 5000, "password2": ["a", "b"]},
            "не длиннее 256 символов",
        ),
    ],
)
def test_change_password_bad_input_is_shown_in_russian(client, user, data, message):
    sign_in(client, user)
    response = client.post("/accounts/password/change/", data)
    assert response.status_code == 200
    assert message in response.content.decode()


# --- password age ----------------------------------------------------------------------

WITH_AGE_MIDDLEWARE = [*settings.MIDDLEWARE, "gosportal.accounts.passwords.PasswordAgeMiddleware"]


@pytest.mark.django_db
@override_settings(MIDDLEWARE=WITH_AGE_MIDDLEWARE)
def test_an_old_password_gets_a_reminder_once(client, user):
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    sign_in(client, user)
    first = client.get("/").content.decode()
    assert "Вы не меняли пароль больше 90 дней" in first
    assert "Вы не меняли пароль" not in client.get("/").content.decode()


@pytest.mark.django_db
@override_settings(MIDDLEWARE=WITH_AGE_MIDDLEWARE)
def test_a_recent_password_gets_no_reminder(client, user):
    user.password_changed_at = timezone.now() - timedelta(days=89)
    user.save(update_fields=["password_changed_at"])
    sign_in(client, user)
    assert "Вы не меняли пароль" not in client.get("/").content.decode()


@pytest.mark.django_db
@override_settings(MIDDLEWARE=WITH_AGE_MIDDLEWARE, PASSWORD_AGE_ENFORCE=True)
def test_an_enforced_age_holds_every_page_until_the_change(client, user):
    with time_machine.travel(timezone.now() - timedelta(days=91)):
        user.set_password(DEFAULT_PASSWORD)
        user.password_changed_at = timezone.now()
        user.save()
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/?next=%2F"
    page = client.get(response["Location"]).content.decode()
    assert "Чтобы продолжить работу, смените пароль" in page
    done = client.post(
        "/accounts/password/change/",
        {"current_password": DEFAULT_PASSWORD, "password1": GOOD, "password2": GOOD, "next": "/"},
    )
    assert done["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@override_settings(MIDDLEWARE=WITH_AGE_MIDDLEWARE)
def test_must_change_password_holds_every_page(client, user):
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    sign_in(client, user)
    assert client.get("/").status_code == 302
    assert client.post("/accounts/logout/").status_code == 302  # the way out stays open

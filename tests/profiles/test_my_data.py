"""«Мои данные»: the page, editing confirmed by a one-time code (PROF-1), birth date and
sex only through support (PROF-3), encryption at rest (SEC-2)."""

import re
from datetime import date

import pytest
from django.db import connection

from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.integrations.models import SandboxMessage
from gosportal.profiles.models import Profile, ProfileChange, RegistryCheck, Sex
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.profiles.scan_files import png_upload

pytestmark = pytest.mark.django_db

SNILS = "11223344595"
OTHER_SNILS = "123-456-789 64"
INN = "500100732259"

VALID = {
    "last_name": "Иванова",
    "first_name": "Анна",
    "middle_name": "Сергеевна",
    "birthplace": "г. Тула",
    "citizenship": "RU",
    "passport_series": "45 08",
    "passport_number": "123456",
    "passport_issued_on": "15.05.2010",
    "passport_issuer": "ОВД района Хамовники г. Москвы",
    "passport_department_code": "770-001",
    "snils": "112-233-445 95",
    "inn": INN,
    "registration_address": "г. Москва, ул. Тверская, д. 1, кв. 1",
    "residence_address": "г. Москва, ул. Тверская, д. 1, кв. 1",
}


@pytest.fixture
def user():
    user = UserFactory(phone="+79161112233", email="anna@example.ru")
    Profile.objects.create(
        user=user,
        last_name="Иванова",
        first_name="Анна",
        birth_date=date(1990, 3, 1),
        sex=Sex.FEMALE,
        passport_series="4508",
        passport_number="654321",
        snils=SNILS,
    )
    return user


@pytest.fixture
def signed_in(client, user):
    return sign_in_as(client, user)


def with_scan(data: dict) -> dict:
    """PROF-2: changing a passport on file needs a scan of the new one."""
    return {**data, "passport_scan": png_upload()}


def last_code(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def save_with_code(client, user, data) -> None:
    response = client.post("/profile/edit/", with_scan(data))
    assert response.status_code == 302 and response["Location"] == "/profile/edit/confirm/"
    response = client.post("/profile/edit/confirm/", {"code": last_code(user.phone)})
    assert response.status_code == 302 and response["Location"] == "/profile/"


def test_the_page_shows_the_decrypted_data(signed_in, user):
    RegistryCheck.objects.create(
        user=user,
        registry=RegistryCheck.Registry.MVD,
        status=RegistryCheck.Status.MISMATCH,
        mismatch_field="passport_number",
        data_hash="x",
    )
    page = signed_in.get("/profile/").content.decode()
    assert "Иванова" in page and "01.03.1990" in page and "женский" in page
    assert "45 08 654321" in page
    assert "112-233-445 95" in page
    assert "+7 916 111-22-33" in page and "anna@example.ru" in page
    assert "Данные не совпадают: номер паспорта" in page
    assert 'href="/accounts/contacts/"' in page


def test_the_latest_check_per_registry_is_shown(signed_in, user):
    RegistryCheck.objects.create(user=user, registry="sfr", status="failed", data_hash="a")
    RegistryCheck.objects.create(user=user, registry="sfr", status="passed", data_hash="b")
    page = signed_in.get("/profile/").content.decode()
    assert "Данные подтверждены" in page and "Проверка не выполнена" not in page


def test_the_account_menu_links_to_my_data(signed_in):
    assert 'href="/profile/">Мои данные</a>' in signed_in.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    ["/profile/", "/profile/edit/", "/profile/edit/confirm/", "/profile/history/"],
)
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_shows_only_the_own_data(client, user):
    sign_in_as(client, UserFactory())
    page = client.get("/profile/").content.decode()
    assert "Иванова" not in page and "112-233-445 95" not in page


def test_edit_is_saved_after_the_code_from_the_sms(signed_in, user):
    save_with_code(signed_in, user, VALID)
    profile = Profile.objects.get(user=user)
    assert profile.passport_number == "123456" and profile.inn == INN
    assert profile.passport_issued_on == date(2010, 5, 15)
    assert profile.middle_name == "Сергеевна"
    changed = set(ProfileChange.objects.filter(user=user).values_list("field", flat=True))
    assert {"passport_number", "inn", "middle_name", "passport_issued_on"} <= changed
    assert "snils" not in changed


def test_nothing_is_saved_before_the_code(signed_in, user):
    signed_in.post("/profile/edit/", with_scan(VALID))
    assert Profile.objects.get(user=user).passport_number == "654321"
    page = signed_in.get("/profile/edit/confirm/").content.decode()
    assert "45 08 ****21" in page and "45 08 ****56" in page
    assert "123456" not in page


def test_a_wrong_code_changes_nothing(signed_in, user):
    signed_in.post("/profile/edit/", with_scan(VALID))
    right = last_code(user.phone)
    wrong = "000000" if right != "000000" else "111111"
    response = signed_in.post("/profile/edit/confirm/", {"code": wrong})
    assert response.status_code == 200
    assert "Неверный код" in response.content.decode()
    assert Profile.objects.get(user=user).passport_number == "654321"


def test_the_code_goes_by_email_when_there_is_no_phone(client, mailoutbox):
    user = UserFactory(phone=None, email="nophone@example.ru")
    sign_in_as(client, user)
    client.post("/profile/edit/", VALID)
    code = re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)
    assert mailoutbox[-1].to == ["nophone@example.ru"]
    assert client.post("/profile/edit/confirm/", {"code": code}).status_code == 302
    assert Profile.objects.get(user=user).snils == SNILS


def test_confirm_without_a_pending_save_goes_back_to_the_form(signed_in):
    response = signed_in.post("/profile/edit/confirm/", {"code": "123456"})
    assert response["Location"] == "/profile/edit/"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_name", "Иванова2", "Фамилия: допускаются только буквы, дефис и пробел."),
        ("last_name", "", "Фамилия: заполните поле."),
        ("first_name", "<script>", "Имя: допускаются только буквы"),
        ("passport_issued_on", "31.02.2010", "Дата выдачи паспорта: укажите существующую дату"),
        ("passport_issued_on", "15.05.2999", "Дата выдачи паспорта: дата не может быть в будущем"),
        ("passport_issued_on", "01.01.2000", "не раньше дня 14-летия"),
        ("passport_series", "45АБ", "Серия паспорта — 4 цифры"),
        ("passport_number", "12345", "Номер паспорта — 6 цифр."),
        ("passport_department_code", "77-0001", "Код подразделения указывается в формате 000-000."),
        ("snils", "112-233-445 96", "СНИЛС указан с ошибкой: контрольное число не совпадает."),
        ("snils", "", "СНИЛС: укажите номер, удалить его нельзя."),
        ("inn", "500100732258", "ИНН указан с ошибкой"),
        ("inn", "5001007322", "ИНН физического лица должен состоять из 12 цифр."),
        ("citizenship", "XX", "Гражданство: выберите страну из списка."),
        ("registration_address", "д" * 501, "Адрес регистрации: не длиннее 500 символов."),
    ],
)
def test_bad_input_is_named_and_the_typed_value_kept(signed_in, user, field, value, message):
    response = signed_in.post("/profile/edit/", {**VALID, field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if value and len(value) < 50 and field != "citizenship":
        assert value.replace("<", "&lt;").replace(">", "&gt;") in page
    assert not SandboxMessage.objects.exists()


def test_iso_dates_are_accepted(signed_in, user):
    save_with_code(signed_in, user, {**VALID, "passport_issued_on": "2010-05-15"})
    assert Profile.objects.get(user=user).passport_issued_on == date(2010, 5, 15)


def test_a_snils_of_another_account_is_an_error_on_the_field(signed_in, user):
    Profile.objects.create(user=UserFactory(), snils="12345678964")
    response = signed_in.post("/profile/edit/", with_scan({**VALID, "snils": OTHER_SNILS}))
    assert "Этот СНИЛС уже указан в другой учётной записи." in response.content.decode()


def test_an_inn_of_another_account_is_an_error_on_the_field(signed_in, user):
    Profile.objects.create(user=UserFactory(), inn=INN)
    response = signed_in.post("/profile/edit/", with_scan(VALID))
    assert "Этот ИНН уже указан в другой учётной записи." in response.content.decode()


def test_birth_date_and_sex_are_read_only_once_set(signed_in, user):
    page = signed_in.get("/profile/edit/").content.decode()
    assert "Дату рождения и пол можно изменить только через службу поддержки" in page
    assert 'name="birth_date"' not in page and 'name="sex"' not in page
    save_with_code(signed_in, user, {**VALID, "birth_date": "01.01.1980", "sex": Sex.MALE})
    profile = Profile.objects.get(user=user)
    assert profile.birth_date == date(1990, 3, 1) and profile.sex == Sex.FEMALE


def test_birth_date_and_sex_can_be_filled_while_empty(client):
    user = UserFactory()
    sign_in_as(client, user)
    save_with_code(client, user, {**VALID, "birth_date": "1985-07-04", "sex": Sex.MALE})
    profile = Profile.objects.get(user=user)
    assert profile.birth_date == date(1985, 7, 4) and profile.sex == Sex.MALE


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("01.01.1899", "Дата рождения: не ранее 01.01.1900."),
        ("01.01.2999", "Дата рождения: дата не может быть в будущем."),
        ("1.13.1990", "Дата рождения: укажите существующую дату"),
        ("вчера", "Дата рождения: укажите существующую дату"),
    ],
)
def test_a_bad_birth_date_is_named(client, value, message):
    sign_in_as(client, UserFactory())
    response = client.post("/profile/edit/", {**VALID, "birth_date": value})
    assert message in response.content.decode()


def test_a_passport_needs_an_age_of_14(client):
    sign_in_as(client, UserFactory())
    response = client.post(
        "/profile/edit/", {**VALID, "birth_date": "01.01.2020", "passport_issued_on": ""}
    )
    assert "паспорт выдаётся с 14 лет" in response.content.decode()


def test_new_fields_are_encrypted_in_the_database(signed_in, user):
    save_with_code(signed_in, user, VALID)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT passport_number, inn, middle_name, registration_address, passport_issued_on"
            " FROM profiles_profile WHERE user_id = %s",
            [user.pk],
        )
        row = cursor.fetchone()
    assert all(str(value).startswith("gcm1:") for value in row)
    assert "123456" not in row[0] and INN not in row[1] and "Сергеевна" not in row[2]


def test_the_save_is_audited_with_field_names_only(signed_in, user):
    save_with_code(signed_in, user, VALID)
    event = AuditEvent.objects.get(action="profiles.changed")
    assert "passport_number" in event.details["fields"]
    assert "123456" not in str(event.details) and INN not in str(event.details)


def test_a_security_notice_is_queued_and_the_event_emitted(signed_in, user):
    save_with_code(signed_in, user, VALID)
    notice = OutboxEvent.objects.get(name="accounts.security_notice")
    assert notice.payload["text"].startswith("Ваши персональные данные изменены: ")
    assert "номер паспорта" in notice.payload["text"] and "123456" not in notice.payload["text"]
    event = OutboxEvent.objects.get(name="profiles.changed")
    assert event.payload["user_id"] == user.pk
    assert "inn" in event.payload["fields"]


def test_an_unchanged_form_sends_no_code(signed_in, user):
    signed_in.post("/profile/edit/", with_scan(VALID))
    signed_in.post("/profile/edit/confirm/", {"code": last_code(user.phone)})
    SandboxMessage.objects.all().delete()
    response = signed_in.post("/profile/edit/", with_scan(VALID))
    assert response["Location"] == "/profile/"
    assert not SandboxMessage.objects.exists()


def test_a_pending_save_of_another_user_is_not_applied(client, user):
    other = UserFactory()
    sign_in_as(client, other)
    session = client.session
    session["profile_pending_save"] = {"user_id": user.pk, "changes": {"inn": INN}, "at": 0}
    session.save()
    assert client.get("/profile/edit/confirm/")["Location"] == "/profile/edit/"

"""The form built from a definition (APP-1): server-side validation per field with
Russian messages, conditions applied on the server, prefill from the profile."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from gosportal.catalog.form_render import build_form_class, prefill_initial
from gosportal.profiles.models import Profile
from tests.catalog.test_forms_schema import good
from tests.factories import UserFactory

DOCUMENTS = [{"title": "Свидетельство о браке", "mandatory": True, "formats": ["pdf"]}]
TODAY = datetime.date(2026, 11, 23)


def make_form(data=None, files=None, definition=None):
    form_class = build_form_class(definition or good(), documents=DOCUMENTS, today=TODAY)
    return form_class(data=data, files=files)


def valid_data(**overrides):
    data = {"last_name": "Иванова", "birth_date": "01.02.1990", "reason": "age"}
    data.update(overrides)
    return data


def test_a_complete_answer_is_valid_and_stored_as_json_values():
    form = make_form(valid_data())
    assert form.is_valid(), form.errors
    assert form.answers() == {
        "last_name": "Иванова",
        "birth_date": "1990-02-01",
        "reason": "age",
        "agree": False,
    }


def test_a_missing_required_field_says_fill_it_in_russian():
    form = make_form(valid_data(last_name=""))
    assert not form.is_valid()
    assert form.errors["last_name"] == ["Заполните поле."]


def test_a_pattern_mismatch_shows_the_definitions_russian_message():
    form = make_form(valid_data(last_name="Ivanova"))
    assert not form.is_valid()
    assert form.errors["last_name"] == ["Только русские буквы."]


def test_a_date_in_the_future_is_refused_as_not_after_today():
    form = make_form(valid_data(birth_date="24.11.2026"))
    assert not form.is_valid()
    assert form.errors["birth_date"] == ["Дата должна быть не позже сегодняшнего дня."]


@time_machine.travel("2026-11-23 10:00:00+03:00", tick=False)
def test_date_bounds_use_the_current_day_when_none_is_given():
    form_class = build_form_class(good(), documents=DOCUMENTS)
    assert form_class(data=valid_data(birth_date="23.11.2026")).is_valid()
    assert not form_class(data=valid_data(birth_date="24.11.2026")).is_valid()


def test_a_date_in_a_wrong_format_gets_an_example():
    form = make_form(valid_data(birth_date="1990/02/01"))
    assert not form.is_valid()
    assert "ДД.ММ.ГГГГ" in form.errors["birth_date"][0]


def test_an_unknown_choice_is_refused():
    form = make_form(valid_data(reason="hack"))
    assert not form.is_valid()
    assert form.errors["reason"] == ["Выберите один из вариантов."]


def test_a_hidden_field_is_neither_required_nor_kept():
    form = make_form(valid_data(reason="age", old_name="Петрова"))
    assert form.is_valid(), form.errors
    assert "old_name" not in form.cleaned_data


def test_a_shown_conditional_field_becomes_required():
    form = make_form(valid_data(reason="name"))
    assert not form.is_valid()
    assert form.errors["old_name"] == ["Заполните поле."]


def test_a_shown_conditional_file_is_checked_by_content():
    fake = SimpleUploadedFile("certificate.pdf", b"not a pdf at all", "application/pdf")
    form = make_form(valid_data(reason="name", old_name="Петрова"), files={"certificate": fake})
    assert not form.is_valid()
    assert "certificate" in form.errors


def test_a_hidden_fields_invalid_value_does_not_block_submission():
    form = make_form(valid_data(amount="99999"))  # section «extra» needs «agree»
    assert form.is_valid(), form.errors
    assert "amount" not in form.cleaned_data


def test_a_section_shown_by_a_checkbox_validates_its_fields():
    form = make_form(valid_data(agree="on", amount="500"))
    assert not form.is_valid()
    assert form.errors["amount"] == ["Не больше 100."]


def typed_definition():
    return {
        "version": 1,
        "sections": [
            {
                "key": "ids",
                "title": "Документы",
                "fields": [
                    {"key": "snils", "type": "snils", "label": "СНИЛС", "required": True},
                    {"key": "passport", "type": "passport", "label": "Паспорт", "required": True},
                    {"key": "phone", "type": "phone", "label": "Телефон", "required": True},
                    {"key": "email", "type": "email", "label": "Почта"},
                    {"key": "inn", "type": "inn", "label": "ИНН"},
                ],
            }
        ],
    }


def test_identifier_fields_check_their_numbers():
    form = make_form(
        {
            "snils": "112-233-445 96",
            "passport": "4508 12345",
            "phone": "123",
            "email": "x@",
            "inn": "7707083893",
        },
        definition=typed_definition(),
    )
    assert not form.is_valid()
    assert form.errors["snils"] == ["СНИЛС указан с ошибкой: контрольное число не совпадает."]
    assert form.errors["passport"] == ["Серия и номер паспорта — 10 цифр, например 45 08 123456."]
    assert "phone" in form.errors
    assert form.errors["email"] == [
        "Адрес электронной почты указан неверно. Пример: ivanov@mail.ru."
    ]
    assert "inn" not in form.errors


def test_identifier_fields_are_normalised():
    form = make_form(
        {"snils": "112-233-445 95", "passport": "4508 123456", "phone": "8 916 123-45-67"},
        definition=typed_definition(),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["snils"] == "11223344595"
    assert form.cleaned_data["passport"] == "45 08 123456"
    assert form.cleaned_data["phone"] == "+79161234567"


@pytest.mark.django_db
def test_prefill_reads_the_persons_profile():
    user = UserFactory(phone="+79161234567", email="anna@example.ru")
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "last_name": "Смирнова",
            "birth_date": datetime.date(1990, 2, 1),
            "passport_series": "4508",
            "passport_number": "123456",
        },
    )
    definition = good()
    definition["sections"][0]["fields"][1]["prefill"] = "birth_date"
    definition["sections"][0]["fields"].append(
        {"key": "passport", "type": "passport", "label": "Паспорт", "prefill": "passport_number"}
    )
    definition["sections"][0]["fields"].append(
        {"key": "phone", "type": "phone", "label": "Телефон", "prefill": "phone"}
    )
    initial = prefill_initial(definition, user)
    assert initial == {
        "last_name": "Смирнова",
        "birth_date": "01.02.1990",
        "passport": "45 08 123456",
        "phone": "+7 916 123-45-67",
    }


@pytest.mark.django_db
def test_prefill_without_a_profile_leaves_fields_empty():
    user = UserFactory(email=None)
    Profile.objects.filter(user=user).delete()
    assert prefill_initial(good(), user) == {}


def test_a_shown_conditional_file_is_required():
    form = make_form(valid_data(reason="name", old_name="Петрова"))
    assert not form.is_valid()
    assert form.errors["certificate"] == ["Приложите файл."]


def test_zero_is_an_answer_for_a_required_conditional_number():
    definition = good()
    definition["sections"][1]["fields"][0]["required"] = True
    form = make_form(valid_data(agree="on", amount="0"), definition=definition)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == 0

"""Form definitions (CAT-4): the JSON Schema and the semantic checks, with Russian
messages that name the path of the problem."""

import copy

import pytest

from gosportal.catalog.forms_schema import (
    FORM_DEFINITION_SCHEMA,
    check_form_definition,
    definition_errors,
)
from gosportal.core.errors import InvalidInput


def good() -> dict:
    return {
        "version": 1,
        "sections": [
            {
                "key": "applicant",
                "title": "Заявитель",
                "fields": [
                    {
                        "key": "last_name",
                        "type": "text",
                        "label": "Фамилия",
                        "required": True,
                        "prefill": "last_name",
                        "validation": {
                            "max_length": 100,
                            "pattern": "^[А-ЯЁа-яё-]+$",
                            "pattern_message": "Только русские буквы.",
                        },
                    },
                    {
                        "key": "birth_date",
                        "type": "date",
                        "label": "Дата рождения",
                        "validation": {"not_after": "today", "not_before": "1900-01-01"},
                    },
                    {
                        "key": "reason",
                        "type": "select",
                        "label": "Причина",
                        "options": [
                            {"value": "age", "label": "Возраст"},
                            {"value": "name", "label": "Смена ФИО"},
                        ],
                    },
                    {
                        "key": "old_name",
                        "type": "text",
                        "label": "Прежняя фамилия",
                        "required": True,
                        "show_if": {"field": "reason", "equals": "name"},
                    },
                    {
                        "key": "certificate",
                        "type": "file",
                        "label": "Свидетельство",
                        "required": True,
                        "document": "Свидетельство о браке",
                        "show_if": {"field": "reason", "equals": "name"},
                    },
                    {"key": "agree", "type": "checkbox", "label": "Согласен"},
                ],
            },
            {
                "key": "extra",
                "title": "Дополнительно",
                "show_if": {"field": "agree", "equals": True},
                "fields": [
                    {
                        "key": "amount",
                        "type": "number",
                        "label": "Сумма",
                        "validation": {"min": 0, "max": 100, "integer": True},
                    },
                ],
            },
        ],
    }


DOCUMENTS = ["Свидетельство о браке"]


def errors_of(definition, documents=DOCUMENTS) -> str:
    return "\n".join(definition_errors(definition, documents=documents))


def test_schema_is_draft_2020_12():
    assert FORM_DEFINITION_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_good_definition_passes_both_checks():
    assert definition_errors(good(), documents=DOCUMENTS) == []
    check_form_definition(good(), documents=DOCUMENTS)


def mutate(change):
    definition = copy.deepcopy(good())
    change(definition)
    return definition


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("version"), "корень: нет обязательного ключа «version»"),
        (lambda d: d.update(sections=[]), "sections: не может быть пустым"),
        (
            lambda d: d["sections"][0]["fields"][0].update(type="colour"),
            "sections[0].fields[0].type: допустимые значения",
        ),
        (
            lambda d: d["sections"][0]["fields"][0].update(colour="red"),
            "sections[0].fields[0]: неизвестный ключ «colour»",
        ),
        (
            lambda d: d["sections"][0]["fields"][2].pop("options"),
            "sections[0].fields[2]: нет обязательного ключа «options»",
        ),
        (
            lambda d: d["sections"][0]["fields"][4].pop("document"),
            "sections[0].fields[4]: нет обязательного ключа «document»",
        ),
        (
            lambda d: d["sections"][0]["fields"][0].update(key="Фамилия"),
            "sections[0].fields[0].key: значение «Фамилия» не подходит по формату",
        ),
        (
            lambda d: d["sections"][0]["fields"][1]["validation"].update(not_after="вчера"),
            "sections[0].fields[1].validation.not_after",
        ),
        (
            lambda d: d["sections"][0]["fields"][0]["validation"].update(pattern="(["),
            "sections[0].fields[0].validation.pattern: неверное регулярное выражение",
        ),
        (
            lambda d: d["sections"][0]["fields"][0]["validation"].pop("pattern"),
            "сообщение об ошибке формата задано без шаблона",
        ),
    ],
)
def test_schema_errors_name_the_path_in_russian(change, expected):
    assert expected in errors_of(mutate(change))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["sections"][1]["fields"][0].update(key="last_name"),
            "sections[1].fields[0].key: поле «last_name» уже есть",
        ),
        (
            lambda d: d["sections"][1].update(key="applicant"),
            "sections[1].key: раздел «applicant» уже есть",
        ),
        (
            lambda d: d["sections"][0]["fields"][3]["show_if"].update(field="nothing"),
            "sections[0].fields[3].show_if.field: поля «nothing» нет в форме",
        ),
        (
            lambda d: d["sections"][0]["fields"][3]["show_if"].update(equals="divorce"),
            "sections[0].fields[3].show_if.equals: у поля «reason» нет варианта «divorce»",
        ),
        (
            lambda d: d["sections"][1]["show_if"].update(equals="yes"),
            "sections[1].show_if.equals: для флажка укажите true или false",
        ),
        (
            lambda d: d["sections"][0]["fields"][3]["show_if"].update(field="old_name"),
            "sections[0].fields[3].show_if: поле не может зависеть от себя",
        ),
        (
            lambda d: d["sections"][0]["fields"][0].update(prefill="salary"),
            "sections[0].fields[0].prefill: неизвестный источник «salary»",
        ),
        (
            lambda d: d["sections"][0]["fields"][4].update(document="Справка"),
            "sections[0].fields[4].document: документа «Справка» нет в списке документов",
        ),
        (
            lambda d: d["sections"][1]["fields"][0]["validation"].update(min=500),
            "sections[1].fields[0].validation: min больше max",
        ),
        (
            lambda d: d["sections"][0]["fields"][5].update(validation={"min_length": 2}),
            "sections[0].fields[5].validation.min_length: правило не применяется к полю "
            "типа «checkbox»",
        ),
        (
            lambda d: d["sections"][0]["fields"][2]["options"].append(
                {"value": "age", "label": "Ещё раз"}
            ),
            "sections[0].fields[2].options: значения повторяются",
        ),
    ],
)
def test_semantic_errors_name_the_path_in_russian(change, expected):
    assert expected in errors_of(mutate(change))


def test_check_raises_invalid_input_on_the_definition_field():
    bad = mutate(lambda d: d["sections"][0]["fields"][0].update(prefill="salary"))
    with pytest.raises(InvalidInput) as caught:
        check_form_definition(bad, documents=DOCUMENTS)
    assert caught.value.field == "form_definition"
    assert "Описание формы содержит ошибки" in str(caught.value)


def test_a_definition_that_is_not_an_object_is_refused_without_crashing():
    assert errors_of([1, 2, 3]) == "корень: неверный тип значения, ожидается object"

"""The format of a service's application form (CAT-4, APP-1) and its checks.

A form definition is JSON: sections holding fields. ``FORM_DEFINITION_SCHEMA`` (JSON
Schema, Draft 2020-12) fixes its shape; ``semantic_errors`` adds what a schema cannot
say (unique keys, conditions that point at existing fields, known prefill names,
files that name a required document). ``check_form_definition`` runs both and raises
``InvalidInput`` with Russian messages naming the path, e.g.
``sections[0].fields[2].type``. docs/catalog.md describes the format with an example.
"""

import re

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from gosportal.core.errors import InvalidInput

FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "date",
    "select",
    "radio",
    "checkbox",
    "email",
    "phone",
    "snils",
    "inn",
    "passport",
    "address",
    "file",
)
CHOICE_TYPES = ("select", "radio")

# Profile attributes a field may be pre-filled from (APP-1 autofill).
PREFILL_SOURCES = (
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "snils",
    "inn",
    "passport_series",
    "passport_number",
    "registration_address",
    "phone",
    "email",
)

_KEY = r"^[a-z][a-z0-9_]{0,49}$"
# "today", "today+30d", "today-18y" or an ISO date.
DATE_BOUND = r"^(today([+-][0-9]{1,3}[dmy])?|[0-9]{4}-[0-9]{2}-[0-9]{2})$"

_CONDITION = {
    "type": "object",
    "required": ["field", "equals"],
    "additionalProperties": False,
    "properties": {
        "field": {"type": "string", "pattern": _KEY},
        "equals": {"type": ["string", "boolean", "number"]},
    },
}

FORM_DEFINITION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://gosportal.local/schemas/form-definition.json",
    "title": "Form definition of a service",
    "type": "object",
    "required": ["version", "sections"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "sections": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/section"}},
    },
    "$defs": {
        "condition": _CONDITION,
        "option": {
            "type": "object",
            "required": ["value", "label"],
            "additionalProperties": False,
            "properties": {
                "value": {"type": "string", "minLength": 1, "maxLength": 50},
                "label": {"type": "string", "minLength": 1, "maxLength": 200},
            },
        },
        "validation": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "min_length": {"type": "integer", "minimum": 0},
                "max_length": {"type": "integer", "minimum": 1, "maximum": 5000},
                "pattern": {"type": "string", "minLength": 1, "format": "regex"},
                "pattern_message": {"type": "string", "minLength": 1},
                "min": {"type": "number"},
                "max": {"type": "number"},
                "integer": {"type": "boolean"},
                "not_before": {"type": "string", "pattern": DATE_BOUND},
                "not_after": {"type": "string", "pattern": DATE_BOUND},
            },
            "dependentRequired": {"pattern_message": ["pattern"]},
        },
        "section": {
            "type": "object",
            "required": ["key", "title", "fields"],
            "additionalProperties": False,
            "properties": {
                "key": {"type": "string", "pattern": _KEY},
                "title": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": {"type": "string"},
                "show_if": {"$ref": "#/$defs/condition"},
                "fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}},
            },
        },
        "field": {
            "type": "object",
            "required": ["key", "type", "label"],
            "additionalProperties": False,
            "properties": {
                "key": {"type": "string", "pattern": _KEY},
                "type": {"enum": list(FIELD_TYPES)},
                "label": {"type": "string", "minLength": 1, "maxLength": 200},
                "help": {"type": "string"},
                "required": {"type": "boolean"},
                "prefill": {"type": "string"},
                "options": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"}},
                "validation": {"$ref": "#/$defs/validation"},
                "show_if": {"$ref": "#/$defs/condition"},
                "document": {"type": "string", "minLength": 1},
            },
            "allOf": [
                {
                    "if": {"properties": {"type": {"enum": list(CHOICE_TYPES)}}},
                    "then": {"required": ["options"]},
                    "else": {"not": {"required": ["options"]}},
                },
                {
                    "if": {"properties": {"type": {"const": "file"}}},
                    "then": {"required": ["document"]},
                    "else": {"not": {"required": ["document"]}},
                },
            ],
        },
    },
}

_validator = Draft202012Validator(
    FORM_DEFINITION_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)


def _path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or _("корень")


def _schema_message(error) -> str:
    """A Russian explanation of one jsonschema error."""
    validator, value = error.validator, error.validator_value
    if validator == "required":
        missing = [k for k in value if isinstance(error.instance, dict) and k not in error.instance]
        return _("нет обязательного ключа «%(key)s»") % {"key": ", ".join(missing)}
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return _("неизвестный ключ «%(key)s»") % {"key": ", ".join(extra)}
    if validator == "enum":
        return _("допустимые значения: %(values)s") % {"values": ", ".join(map(str, value))}
    if validator == "const":
        return _("должно быть %(value)s") % {"value": value}
    if validator == "type":
        return _("неверный тип значения, ожидается %(type)s") % {
            "type": value if isinstance(value, str) else ", ".join(value)
        }
    if validator == "pattern":
        return _("значение «%(value)s» не подходит по формату") % {"value": error.instance}
    if validator in ("minItems", "minLength"):
        return _("не может быть пустым")
    if validator == "maxLength":
        return _("слишком длинное значение (не более %(max)s символов)") % {"max": value}
    if validator in ("minimum", "maximum"):
        return _("недопустимое число %(value)s") % {"value": error.instance}
    if validator == "format":
        return _("неверное регулярное выражение")
    if validator == "not":
        return _("ключ не допускается для этого типа поля")
    if validator == "dependentRequired":
        return _("сообщение об ошибке формата задано без шаблона (pattern)")
    return _("неверное значение")


def schema_errors(definition) -> list[str]:
    """Errors against the JSON Schema, as «path: message» lines."""
    errors = sorted(_validator.iter_errors(definition), key=lambda e: list(e.absolute_path))
    lines = []
    for error in errors:
        # An if/then failure reports the inner error; unwrap to the most precise one.
        leaf = error
        while leaf.context:
            leaf = sorted(leaf.context, key=lambda e: len(e.absolute_path))[-1]
        lines.append(f"{_path(error.absolute_path)}: {_schema_message(leaf)}")
    return lines


def iter_fields(definition):
    """(section, field) pairs in order."""
    for section in definition.get("sections", []):
        for field in section.get("fields", []):
            yield section, field


def semantic_errors(definition, *, documents: list[str] | None = None) -> list[str]:
    """What the schema cannot check. ``documents``: titles of the service's documents."""
    lines = []
    keys = {}
    section_keys = set()
    for s, section in enumerate(definition["sections"]):
        if section["key"] in section_keys:
            lines.append(
                _("sections[%(s)s].key: раздел «%(key)s» уже есть")
                % {"s": s, "key": section["key"]}
            )
        section_keys.add(section["key"])
        for f, field in enumerate(section["fields"]):
            where = f"sections[{s}].fields[{f}]"
            if field["key"] in keys:
                lines.append(
                    _("%(where)s.key: поле «%(key)s» уже есть")
                    % {"where": where, "key": field["key"]}
                )
            keys[field["key"]] = field
            prefill = field.get("prefill")
            if prefill is not None and prefill not in PREFILL_SOURCES:
                lines.append(
                    _("%(where)s.prefill: неизвестный источник «%(name)s»; допустимы: %(known)s")
                    % {"where": where, "name": prefill, "known": ", ".join(PREFILL_SOURCES)}
                )
            lines.extend(_validation_errors(where, field))
            if field["type"] in CHOICE_TYPES:
                values = [o["value"] for o in field["options"]]
                if len(values) != len(set(values)):
                    lines.append(_("%(where)s.options: значения повторяются") % {"where": where})
            if (
                field["type"] == "file"
                and documents is not None
                and field["document"] not in documents
            ):
                lines.append(
                    _("%(where)s.document: документа «%(name)s» нет в списке документов услуги")
                    % {"where": where, "name": field["document"]}
                )
    for s, section in enumerate(definition["sections"]):
        if "show_if" in section:
            lines.extend(
                _condition_errors(f"sections[{s}].show_if", section["show_if"], keys, section)
            )
        for f, field in enumerate(section["fields"]):
            if "show_if" in field:
                where = f"sections[{s}].fields[{f}].show_if"
                if field["show_if"]["field"] == field["key"]:
                    lines.append(_("%(where)s: поле не может зависеть от себя") % {"where": where})
                    continue
                lines.extend(_condition_errors(where, field["show_if"], keys, None))
    return lines


def _condition_errors(where, condition, keys, own_section) -> list[str]:
    target = keys.get(condition["field"])
    if target is None:
        return [
            _("%(where)s.field: поля «%(key)s» нет в форме")
            % {"where": where, "key": condition["field"]}
        ]
    if own_section is not None and any(f["key"] == target["key"] for f in own_section["fields"]):
        return [_("%(where)s.field: раздел не может зависеть от своего поля") % {"where": where}]
    if target["type"] in CHOICE_TYPES:
        values = [o["value"] for o in target["options"]]
        if condition["equals"] not in values:
            return [
                _("%(where)s.equals: у поля «%(key)s» нет варианта «%(value)s»")
                % {"where": where, "key": target["key"], "value": condition["equals"]}
            ]
    if target["type"] == "checkbox" and not isinstance(condition["equals"], bool):
        return [_("%(where)s.equals: для флажка укажите true или false") % {"where": where}]
    return []


def _validation_errors(where, field) -> list[str]:
    rules = field.get("validation") or {}
    lines = []
    kind = field["type"]
    text_rules = {"min_length", "max_length", "pattern", "pattern_message"}
    number_rules = {"min", "max", "integer"}
    date_rules = {"not_before", "not_after"}
    allowed = {
        "number": number_rules,
        "date": date_rules,
        "text": text_rules,
        "textarea": text_rules,
        "address": text_rules,
    }.get(kind, set())
    for rule in sorted(set(rules) - allowed):
        lines.append(
            _("%(where)s.validation.%(rule)s: правило не применяется к полю типа «%(type)s»")
            % {"where": where, "rule": rule, "type": kind}
        )
    if "pattern" in rules:
        try:
            re.compile(rules["pattern"])
        except re.error:
            lines.append(
                _("%(where)s.validation.pattern: неверное регулярное выражение") % {"where": where}
            )
    for low, high in (("min_length", "max_length"), ("min", "max")):
        if low in rules and high in rules and rules[low] > rules[high]:
            lines.append(
                _("%(where)s.validation: %(low)s больше %(high)s")
                % {"where": where, "low": low, "high": high}
            )
    return lines


def definition_errors(definition, *, documents: list[str] | None = None) -> list[str]:
    """All problems of a definition; empty when it is usable."""
    lines = schema_errors(definition)
    if lines:
        return lines
    return semantic_errors(definition, documents=documents)


def check_form_definition(definition, *, documents: list[str] | None = None) -> None:
    """Raise ``InvalidInput`` (field ``form_definition``) listing every problem."""
    lines = definition_errors(definition, documents=documents)
    if lines:
        raise InvalidInput(
            _("Описание формы содержит ошибки: %(errors)s") % {"errors": "; ".join(lines)},
            field="form_definition",
        )

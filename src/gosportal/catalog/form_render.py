"""A Django form built from a service's form definition (APP-1, CAT-4).

``build_form_class(definition, documents=...)`` returns a ``forms.Form`` subclass with
one field per definition field, server-side validation per field with Russian
messages, and conditions: a field (or a whole section) with ``show_if`` is only
required and only kept when the other field has the given value, so a hidden field
never blocks submission and never leaks into ``cleaned_data``. ``prefill_initial``
reads a person's profile for the fields that name a ``prefill`` source. The catalog
admin's preview renders it read-only; the applications pages fill it in.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.catalog.forms_schema import CHOICE_TYPES, iter_fields
from gosportal.core import files
from gosportal.core.errors import InvalidInput
from gosportal.core.validators import check_inn, check_snils, normalize_phone

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
REQUIRED_MESSAGE = gettext_lazy("Заполните поле.")
_BOUND = re.compile(r"^today(?:([+-])([0-9]{1,3})([dmy]))?$")


def resolve_date_bound(bound: str, *, today: datetime.date | None = None) -> datetime.date:
    """``today``, ``today-18y``, ``today+30d`` or an ISO date, as a date."""
    today = today or timezone.localdate()
    match = _BOUND.match(bound)
    if match is None:
        return datetime.date.fromisoformat(bound)
    sign, amount, unit = match.groups()
    if sign is None:
        return today
    amount = int(amount) * (1 if sign == "+" else -1)
    if unit == "d":
        return today + datetime.timedelta(days=amount)
    months = today.year * 12 + today.month - 1 + (amount if unit == "m" else amount * 12)
    year, month = divmod(months, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(today.day, last_day))


def _bound_words(bound: str, value: datetime.date, *, after: bool) -> str:
    if bound == "today":
        return _("не позже сегодняшнего дня") if after else _("не раньше сегодняшнего дня")
    shown = date_format(value, "d.m.Y")
    if after:
        return _("не позже %(date)s") % {"date": shown}
    return _("не раньше %(date)s") % {"date": shown}


class SnilsField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return check_snils(value) if value else value


class InnField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return check_inn(value) if value else value


class PhoneField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value) if value else value


class PassportField(forms.CharField):
    """Series and number of a Russian passport: 10 digits, shown as «45 08 123456»."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        digits = re.sub(r"[\s\-№]+", "", value)
        if not (digits.isascii() and digits.isdigit() and len(digits) == 10):
            raise ValidationError(
                _("Серия и номер паспорта — 10 цифр, например 45 08 123456."), code="passport"
            )
        return f"{digits[:2]} {digits[2:4]} {digits[4:]}"


class DocumentFileField(forms.FileField):
    """A file for one of the service's required documents, checked by its content."""

    def __init__(self, *, kinds, **kwargs):
        self.kinds = tuple(kinds)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if not data or data is initial:
            return data
        try:
            return files.check_upload(data, allowed=self.kinds)
        except InvalidInput as error:
            raise ValidationError(str(error.message), code=error.code) from None


@dataclass
class Section:
    key: str
    title: str
    description: str
    show_if: dict | None
    condition_text: str
    fields: list  # bound fields


def _document_kinds(documents, title: str) -> tuple[str, ...]:
    for document in documents or []:
        if document.get("title") == title:
            kinds = [k for k in document.get("formats", []) if k in files.KINDS]
            if kinds:
                return tuple(kinds)
    return tuple(files.KINDS)


def _text_validators(rules: dict) -> list:
    if "pattern" not in rules:
        return []
    message = rules.get("pattern_message") or _("Проверьте формат значения.")
    return [RegexValidator(rules["pattern"], message=message, code="pattern")]


def _make_field(spec: dict, *, documents, today) -> forms.Field:
    """One Django form field for one definition field, without the conditions."""
    kind = spec["type"]
    rules = spec.get("validation") or {}
    common = {
        "label": spec["label"],
        "help_text": spec.get("help", ""),
        "required": bool(spec.get("required")) and "show_if" not in spec,
        "error_messages": {"required": REQUIRED_MESSAGE},
    }
    messages = {
        "max_length": gettext_lazy("Не более %(limit_value)d символов."),
        "min_length": gettext_lazy("Не менее %(limit_value)d символов."),
    }
    if kind in ("text", "textarea", "address"):
        common["error_messages"].update(messages)
        widget = forms.TextInput if kind == "text" else forms.Textarea(attrs={"rows": 3})
        return forms.CharField(
            widget=widget,
            max_length=rules.get("max_length", 500 if kind == "text" else 5000),
            min_length=rules.get("min_length"),
            validators=_text_validators(rules),
            **common,
        )
    if kind == "number":
        common["error_messages"].update(
            {
                "invalid": gettext_lazy("Введите число."),
                "min_value": gettext_lazy("Не меньше %(limit_value)s."),
                "max_value": gettext_lazy("Не больше %(limit_value)s."),
                "max_decimal_places": gettext_lazy("Не более %(max)s знаков после запятой."),
            }
        )
        limits = {"min_value": rules.get("min"), "max_value": rules.get("max")}
        if rules.get("integer"):
            return forms.IntegerField(**limits, **common)
        return forms.DecimalField(
            max_digits=15, decimal_places=2, localize=True, **limits, **common
        )
    if kind == "date":
        common["error_messages"]["invalid"] = gettext_lazy(
            "Введите дату в формате ДД.ММ.ГГГГ, например 01.02.2020."
        )
        return BoundedDateField(
            input_formats=DATE_INPUT_FORMATS,
            widget=forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "ДД.ММ.ГГГГ"}),
            not_before=rules.get("not_before"),
            not_after=rules.get("not_after"),
            today=today,
            **common,
        )
    if kind in CHOICE_TYPES:
        common["error_messages"]["invalid_choice"] = gettext_lazy("Выберите один из вариантов.")
        choices = [(o["value"], o["label"]) for o in spec["options"]]
        if kind == "select":
            return forms.ChoiceField(choices=[("", _("— выберите —")), *choices], **common)
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "checkbox":
        common["error_messages"]["required"] = gettext_lazy("Отметьте, чтобы продолжить.")
        return forms.BooleanField(**common)
    if kind == "email":
        common["error_messages"]["invalid"] = gettext_lazy(
            "Адрес электронной почты указан неверно. Пример: ivanov@mail.ru."
        )
        return forms.EmailField(max_length=254, **common)
    if kind == "phone":
        return PhoneField(max_length=30, **common)
    if kind == "snils":
        return SnilsField(max_length=20, **common)
    if kind == "inn":
        return InnField(max_length=20, **common)
    if kind == "passport":
        return PassportField(max_length=20, **common)
    if kind == "file":
        kinds = _document_kinds(documents, spec["document"])
        common["help_text"] = common["help_text"] or _("Форматы: %(kinds)s.") % {
            "kinds": files.kinds_label(kinds)
        }
        common["error_messages"].update(
            {
                "required": gettext_lazy("Приложите файл."),
                "empty": gettext_lazy("Файл пустой."),
                "invalid": gettext_lazy("Не удалось прочитать файл."),
            }
        )
        return DocumentFileField(kinds=kinds, **common)
    raise ValueError(f"unknown field type {kind!r}")  # the schema makes this unreachable


class BoundedDateField(forms.DateField):
    """A date with optional bounds such as «не позже сегодняшнего дня»."""

    def __init__(self, *, not_before=None, not_after=None, today=None, **kwargs):
        self.not_before, self.not_after, self.today = not_before, not_after, today
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        if self.not_before:
            low = resolve_date_bound(self.not_before, today=self.today)
            if value < low:
                raise ValidationError(
                    _("Дата должна быть %(rule)s.")
                    % {"rule": _bound_words(self.not_before, low, after=False)},
                    code="date_too_early",
                )
        if self.not_after:
            high = resolve_date_bound(self.not_after, today=self.today)
            if value > high:
                raise ValidationError(
                    _("Дата должна быть %(rule)s.")
                    % {"rule": _bound_words(self.not_after, high, after=True)},
                    code="date_too_late",
                )


class DefinitionForm(forms.Form):
    """Base of generated forms; ``definition`` is set on the subclass."""

    definition: dict = {"version": 1, "sections": []}

    def _raw(self, key: str):
        """What the person entered for ``key``, as a condition compares it."""
        spec = self._specs[key]
        if spec["type"] == "checkbox":
            field = self.fields[key]
            return bool(
                field.widget.value_from_datadict(self.data, self.files, self.add_prefix(key))
            )
        value = self.data.get(self.add_prefix(key), "") if self.is_bound else self.initial.get(key)
        return value

    def _holds(self, condition: dict | None, seen: set) -> bool:
        if not condition:
            return True
        key = condition["field"]
        if key in seen or not self.is_visible(key, seen | {key}):
            return False
        value = self._raw(key)
        expected = condition["equals"]
        if isinstance(expected, bool):
            return bool(value) is expected
        return str(value if value is not None else "") == str(expected)

    def is_visible(self, key: str, seen: frozenset | set = frozenset()) -> bool:
        """Whether the field applies, given the other answers (its own and its section's)."""
        section = self._section_of[key]
        return self._holds(section.get("show_if"), set(seen)) and self._holds(
            self._specs[key].get("show_if"), set(seen)
        )

    def clean(self):
        cleaned = super().clean()
        for key, spec in self._specs.items():
            if not self.is_visible(key):
                cleaned.pop(key, None)
                self._errors.pop(key, None)
                continue
            conditional = "show_if" in spec or "show_if" in self._section_of[key]
            if spec.get("required") and conditional and key not in self._errors:
                value = cleaned.get(key)
                if value is None or value == "" or value is False:
                    message = self.fields[key].error_messages["required"]
                    self.add_error(key, ValidationError(message, code="required"))
        return cleaned

    @property
    def sections(self) -> list[Section]:
        """Sections with their bound fields, for templates."""
        result = []
        for section in self.definition["sections"]:
            result.append(
                Section(
                    key=section["key"],
                    title=section["title"],
                    description=section.get("description", ""),
                    show_if=section.get("show_if"),
                    condition_text=condition_text(section.get("show_if"), self._specs),
                    fields=[self[f["key"]] for f in section["fields"]],
                )
            )
        return result

    def answers(self) -> dict:
        """The cleaned answers as JSON-safe values (dates ISO, decimals as strings)."""
        result = {}
        for key, value in self.cleaned_data.items():
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, files.CheckedFile):
                continue
            elif value is not None and not isinstance(value, (str, bool, int)):
                value = str(value)
            result[key] = value
        return result


def build_form_class(definition: dict, *, documents=None, today=None) -> type[DefinitionForm]:
    """A form class for a definition already checked by ``check_form_definition``."""
    attrs = {
        "definition": definition,
        "_specs": {},
        "_section_of": {},
    }
    for section, spec in iter_fields(definition):
        attrs[spec["key"]] = _make_field(spec, documents=documents, today=today)
        attrs["_specs"][spec["key"]] = spec
        attrs["_section_of"][spec["key"]] = section
    for key, spec in attrs["_specs"].items():
        attrs[key].show_if = spec.get("show_if")
        attrs[key].condition_text = condition_text(spec.get("show_if"), attrs["_specs"])
    return type("GeneratedForm", (DefinitionForm,), attrs)


def condition_text(condition: dict | None, specs: dict) -> str:
    """«Заполняется, если …» for a field or section with ``show_if``, in words."""
    if not condition or condition["field"] not in specs:
        return ""
    target = specs[condition["field"]]
    expected = condition["equals"]
    if target["type"] == "checkbox":
        if expected:
            return _("Заполняется, если отмечено «%(label)s».") % {"label": target["label"]}
        return _("Заполняется, если не отмечено «%(label)s».") % {"label": target["label"]}
    shown = {o["value"]: o["label"] for o in target.get("options", [])}.get(
        str(expected), str(expected)
    )
    return _("Заполняется, если в поле «%(label)s» выбрано «%(value)s».") % {
        "label": target["label"],
        "value": shown,
    }


def profile_values(user) -> dict:
    """The prefill sources of one person: profile data, phone and e-mail."""
    from gosportal.profiles.models import Profile

    profile = Profile.objects.filter(user=user).first()
    values = {"phone": user.phone or "", "email": user.email or ""}
    if profile is not None:
        for name in (
            "last_name",
            "first_name",
            "middle_name",
            "snils",
            "inn",
            "passport_series",
            "passport_number",
            "registration_address",
        ):
            values[name] = getattr(profile, name) or ""
        values["birth_date"] = profile.birth_date
    return values


def prefill_initial(definition: dict, user) -> dict:
    """Initial values for fields that name a ``prefill`` source (APP-1 autofill)."""
    values = profile_values(user)
    initial = {}
    for _section, spec in iter_fields(definition):
        source = spec.get("prefill")
        if not source or not values.get(source):
            continue
        value = values[source]
        if spec["type"] == "passport" and source in ("passport_series", "passport_number"):
            series, number = values.get("passport_series"), values.get("passport_number")
            if not (series and number):
                continue
            value = f"{series[:2]} {series[2:]} {number}"
        elif spec["type"] == "date" and isinstance(value, datetime.date):
            value = value.strftime("%d.%m.%Y")
        elif spec["type"] == "phone" and isinstance(value, str) and value.startswith("+7"):
            value = f"+7 {value[2:5]} {value[5:8]}-{value[8:10]}-{value[10:]}"
        initial[spec["key"]] = value
    return initial

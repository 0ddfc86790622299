"""Forms of «Мои данные» (PROF-1): every field checked with core.validators, messages
in Russian naming the field, the typed input kept on a failed form."""

import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.account_forms import code_field
from gosportal.core.validators import (
    check_department_code,
    check_name_part,
    check_passport_number,
    check_passport_series,
    check_person_inn,
    check_snils,
    format_snils,
)
from gosportal.profiles.models import Profile, Sex
from gosportal.profiles.scans import PASSPORT_FIELDS, needs_scan
from gosportal.profiles.services import SCAN_REQUIRED, SUPPORT_ONLY_FIELDS

# Гражданство: ISO 3166-1 codes of the countries whose citizens most often use the portal.
COUNTRIES = {
    "RU": _("Российская Федерация"),
    "BY": _("Республика Беларусь"),
    "KZ": _("Республика Казахстан"),
    "AM": _("Республика Армения"),
    "KG": _("Киргизская Республика"),
    "UZ": _("Республика Узбекистан"),
    "TJ": _("Республика Таджикистан"),
    "AZ": _("Азербайджанская Республика"),
    "MD": _("Республика Молдова"),
    "UA": _("Украина"),
}
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
PASSPORT_AGE = 14
_DOTTED = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: str, *, label, future: bool = False) -> date | None:
    """ДД.ММ.ГГГГ or ГГГГ-ММ-ДД, not in the future unless ``future``; empty → None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if _DOTTED.match(value):
            parsed = datetime.strptime(value, "%d.%m.%Y").date()  # noqa: DTZ007 - a date
        elif _ISO.match(value):
            parsed = date.fromisoformat(value)
        else:
            raise ValueError(value)
    except ValueError as exc:
        raise ValidationError(
            _("%(field)s: укажите существующую дату в формате ДД.ММ.ГГГГ.") % {"field": label},
            code="date_format",
        ) from exc
    if not future and parsed > timezone.localdate():
        raise ValidationError(
            _("%(field)s: дата не может быть в будущем.") % {"field": label}, code="date_future"
        )
    return parsed


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def _text(label, *, max_length: int, required: bool = False, textarea: bool = False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2, **attrs}) if textarea else forms.TextInput(attrs),
        error_messages={
            "required": _("%(field)s: заполните поле.") % {"field": label},
            "max_length": _("%(field)s: не длиннее %(n)s символов.")
            % {"field": label, "n": max_length},
        },
    )


def _date(label):
    return _text(label, max_length=10, inputmode="numeric", placeholder="ДД.ММ.ГГГГ")


class ProfileForm(forms.Form):
    """All editable fields; birth date and sex only while empty (PROF-3)."""

    last_name = _text(_("Фамилия"), max_length=100, required=True, autocomplete="family-name")
    first_name = _text(_("Имя"), max_length=100, required=True, autocomplete="given-name")
    middle_name = _text(_("Отчество"), max_length=100, autocomplete="additional-name")
    birth_date = _date(_("Дата рождения"))
    sex = forms.ChoiceField(
        label=_("Пол"),
        required=False,
        choices=[("", _("Не указан")), *Sex.choices],
        error_messages={"invalid_choice": _("Пол: выберите значение из списка.")},
    )
    birthplace = _text(_("Место рождения"), max_length=200)
    citizenship = forms.ChoiceField(
        label=_("Гражданство"),
        choices=list(COUNTRIES.items()),
        error_messages={
            "required": _("Гражданство: выберите страну."),
            "invalid_choice": _("Гражданство: выберите страну из списка."),
        },
    )
    passport_series = _text(_("Серия паспорта"), max_length=10, inputmode="numeric")
    passport_number = _text(_("Номер паспорта"), max_length=10, inputmode="numeric")
    passport_issued_on = _date(_("Дата выдачи паспорта"))
    passport_issuer = _text(_("Кем выдан паспорт"), max_length=300, textarea=True)
    passport_department_code = _text(
        _("Код подразделения"), max_length=10, placeholder="000-000", inputmode="numeric"
    )
    snils = _text(_("СНИЛС"), max_length=20, inputmode="numeric", placeholder="XXX-XXX-XXX YY")
    inn = _text(_("ИНН"), max_length=20, inputmode="numeric")
    registration_address = _text(_("Адрес регистрации"), max_length=500, textarea=True)
    residence_address = _text(_("Адрес проживания"), max_length=500, textarea=True)
    # PROF-2: needed when a passport already on file changes.
    passport_scan = forms.FileField(
        label=_("Скан или фото нового паспорта"),
        required=False,
        help_text=_(
            "Нужен, если вы меняете данные паспорта: разворот с фотографией, PDF, JPEG или "
            "PNG, не больше 5 МБ. Приложите файл ещё раз, если форма вернулась с ошибкой."
        ),
        error_messages={
            "invalid": _("Скан паспорта: файл не получен, приложите его ещё раз."),
            "empty": _("Скан паспорта: файл пустой."),
        },
    )

    def __init__(self, *args, profile: Profile, **kwargs):
        self.profile = profile
        kwargs.setdefault("initial", initial_for(profile))
        super().__init__(*args, **kwargs)
        # PROF-3: once set, birth date and sex change only through support.
        self.locked_fields = [
            name for name in SUPPORT_ONLY_FIELDS if getattr(profile, name) not in (None, "")
        ]
        for name in self.locked_fields:
            del self.fields[name]
        if profile.citizenship and profile.citizenship not in COUNTRIES:
            self.fields["citizenship"].choices += [(profile.citizenship, profile.citizenship)]

    def _name(self, name: str, label, *, required: bool):
        value = self.cleaned_data.get(name, "")
        if not value and not required:
            return ""
        try:
            return check_name_part(value, label=label)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="name") from exc

    def clean_last_name(self):
        return self._name("last_name", _("Фамилия"), required=True)

    def clean_first_name(self):
        return self._name("first_name", _("Имя"), required=True)

    def clean_middle_name(self):
        return self._name("middle_name", _("Отчество"), required=False)

    def clean_birth_date(self):
        born = parse_date(self.cleaned_data.get("birth_date"), label=_("Дата рождения"))
        if born is not None and born < EARLIEST_BIRTH_DATE:
            raise ValidationError(
                _("Дата рождения: не ранее 01.01.1900."), code="birth_date_too_early"
            )
        return born

    def clean_passport_issued_on(self):
        return parse_date(
            self.cleaned_data.get("passport_issued_on"), label=_("Дата выдачи паспорта")
        )

    def _checked(self, name: str, check):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return ""
        try:
            return check(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code=name) from exc

    def clean_passport_series(self):
        return self._checked("passport_series", check_passport_series)

    def clean_passport_number(self):
        return self._checked("passport_number", check_passport_number)

    def clean_passport_department_code(self):
        return self._checked("passport_department_code", check_department_code)

    def clean_snils(self):
        value = self._checked("snils", check_snils)
        if not value and self.profile.snils:
            # AUTH-1: the SNILS is also a login, so it can be replaced but not erased.
            raise ValidationError(_("СНИЛС: укажите номер, удалить его нельзя."), code="snils")
        return value or None

    def clean_inn(self):
        return self._checked("inn", check_person_inn) or None

    def clean_birthplace(self):
        return (self.cleaned_data.get("birthplace") or "").strip()

    def clean_passport_issuer(self):
        return (self.cleaned_data.get("passport_issuer") or "").strip()

    def clean_registration_address(self):
        return (self.cleaned_data.get("registration_address") or "").strip()

    def clean_residence_address(self):
        return (self.cleaned_data.get("residence_address") or "").strip()

    def clean(self):
        data = super().clean()
        born = data.get("birth_date") if "birth_date" in self.fields else self.profile.birth_date
        issued = data.get("passport_issued_on")
        has_passport = bool(data.get("passport_series") or data.get("passport_number"))
        too_young = born is not None and years_after(born, PASSPORT_AGE) > timezone.localdate()
        if has_passport and too_young:
            self.add_error(
                "passport_series",
                _("Серия паспорта: паспорт выдаётся с 14 лет, проверьте дату рождения."),
            )
        if born is not None and issued is not None and issued < years_after(born, PASSPORT_AGE):
            self.add_error(
                "passport_issued_on",
                _("Дата выдачи паспорта: не раньше дня 14-летия владельца."),
            )
        if not data.get("passport_scan") and needs_scan(self.profile, self.passport_changes()):
            self.add_error("passport_scan", SCAN_REQUIRED)
        return data

    def passport_changes(self) -> dict:
        """The passport fields whose cleaned values differ from the stored ones."""
        return {
            name: self.cleaned_data[name]
            for name in PASSPORT_FIELDS
            if name in self.cleaned_data
            and (self.cleaned_data[name] or None) != (getattr(self.profile, name) or None)
        }


def initial_for(profile: Profile) -> dict:
    """The stored values as the person typed them: dates ДД.ММ.ГГГГ, SNILS with dashes."""
    initial = {}
    for name in ProfileForm.base_fields:
        if name == "passport_scan":
            continue
        value = getattr(profile, name)
        if isinstance(value, date):
            value = value.strftime("%d.%m.%Y")
        elif name == "snils" and value:
            value = format_snils(value)
        initial[name] = value or ""
    initial["citizenship"] = profile.citizenship or "RU"
    return initial


class CodeForm(forms.Form):
    code = code_field(_("Код из сообщения"))


class UndoForm(forms.Form):
    change = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DataChangeRequestForm(forms.Form):
    """PROF-3: a request to change the birth date or sex, with a supporting document."""

    new_birth_date = _date(_("Новая дата рождения"))
    new_sex = forms.ChoiceField(
        label=_("Новый пол"),
        choices=[("", _("Выберите")), *Sex.choices],
        required=False,
        error_messages={"invalid_choice": _("Новый пол: выберите значение из списка.")},
    )
    reason = _text(_("Причина изменения"), max_length=1000, required=True, textarea=True)
    document = forms.FileField(
        label=_("Подтверждающий документ"),
        help_text=_("Скан или фото документа: PDF, JPEG или PNG, не больше 5 МБ."),
        error_messages={
            "required": _("Подтверждающий документ: приложите файл."),
            "invalid": _("Подтверждающий документ: файл не получен, приложите его ещё раз."),
            "empty": _("Подтверждающий документ: файл пустой."),
        },
    )

    def __init__(self, *args, field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.field = field
        drop = "new_sex" if field == "birth_date" else "new_birth_date"
        del self.fields[drop]
        self.fields["document"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"
        kept = "new_birth_date" if field == "birth_date" else "new_sex"
        self.fields[kept].required = True
        self.fields[kept].error_messages["required"] = (
            _("Новая дата рождения: заполните поле.")
            if field == "birth_date"
            else _("Новый пол: выберите значение из списка.")
        )

    def clean_new_birth_date(self):
        born = parse_date(self.cleaned_data.get("new_birth_date"), label=_("Новая дата рождения"))
        if born is not None and born < EARLIEST_BIRTH_DATE:
            raise ValidationError(
                _("Новая дата рождения: не ранее 01.01.1900."), code="birth_date_too_early"
            )
        return born

    def clean_reason(self):
        return (self.cleaned_data.get("reason") or "").strip()

    def new_value(self):
        return self.cleaned_data.get("new_birth_date" if self.field == "birth_date" else "new_sex")


class DecisionForm(forms.Form):
    """The desk's decision on a PROF-3 request; a refusal needs a reason."""

    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[("approve", _("Одобрить")), ("reject", _("Отклонить"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Решение: выберите, одобрить или отклонить заявку."),
            "invalid_choice": _("Решение: выберите, одобрить или отклонить заявку."),
        },
    )
    reason = _text(_("Причина отказа"), max_length=1000, textarea=True)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Причина отказа: заполните поле."))
        return data

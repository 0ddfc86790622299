"""Forms of the further documents of «Мои данные» (PROF-1), one per kind.

Each form cleans the typed values into what ``documents.apply_document_change`` stores
(series and number apart, dates as ``date``, letters upper-case); every message is in
Russian and names the field; a failed form keeps what was typed.
"""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gosportal.core.validators import check_name_part
from gosportal.profiles.forms import EARLIEST_BIRTH_DATE, _date, _text, parse_date
from gosportal.profiles.models import PersonalDocument

Kind = PersonalDocument.Kind

# Categories of a Russian driving licence (ФЗ «О безопасности дорожного движения», ст. 25).
DRIVING_CATEGORIES = (
    "A",
    "A1",
    "B",
    "B1",
    "BE",
    "C",
    "C1",
    "CE",
    "C1E",
    "D",
    "D1",
    "DE",
    "D1E",
    "M",
    "Tm",
    "Tb",
)
# Letters allowed on Russian plates and in a СТС series: those that look alike in Latin.
PLATE_LETTERS = "АВЕКМНОРСТУХ"
_LATIN_TO_CYRILLIC = str.maketrans("ABEKMHOPCTYX", PLATE_LETTERS)
_CYRILLIC_TO_LATIN = str.maketrans("ІХСМ", "IXCM")
_SPACES = re.compile(r"[\s-]+")
_PLATE = re.compile(rf"^[{PLATE_LETTERS}](\d{{3}})[{PLATE_LETTERS}]{{2}}(\d{{2,3}})$")
_STS = re.compile(rf"^(\d{{2}}(?:\d{{2}}|[{PLATE_LETTERS}]{{2}}))(\d{{6}})$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_ROMAN = re.compile(r"^(?=[IVXLC])C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_CERTIFICATE_LETTERS = re.compile(r"^[А-ЯЁ]{2}$")


def _error(message, field: str) -> ValidationError:
    return ValidationError(message, code=field)


class DocumentForm(forms.Form):
    """Shared cleaning; ``values()`` gives the model's fields for the service."""

    kind: str = ""

    def __init__(self, *args, document: PersonalDocument | None = None, **kwargs):
        self.document = document
        if document is not None:
            kwargs.setdefault("initial", self.initial_for(document))
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, document: PersonalDocument) -> dict:
        initial = {}
        for name in cls.base_fields:
            value = getattr(document, name, None)
            if isinstance(value, date):
                value = value.strftime("%d.%m.%Y")
            initial[name] = value or ""
        if "series_number" in cls.base_fields:
            initial["series_number"] = f"{document.series} {document.number}"
        return initial

    def _clean_date(self, name: str, label, *, required: bool, future: bool = False):
        value = self.cleaned_data.get(name)
        if not value:
            if required:
                raise _error(_("%(field)s: заполните поле.") % {"field": label}, name)
            return None
        parsed = parse_date(value, label=label, future=future)
        if parsed < EARLIEST_BIRTH_DATE:
            raise _error(_("%(field)s: не ранее 01.01.1900.") % {"field": label}, name)
        return parsed

    def clean_issued_on(self):
        required = self.kind != Kind.OMS_POLICY  # a policy issued as a record has no date
        return self._clean_date("issued_on", _("Дата выдачи"), required=required)

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        if "series_number" in data:
            data["series"], data["number"] = data.pop("series_number")
        return data


def _required_date(label):
    field = _date(label)
    field.required = True
    return field


def _series_number_field(hint: str):
    field = _text(_("Серия и номер"), max_length=20, required=True, autocomplete="off")
    field.help_text = hint
    return field


class DriverLicenceForm(DocumentForm):
    kind = Kind.DRIVER_LICENCE

    series_number = _series_number_field(_("10 цифр, например 99 12 345678."))
    issued_on = _required_date(_("Дата выдачи"))
    valid_until = _required_date(_("Действительно до"))
    categories = forms.MultipleChoiceField(
        label=_("Категории"),
        choices=[(category, category) for category in DRIVING_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Категории: отметьте хотя бы одну категорию."),
            "invalid_choice": _("Категории: выберите категории из списка."),
        },
    )

    @classmethod
    def initial_for(cls, document):
        initial = super().initial_for(document)
        initial["categories"] = [c for c in document.categories.split(",") if c]
        return initial

    def clean_series_number(self):
        digits = _SPACES.sub("", self.cleaned_data.get("series_number", ""))
        if not (digits.isascii() and digits.isdigit() and len(digits) == 10):
            raise _error(_("Серия и номер: 10 цифр, например 99 12 345678."), "series_number")
        return digits[:4], digits[4:]

    def clean_valid_until(self):
        return self._clean_date("valid_until", _("Действительно до"), required=True, future=True)

    def clean_categories(self):
        chosen = self.cleaned_data.get("categories") or []
        return ",".join(category for category in DRIVING_CATEGORIES if category in chosen)

    def clean(self):
        data = super().clean()
        issued, valid_until = data.get("issued_on"), data.get("valid_until")
        if issued and valid_until and valid_until <= issued:
            self.add_error(
                "valid_until", _("Действительно до: дата должна быть позже даты выдачи.")
            )
        return data


class OmsPolicyForm(DocumentForm):
    kind = Kind.OMS_POLICY

    number = _text(_("Номер полиса"), max_length=30, required=True, inputmode="numeric")
    issued_on = _date(_("Дата выдачи"))

    def clean_number(self):
        # The single-format policy (ЕНП) has 16 digits. Its last digit is said to be a
        # check digit, but no verified algorithm is at hand (REFERENCE.md has none), so
        # only the format is checked rather than refusing real policies.
        digits = _SPACES.sub("", self.cleaned_data.get("number", ""))
        if not (digits.isascii() and digits.isdigit() and len(digits) == 16):
            raise _error(_("Номер полиса: 16 цифр."), "number")
        return digits


class VehicleForm(DocumentForm):
    kind = Kind.VEHICLE

    series_number = _series_number_field(_("Например 77 УА 123456 или 99 01 123456."))
    vehicle_model = _text(_("Марка и модель"), max_length=100, required=True)
    plate_number = _text(
        _("Государственный номер"), max_length=12, required=True, placeholder="А123ВС77"
    )
    vin = _text(_("VIN"), max_length=20, required=True, autocomplete="off")
    issued_on = _required_date(_("Дата выдачи"))

    def clean_series_number(self):
        value = _SPACES.sub("", self.cleaned_data.get("series_number", "").upper())
        match = _STS.match(value.translate(_LATIN_TO_CYRILLIC))
        if match is None:
            raise _error(
                _(
                    "Серия и номер: две цифры, две цифры или буквы и шесть цифр, "
                    "например 77 УА 123456."
                ),
                "series_number",
            )
        return match.group(1), match.group(2)

    def clean_vehicle_model(self):
        return " ".join(self.cleaned_data.get("vehicle_model", "").split())

    def clean_plate_number(self):
        value = _SPACES.sub("", self.cleaned_data.get("plate_number", "").upper())
        value = value.translate(_LATIN_TO_CYRILLIC)
        match = _PLATE.match(value)
        if match is None or match.group(1) == "000" or match.group(2) in ("00", "000"):
            raise _error(
                _(
                    "Государственный номер: в формате А123ВС77 — буквы А, В, Е, К, М, Н, О, "
                    "Р, С, Т, У, Х и код региона."
                ),
                "plate_number",
            )
        return value

    def clean_vin(self):
        value = _SPACES.sub("", self.cleaned_data.get("vin", "").upper())
        if not _VIN.match(value):
            raise _error(_("VIN: 17 латинских букв и цифр, без букв I, O и Q."), "vin")
        return value


class BirthCertificateForm(DocumentForm):
    kind = Kind.BIRTH_CERTIFICATE

    series = _text(_("Серия"), max_length=12, required=True, placeholder="IV-МЮ")
    number = _text(_("Номер"), max_length=10, required=True, inputmode="numeric")
    child_last_name = _text(_("Фамилия ребёнка"), max_length=100, required=True)
    child_first_name = _text(_("Имя ребёнка"), max_length=100, required=True)
    child_middle_name = _text(_("Отчество ребёнка"), max_length=100)
    child_birth_date = _required_date(_("Дата рождения ребёнка"))
    issued_on = _required_date(_("Дата выдачи"))

    def clean_series(self):
        value = _SPACES.sub("", self.cleaned_data.get("series", "").upper())
        roman = value[:-2].translate(_CYRILLIC_TO_LATIN)
        letters = value[-2:].translate(_LATIN_TO_CYRILLIC)
        if not _ROMAN.match(roman) or not _CERTIFICATE_LETTERS.match(letters):
            raise _error(
                _("Серия: римские цифры, дефис и две русские буквы, например IV-МЮ."), "series"
            )
        return f"{roman}-{letters}"

    def clean_number(self):
        digits = _SPACES.sub("", self.cleaned_data.get("number", ""))
        if not (digits.isascii() and digits.isdigit() and len(digits) == 6):
            raise _error(_("Номер: 6 цифр."), "number")
        return digits

    def _name(self, name: str, label, *, required: bool) -> str:
        value = self.cleaned_data.get(name, "")
        if not value and not required:
            return ""
        try:
            return check_name_part(value, label=label)
        except ValidationError as exc:
            raise _error(exc.messages[0], name) from exc

    def clean_child_last_name(self):
        return self._name("child_last_name", _("Фамилия ребёнка"), required=True)

    def clean_child_first_name(self):
        return self._name("child_first_name", _("Имя ребёнка"), required=True)

    def clean_child_middle_name(self):
        return self._name("child_middle_name", _("Отчество ребёнка"), required=False)

    def clean_child_birth_date(self):
        return self._clean_date("child_birth_date", _("Дата рождения ребёнка"), required=True)

    def clean(self):
        data = super().clean()
        born, issued = data.get("child_birth_date"), data.get("issued_on")
        if born and issued and issued < born:
            self.add_error("issued_on", _("Дата выдачи: не раньше даты рождения ребёнка."))
        return data


FORMS = {
    Kind.DRIVER_LICENCE: DriverLicenceForm,
    Kind.OMS_POLICY: OmsPolicyForm,
    Kind.VEHICLE: VehicleForm,
    Kind.BIRTH_CERTIFICATE: BirthCertificateForm,
}

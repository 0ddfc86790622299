"""Validators for Russian identifiers and personal data, with Russian messages.

``check_*`` functions raise ``django.core.exceptions.ValidationError`` and return the
normalised value (digits only, E.164 phone…). ``*_check_digits`` functions compute
check digits; the sandboxes and the demo data use them to make valid numbers.
Algorithms and worked examples: shared REFERENCE.md.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NON_DIGITS = re.compile(r"[\s\-()]+")


def _digits(value: str, *, length: int | tuple[int, ...], message, code: str) -> str:
    cleaned = _NON_DIGITS.sub("", str(value or ""))
    lengths = (length,) if isinstance(length, int) else length
    if not cleaned.isdigit() or not cleaned.isascii() or len(cleaned) not in lengths:
        raise ValidationError(message, code=code)
    return cleaned


# --- СНИЛС -----------------------------------------------------------------------

SNILS_CHECK_FROM = 1001998  # the check applies only to numbers above 001-001-998


def snils_check_digits(body: str) -> str:
    """Two check digits for the first nine digits of a SNILS."""
    total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
    if total < 100:
        return f"{total:02d}"
    if total in (100, 101):
        return "00"
    rest = total % 101
    return "00" if rest == 100 else f"{rest:02d}"


def check_snils(value: str) -> str:
    """A SNILS of 11 digits whose check digits match; returns the 11 digits."""
    digits = _digits(
        value,
        length=11,
        message=_("СНИЛС должен состоять из 11 цифр: XXX-XXX-XXX YY."),
        code="snils_format",
    )
    if int(digits[:9]) > SNILS_CHECK_FROM and snils_check_digits(digits[:9]) != digits[9:]:
        raise ValidationError(
            _("СНИЛС указан с ошибкой: контрольное число не совпадает."), code="snils_checksum"
        )
    return digits


def format_snils(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"


# --- ИНН ---------------------------------------------------------------------------

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _weighted_mod11_mod10(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def inn_check_digits(body: str) -> str:
    """Check digit(s) for an INN body of 9 (organisation) or 10 (person) digits."""
    if len(body) == 9:
        return _weighted_mod11_mod10(body, _INN10_WEIGHTS)
    first = _weighted_mod11_mod10(body, _INN12_WEIGHTS_11)
    return first + _weighted_mod11_mod10(body + first, _INN12_WEIGHTS_12)


def check_inn(value: str, *, length: int | tuple[int, ...] = (10, 12)) -> str:
    """An INN of 10 (organisation) or 12 (person) digits with valid check digits."""
    lengths = (length,) if isinstance(length, int) else length
    if lengths == (12,):
        message = _("ИНН физического лица должен состоять из 12 цифр.")
    elif lengths == (10,):
        message = _("ИНН организации должен состоять из 10 цифр.")
    else:
        message = _("ИНН должен состоять из 10 или 12 цифр.")
    digits = _digits(value, length=lengths, message=message, code="inn_format")
    body_len = 9 if len(digits) == 10 else 10
    if inn_check_digits(digits[:body_len]) != digits[body_len:]:
        raise ValidationError(
            _("ИНН указан с ошибкой: контрольные цифры не совпадают."), code="inn_checksum"
        )
    return digits


def check_person_inn(value: str) -> str:
    return check_inn(value, length=12)


def check_organization_inn(value: str) -> str:
    return check_inn(value, length=10)


# --- ОГРН / ОГРНИП ---------------------------------------------------------------------


def ogrn_check_digit(body: str) -> str:
    """Check digit of an OGRN (12-digit body, mod 11) or OGRNIP (14-digit body, mod 13)."""
    modulus = 11 if len(body) == 12 else 13
    return str(int(body) % modulus % 10)


def check_ogrn(value: str) -> str:
    digits = _digits(
        value, length=13, message=_("ОГРН должен состоять из 13 цифр."), code="ogrn_format"
    )
    if ogrn_check_digit(digits[:12]) != digits[12]:
        raise ValidationError(
            _("ОГРН указан с ошибкой: контрольная цифра не совпадает."), code="ogrn_checksum"
        )
    return digits


def check_ogrnip(value: str) -> str:
    digits = _digits(
        value, length=15, message=_("ОГРНИП должен состоять из 15 цифр."), code="ogrnip_format"
    )
    if ogrn_check_digit(digits[:14]) != digits[14]:
        raise ValidationError(
            _("ОГРНИП указан с ошибкой: контрольная цифра не совпадает."), code="ogrnip_checksum"
        )
    return digits


# --- Passport ---------------------------------------------------------------------------


def check_passport_series(value: str) -> str:
    return _digits(
        value,
        length=4,
        message=_("Серия паспорта — 4 цифры, например 45 08."),
        code="passport_series",
    )


def check_passport_number(value: str) -> str:
    return _digits(
        value,
        length=6,
        message=_("Номер паспорта — 6 цифр."),
        code="passport_number",
    )


_DEPARTMENT_CODE = re.compile(r"[0-9]{3}-[0-9]{3}")


def check_department_code(value: str) -> str:
    """Код подразделения NNN-NNN (format only: REFERENCE.md says not to cross-check)."""
    value = str(value or "").strip()
    if re.fullmatch(r"[0-9]{6}", value):
        value = f"{value[:3]}-{value[3:]}"
    if not _DEPARTMENT_CODE.fullmatch(value):
        raise ValidationError(
            _("Код подразделения указывается в формате 000-000."), code="department_code"
        )
    return value


# --- УИН -----------------------------------------------------------------------------------


def uin_check_digit(body: str) -> str:
    """Check digit of a ГИС ГМП accrual id (body of 19 or 24 digits)."""

    def weighted(start: int) -> int:
        total = 0
        for position, digit in enumerate(body):
            weight = (start - 1 + position) % 10 + 1
            total += int(digit) * weight
        return total % 11

    rest = weighted(1)
    if rest == 10:
        rest = weighted(3)
        if rest == 10:
            rest = 0
    return str(rest)


def check_uin(value: str) -> str:
    digits = _digits(
        value,
        length=(20, 25),
        message=_("УИН должен состоять из 20 или 25 цифр."),
        code="uin_format",
    )
    if uin_check_digit(digits[:-1]) != digits[-1]:
        raise ValidationError(
            _("УИН указан с ошибкой: контрольная цифра не совпадает."), code="uin_checksum"
        )
    return digits


# --- Phone ------------------------------------------------------------------------------------


def normalize_phone(value: str) -> str:
    """A Russian mobile number in E.164 (+79XXXXXXXXX); 8 9XX… is accepted as +7 9XX…."""
    raw = str(value or "").strip()
    if not raw:
        raise ValidationError(_("Укажите номер мобильного телефона."), code="phone_required")
    if any(char.isalpha() for char in raw):  # phonenumbers would read letters as keypad digits
        raise ValidationError(
            _("Номер телефона указан неверно. Пример: +7 900 123-45-67."), code="phone_format"
        )
    compact = _NON_DIGITS.sub("", raw)
    if compact.startswith("8") and len(compact) == 11 and compact.isdigit():
        compact = "+7" + compact[1:]
    try:
        number = phonenumbers.parse(compact, "RU")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Номер телефона указан неверно. Пример: +7 900 123-45-67."), code="phone_format"
        ) from exc
    if number.country_code != 7 or not phonenumbers.is_valid_number_for_region(number, "RU"):
        raise ValidationError(
            _("Укажите российский номер мобильного телефона: +7 9XX XXX-XX-XX."),
            code="phone_region",
        )
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("Нужен номер мобильного телефона: на него придёт SMS с кодом."), code="phone_mobile"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    number = phonenumbers.parse(e164, "RU")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- Names -------------------------------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-zА-Яа-яЁё]+(?:[ -][A-Za-zА-Яа-яЁё]+)*$")


def check_name_part(value: str, *, label=None) -> str:
    """A surname, name or patronymic: letters, a hyphen or a space between words (REG-2)."""
    cleaned = re.sub(r"\s+", " ", str(value or "")).strip()
    what = label or _("Имя")
    if not cleaned:
        raise ValidationError(
            _("%(field)s: заполните поле.") % {"field": what}, code="name_required"
        )
    if len(cleaned) > 100:
        raise ValidationError(
            _("%(field)s: не длиннее 100 символов.") % {"field": what}, code="name_length"
        )
    if not _NAME.match(cleaned):
        raise ValidationError(
            _("%(field)s: допускаются только буквы, дефис и пробел.") % {"field": what},
            code="name_chars",
        )
    return cleaned


def check_full_name(value: str) -> str:
    """ФИО: surname and name, then any patronymic parts ("Рашид оглы"): letters, hyphens, spaces."""
    cleaned = check_name_part(value, label=_("ФИО"))
    if len(cleaned.split(" ")) < 2:
        raise ValidationError(
            _("ФИО: укажите как минимум фамилию и имя через пробел."), code="full_name_parts"
        )
    return cleaned

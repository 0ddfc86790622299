"""Validators of Russian identifiers and personal data (REFERENCE.md worked examples)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gosportal.core.validators import (
    check_department_code,
    check_full_name,
    check_inn,
    check_name_part,
    check_ogrn,
    check_ogrnip,
    check_organization_inn,
    check_passport_number,
    check_passport_series,
    check_person_inn,
    check_snils,
    check_uin,
    format_snils,
    inn_check_digits,
    normalize_phone,
    ogrn_check_digit,
    snils_check_digits,
    uin_check_digit,
)

EXAMPLES = settings(max_examples=200, deadline=None)


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def refusal(check, value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(value, **kwargs)
    return caught.value


def digit_strings(length: int, *, first: str = "0123456789"):
    return st.tuples(
        st.sampled_from(first), st.text("0123456789", min_size=length - 1, max_size=length - 1)
    ).map("".join)


def other_digit(data, digit: str) -> str:
    return data.draw(st.sampled_from([d for d in "0123456789" if d != digit]))


def replace_at(value: str, position: int, digit: str) -> str:
    return value[:position] + digit + value[position + 1 :]


# --- СНИЛС ----------------------------------------------------------------------------

CHECKED_SNILS_BODIES = st.integers(1_001_999, 999_999_999).map(lambda n: f"{n:09d}")


def reference_snils_check(body: str) -> str:
    """REFERENCE.md, written out independently of the code under test."""
    total = sum(int(digit) * (9 - i) for i, digit in enumerate(body))
    if total < 100:
        return str(total).zfill(2)
    if total in (100, 101):
        return "00"
    rest = total % 101
    return "00" if rest == 100 else str(rest).zfill(2)


@pytest.mark.parametrize(
    ("value", "digits"),
    [("112-233-445 95", "11223344595"), ("123-456-789 64", "12345678964")],
)
def test_snils_worked_examples_are_valid(value, digits):
    assert check_snils(value) == digits


@pytest.mark.parametrize(("body", "check"), [("112233445", "95"), ("123456789", "64")])
def test_snils_check_digits_of_worked_examples(body, check):
    assert snils_check_digits(body) == check


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("001019996", "99"),  # S = 99: the sum itself
        ("001019989", "00"),  # S = 100
        ("001029985", "00"),  # S = 101
        ("001028998", "01"),  # S = 102: 102 mod 101
        ("003998986", "00"),  # S = 201: 201 mod 101 = 100 → "00"
    ],
)
def test_snils_check_digits_at_the_boundaries_of_the_rule(body, check):
    assert snils_check_digits(body) == check
    assert check_snils(body + check) == body + check


def test_snils_with_wrong_check_digits_is_refused():
    error = refusal(check_snils, "112-233-445 96")
    assert error.code == "snils_checksum"
    assert error.messages == ["СНИЛС указан с ошибкой: контрольное число не совпадает."]


@pytest.mark.parametrize("value", ["001-001-998 00", "001-001-998 42", "000-000-001 99"])
def test_snils_up_to_001_001_998_is_not_checked(value):
    assert check_snils(value) == value.replace("-", "").replace(" ", "")


def test_snils_from_001_001_999_is_checked():
    assert check_snils("001-001-999 65") == "00100199965"
    assert refusal(check_snils, "001-001-999 00").code == "snils_checksum"


@pytest.mark.parametrize("value", ["112-233-445 9", "112-233-445 955", "112-233-44A 95", "", None])
def test_snils_of_other_than_11_digits_is_refused(value):
    error = refusal(check_snils, value)
    assert error.code == "snils_format"
    assert error.messages == ["СНИЛС должен состоять из 11 цифр: XXX-XXX-XXX YY."]


@EXAMPLES
@given(CHECKED_SNILS_BODIES)
def test_snils_check_digits_follow_the_reference_rule(body):
    assert snils_check_digits(body) == reference_snils_check(body)


@EXAMPLES
@given(CHECKED_SNILS_BODIES)
def test_generated_snils_is_valid_in_display_form(body):
    digits = body + snils_check_digits(body)
    assert check_snils(format_snils(digits)) == digits


@EXAMPLES
@given(CHECKED_SNILS_BODIES, st.sampled_from([9, 10]), st.data())
def test_snils_with_a_corrupted_check_digit_is_refused(body, position, data):
    valid = body + snils_check_digits(body)
    corrupted = replace_at(valid, position, other_digit(data, valid[position]))
    assert refusal(check_snils, corrupted).code == "snils_checksum"


@EXAMPLES
@given(CHECKED_SNILS_BODIES, st.integers(0, 8), st.data())
def test_snils_with_a_corrupted_body_digit_is_refused_when_the_checksum_changes(
    body, position, data
):
    valid = body + snils_check_digits(body)
    corrupted = replace_at(valid, position, other_digit(data, valid[position]))
    assume(int(corrupted[:9]) > 1_001_998)
    assume(snils_check_digits(corrupted[:9]) != valid[9:])
    assert refusal(check_snils, corrupted).code == "snils_checksum"


# --- ИНН ------------------------------------------------------------------------------


def reference_inn_check(body: str) -> str:
    """REFERENCE.md, written out independently of the code under test."""

    def check_digit(digits: str, weights: list[int]) -> str:
        return str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)

    if len(body) == 9:
        return check_digit(body, [2, 4, 10, 3, 5, 9, 4, 6, 8])
    eleventh = check_digit(body, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return eleventh + check_digit(body + eleventh, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])


@pytest.mark.parametrize("value", ["7707083893", "500100732259"])
def test_inn_worked_examples_are_valid(value):
    assert check_inn(value) == value


@pytest.mark.parametrize(("body", "check"), [("770708389", "3"), ("5001007322", "59")])
def test_inn_check_digits_of_worked_examples(body, check):
    assert inn_check_digits(body) == check


@pytest.mark.parametrize("value", ["7707083894", "500100732258", "500100732249"])
def test_inn_with_a_wrong_check_digit_is_refused(value):
    error = refusal(check_inn, value)
    assert error.code == "inn_checksum"
    assert error.messages == ["ИНН указан с ошибкой: контрольные цифры не совпадают."]


@pytest.mark.parametrize("value", ["770708389", "77070838931", "5001007322591", "77070838A3"])
def test_inn_of_other_than_10_or_12_digits_is_refused(value):
    error = refusal(check_inn, value)
    assert error.code == "inn_format"
    assert error.messages == ["ИНН должен состоять из 10 или 12 цифр."]


def test_person_inn_must_have_12_digits():
    assert check_person_inn("500100732259") == "500100732259"
    error = refusal(check_person_inn, "7707083893")
    assert error.code == "inn_format"
    assert error.messages == ["ИНН физического лица должен состоять из 12 цифр."]


def test_organization_inn_must_have_10_digits():
    assert check_organization_inn("7707083893") == "7707083893"
    error = refusal(check_organization_inn, "500100732259")
    assert error.code == "inn_format"
    assert error.messages == ["ИНН организации должен состоять из 10 цифр."]


@EXAMPLES
@given(st.sampled_from([9, 10]).flatmap(digit_strings))
def test_inn_check_digits_follow_the_reference_rule(body):
    assert inn_check_digits(body) == reference_inn_check(body)


@EXAMPLES
@given(st.sampled_from([9, 10]).flatmap(digit_strings))
def test_generated_inn_is_valid(body):
    assert check_inn(body + inn_check_digits(body)) == body + inn_check_digits(body)


@EXAMPLES
@given(st.sampled_from([9, 10]).flatmap(digit_strings), st.data())
def test_inn_with_a_corrupted_check_digit_is_refused(body, data):
    valid = body + inn_check_digits(body)
    position = data.draw(st.integers(len(body), len(valid) - 1))
    corrupted = replace_at(valid, position, other_digit(data, valid[position]))
    assert refusal(check_inn, corrupted).code == "inn_checksum"


# --- ОГРН / ОГРНИП -----------------------------------------------------------------------


def test_ogrn_worked_example_is_valid():
    assert check_ogrn("1027700132195") == "1027700132195"
    assert ogrn_check_digit("102770013219") == "5"


def test_ogrn_with_a_wrong_check_digit_is_refused():
    error = refusal(check_ogrn, "1027700132196")
    assert error.code == "ogrn_checksum"
    assert error.messages == ["ОГРН указан с ошибкой: контрольная цифра не совпадает."]


@pytest.mark.parametrize("value", ["102770013219", "10277001321950", "304500116000157"])
def test_ogrn_of_other_than_13_digits_is_refused(value):
    assert refusal(check_ogrn, value).code == "ogrn_format"


def test_ogrnip_worked_example_is_valid():
    assert check_ogrnip("304500116000157") == "304500116000157"
    assert ogrn_check_digit("30450011600015") == "7"


def test_ogrnip_with_a_wrong_check_digit_is_refused():
    error = refusal(check_ogrnip, "304500116000158")
    assert error.code == "ogrnip_checksum"
    assert error.messages == ["ОГРНИП указан с ошибкой: контрольная цифра не совпадает."]


@pytest.mark.parametrize("value", ["30450011600015", "1027700132195"])
def test_ogrnip_of_other_than_15_digits_is_refused(value):
    assert refusal(check_ogrnip, value).code == "ogrnip_format"


@EXAMPLES
@given(digit_strings(12))
def test_ogrn_check_digit_is_the_body_mod_11_mod_10(body):
    assert ogrn_check_digit(body) == str(int(body) % 11 % 10)


@EXAMPLES
@given(digit_strings(14))
def test_ogrnip_check_digit_is_the_body_mod_13_mod_10(body):
    assert ogrn_check_digit(body) == str(int(body) % 13 % 10)


@EXAMPLES
@given(digit_strings(12), st.data())
def test_ogrn_with_a_corrupted_check_digit_is_refused(body, data):
    valid = body + ogrn_check_digit(body)
    assert check_ogrn(valid) == valid
    corrupted = body + other_digit(data, valid[-1])
    assert refusal(check_ogrn, corrupted).code == "ogrn_checksum"


@EXAMPLES
@given(digit_strings(14), st.data())
def test_ogrnip_with_a_corrupted_check_digit_is_refused(body, data):
    valid = body + ogrn_check_digit(body)
    assert check_ogrnip(valid) == valid
    corrupted = body + other_digit(data, valid[-1])
    assert refusal(check_ogrnip, corrupted).code == "ogrnip_checksum"


# --- УИН -----------------------------------------------------------------------------------

UIN_BODIES = st.sampled_from([19, 24]).flatmap(digit_strings)


def reference_uin_check(body: str) -> str:
    """REFERENCE.md, written out independently of the code under test."""

    def remainder(weights: list[int]) -> int:
        return sum(int(d) * w for d, w in zip(body, weights * 3, strict=False)) % 11

    first = remainder(list(range(1, 11)))
    if first != 10:
        return str(first)
    second = remainder([*range(3, 11), 1, 2])
    return "0" if second == 10 else str(second)


def test_uin_worked_example_is_valid():
    assert check_uin("18887717033050384868") == "18887717033050384868"


def test_uin_check_digit_falls_back_to_weights_from_3():
    assert uin_check_digit("1881017718000010013") == "6"
    assert check_uin("18810177180000100136") == "18810177180000100136"


def test_uin_check_digit_is_0_when_both_passes_give_10():
    assert uin_check_digit("1884868869947428792") == "0"


def test_uin_with_a_wrong_check_digit_is_refused():
    error = refusal(check_uin, "18887717033050384869")
    assert error.code == "uin_checksum"
    assert error.messages == ["УИН указан с ошибкой: контрольная цифра не совпадает."]


@pytest.mark.parametrize("value", ["1888771703305038486", "188877170330503848681", "1" * 24])
def test_uin_of_other_than_20_or_25_digits_is_refused(value):
    error = refusal(check_uin, value)
    assert error.code == "uin_format"
    assert error.messages == ["УИН должен состоять из 20 или 25 цифр."]


@EXAMPLES
@given(UIN_BODIES)
def test_uin_check_digit_follows_the_reference_rule(body):
    assert uin_check_digit(body) == reference_uin_check(body)


@EXAMPLES
@given(UIN_BODIES)
def test_generated_uin_is_valid(body):
    valid = body + uin_check_digit(body)
    assert check_uin(valid) == valid


@EXAMPLES
@given(UIN_BODIES, st.data())
def test_uin_with_a_corrupted_check_digit_is_refused(body, data):
    corrupted = body + other_digit(data, uin_check_digit(body))
    assert refusal(check_uin, corrupted).code == "uin_checksum"


@EXAMPLES
@given(UIN_BODIES, st.data())
def test_uin_with_a_corrupted_body_digit_is_refused_when_the_check_digit_changes(body, data):
    valid = body + uin_check_digit(body)
    position = data.draw(st.integers(0, len(body) - 1))
    corrupted = replace_at(valid, position, other_digit(data, valid[position]))
    assume(uin_check_digit(corrupted[:-1]) != valid[-1])
    assert refusal(check_uin, corrupted).code == "uin_checksum"


# --- Passport ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["45 08", "4508", "45-08"])
def test_passport_series_is_four_digits(value):
    assert check_passport_series(value) == "4508"


@pytest.mark.parametrize("value", ["450", "45081", "45O8", "", None])
def test_passport_series_of_other_than_four_digits_is_refused(value):
    error = refusal(check_passport_series, value)
    assert error.code == "passport_series"
    assert error.messages == ["Серия паспорта — 4 цифры, например 45 08."]


@pytest.mark.parametrize("value", ["123456", "123 456"])
def test_passport_number_is_six_digits(value):
    assert check_passport_number(value) == "123456"


@pytest.mark.parametrize("value", ["12345", "1234567", "12345б", ""])
def test_passport_number_of_other_than_six_digits_is_refused(value):
    error = refusal(check_passport_number, value)
    assert error.code == "passport_number"
    assert error.messages == ["Номер паспорта — 6 цифр."]


@pytest.mark.parametrize("value", ["770-001", "770001", " 770-001 "])
def test_department_code_is_normalised_to_nnn_nnn(value):
    assert check_department_code(value) == "770-001"


@pytest.mark.parametrize("value", ["77-0001", "770-0011", "7700011", "770 001", "ААА-БББ", ""])
def test_department_code_in_another_format_is_refused(value):
    error = refusal(check_department_code, value)
    assert error.code == "department_code"
    assert error.messages == ["Код подразделения указывается в формате 000-000."]


@pytest.mark.parametrize("value", ["٧٧٠-٠٠١", "٧٧٠٠٠١"])
def test_department_code_of_non_ascii_digits_is_refused(value):
    assert refusal(check_department_code, value).code == "department_code"


# --- Phone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "8 916 123-45-67",
        "89161234567",
        "8 (916) 123-45-67",
        "+7 916 123-45-67",
        "+7 (916) 123 45 67",
        "+79161234567",
        "  +7 916 1234567  ",
    ],
)
def test_russian_mobile_number_is_normalised_to_e164(value):
    assert normalize_phone(value) == "+79161234567"


@pytest.mark.parametrize("value", ["+7 495 123-45-67", "8 (495) 123-45-67", "8 800 555-35-35"])
def test_landline_number_is_refused(value):
    error = refusal(normalize_phone, value)
    assert error.code == "phone_mobile"
    assert error.messages == ["Нужен номер мобильного телефона: на него придёт SMS с кодом."]


@pytest.mark.parametrize("value", ["+44 7911 123456", "+380 50 123 4567", "+1 202 555 0143"])
def test_foreign_number_is_refused(value):
    error = refusal(normalize_phone, value)
    assert error.code == "phone_region"
    assert error.messages == ["Укажите российский номер мобильного телефона: +7 9XX XXX-XX-XX."]


@pytest.mark.parametrize("value", ["+7 916 123-45-678", "+7 916 123-45", "12345"])
def test_number_of_wrong_length_is_refused(value):
    assert refusal(normalize_phone, value).code == "phone_region"


@pytest.mark.parametrize("value", ["abc", "телефон", "+"])
def test_garbage_instead_of_a_number_is_refused(value):
    error = refusal(normalize_phone, value)
    assert error.code == "phone_format"
    assert error.messages == ["Номер телефона указан неверно. Пример: +7 900 123-45-67."]


def test_number_with_letters_is_refused():
    refusal(normalize_phone, "8 916 ABC-DE-FG")


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_phone_is_refused(value):
    error = refusal(normalize_phone, value)
    assert error.code == "phone_required"
    assert error.messages == ["Укажите номер мобильного телефона."]


# --- Names ---------------------------------------------------------------------------------

CYRILLIC_WORDS = st.text(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ", min_size=1, max_size=20
)


@pytest.mark.parametrize(
    "value",
    [
        "Иванов Иван Иванович",
        "Салтыков-Щедрин Михаил Евграфович",
        "Ёлкина Алёна",
        "Ivanova Anna",
        "Мамедов Эльдар Рашид оглы",
    ],
)
def test_full_name_of_letters_hyphens_and_spaces_is_accepted(value):
    assert check_full_name(value) == value


def test_full_name_spaces_are_collapsed():
    assert check_full_name("  Иванов   Иван\tИванович ") == "Иванов Иван Иванович"


@pytest.mark.parametrize(
    "value",
    [
        "Иванов Иван 2",
        "Иванов1 Иван",
        "Иванов_Иван Иванович",
        "Иванов Иван!",
        "O'Brien John",
        "Иванов Иван.",
        "Иванов - Иван",
        "Иванов--Петров Иван",
        "-Иванов Иван",
    ],
)
def test_full_name_with_digits_or_symbols_is_refused(value):
    error = refusal(check_full_name, value)
    assert error.code == "name_chars"
    assert error.messages == ["ФИО: допускаются только буквы, дефис и пробел."]


@pytest.mark.parametrize("value", ["Иванов", "Салтыков-Щедрин"])
def test_full_name_needs_at_least_surname_and_name(value):
    error = refusal(check_full_name, value)
    assert error.code == "full_name_parts"
    assert error.messages == ["ФИО: укажите как минимум фамилию и имя через пробел."]


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_full_name_is_refused(value):
    error = refusal(check_full_name, value)
    assert error.code == "name_required"
    assert error.messages == ["ФИО: заполните поле."]


def test_full_name_longer_than_100_characters_is_refused():
    assert refusal(check_full_name, "Иванов " + "И" * 94).code == "name_length"
    assert check_full_name("Иванов " + "И" * 93) == "Иванов " + "И" * 93


def test_name_part_message_names_the_field():
    error = refusal(check_name_part, "Иван1", label="Имя")
    assert error.messages == ["Имя: допускаются только буквы, дефис и пробел."]


@EXAMPLES
@given(st.lists(CYRILLIC_WORDS, min_size=2, max_size=4))
def test_any_words_of_letters_make_a_full_name(words):
    full_name = " ".join(words)
    assume(len(full_name) <= 100)
    assert check_full_name(full_name) == full_name


@EXAMPLES
@given(st.lists(CYRILLIC_WORDS, min_size=2, max_size=3), st.sampled_from("0123456789_.,!@№"))
def test_a_digit_or_symbol_anywhere_in_a_full_name_is_refused(words, symbol):
    full_name = " ".join(words)
    assume(len(full_name) < 100)
    for position in (0, len(words[0]), len(full_name)):
        damaged = full_name[:position] + symbol + full_name[position:]
        assert refusal(check_full_name, damaged).code == "name_chars"

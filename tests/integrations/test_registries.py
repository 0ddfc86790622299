"""REG-2: the sandbox МВД, СФР and ФНС registries answer like the real ones."""

import datetime

import pytest

from gosportal.integrations.registries import sandbox
from gosportal.integrations.registries.base import (
    RegistryAnswer,
    RegistryUnavailable,
    get_registry_gateway,
)

pytestmark = pytest.mark.django_db

IVAN = {
    "last_name": "Петров",
    "first_name": "Иван",
    "middle_name": "Сергеевич",
    "birth_date": datetime.date(1985, 3, 14),
}
ALENA = {
    "last_name": "Фёдорова",
    "first_name": "Алёна",
    "middle_name": "Петровна",
    "birth_date": datetime.date(1992, 7, 1),
}


@pytest.fixture
def gateway():
    sandbox.load_test_people()
    return get_registry_gateway()


def test_the_configured_gateway_is_the_sandbox(gateway):
    assert isinstance(gateway, sandbox.SandboxRegistryGateway)


def test_load_test_people_is_idempotent(gateway):
    from gosportal.integrations.models import SandboxPerson

    sandbox.load_test_people()
    assert SandboxPerson.objects.count() == len(sandbox.TEST_PEOPLE)


def test_passport_of_the_person_is_confirmed(gateway):
    answer = gateway.check_passport(series="4510", number="123456", **IVAN)
    assert answer == RegistryAnswer(ok=True)


def test_unknown_passport_is_a_mismatch_on_the_number(gateway):
    answer = gateway.check_passport(series="4510", number="999999", **IVAN)
    assert (answer.ok, answer.field, answer.message) == (
        False,
        "passport_number",
        "Паспорт с такими серией и номером не найден",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("last_name", "Петровский"),
        ("first_name", "Пётр"),
        ("middle_name", "Иванович"),
        ("birth_date", datetime.date(1985, 3, 15)),
    ],
)
def test_passport_of_someone_else_names_the_differing_field(gateway, field, value):
    answer = gateway.check_passport(series="4510", number="123456", **{**IVAN, field: value})
    assert (answer.ok, answer.field) == (False, field)
    assert answer.message


def test_the_first_differing_field_is_named(gateway):
    person = {**IVAN, "first_name": "Пётр", "birth_date": datetime.date(2000, 1, 1)}
    answer = gateway.check_passport(series="4510", number="123456", **person)
    assert answer.field == "first_name"


def test_names_compare_case_insensitive_with_yo_equal_to_ye(gateway):
    person = {**ALENA, "last_name": "ФЕДОРОВА", "first_name": "алена"}
    assert gateway.check_passport(series="4511", number="234567", **person).ok
    assert gateway.check_snils(snils="12345678964", **person).ok
    assert gateway.check_inn(inn="500123456750", **person).ok


def test_invalid_passport_is_a_mismatch_on_the_number(gateway):
    answer = gateway.check_passport(
        series="4512",
        number="345678",
        last_name="Сидоров",
        first_name="Олег",
        middle_name="Иванович",
        birth_date=datetime.date(1970, 11, 5),
    )
    assert (answer.ok, answer.field, answer.message) == (
        False,
        "passport_number",
        "Паспорт недействителен (в списке недействительных паспортов МВД)",
    )


def test_snils_of_the_person_is_confirmed(gateway):
    assert gateway.check_snils(snils="11223344595", **IVAN).ok


def test_snils_of_another_person_is_a_mismatch_on_snils(gateway):
    answer = gateway.check_snils(snils="12345678964", **IVAN)
    assert (answer.ok, answer.field) == (False, "snils")


def test_unknown_snils_is_a_mismatch_on_snils(gateway):
    answer = gateway.check_snils(snils="45678901238", **IVAN)
    assert (answer.ok, answer.field) == (False, "snils")


def test_inn_of_the_person_is_confirmed(gateway):
    assert gateway.check_inn(inn="770712345633", **IVAN).ok


def test_inn_of_another_person_is_a_mismatch_on_inn(gateway):
    answer = gateway.check_inn(inn="500123456750", **IVAN)
    assert (answer.ok, answer.field) == (False, "inn")


def test_unknown_inn_is_a_mismatch_on_inn(gateway):
    answer = gateway.check_inn(inn="540012345619", **IVAN)
    assert (answer.ok, answer.field) == (False, "inn")


def test_inn_is_found_by_passport(gateway):
    assert gateway.find_inn(series="4510", number="123456", **IVAN) == "770712345633"
    assert gateway.find_inn(series="4510", number="999999", **IVAN) is None


def test_magic_last_name_makes_every_registry_unavailable(gateway):
    person = {**IVAN, "last_name": "Недоступнов"}
    with pytest.raises(RegistryUnavailable):
        gateway.check_passport(series="4513", number="456789", **person)
    with pytest.raises(RegistryUnavailable):
        gateway.check_snils(snils="34567890123", **person)
    with pytest.raises(RegistryUnavailable):
        gateway.check_inn(inn="770712345633", **person)
    with pytest.raises(RegistryUnavailable):
        gateway.find_inn(series="4513", number="456789", **person)

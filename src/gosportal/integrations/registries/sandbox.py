"""Sandbox registries: МВД, СФР and ФНС answer from the ``SandboxPerson`` table.

Test people (docs/sandbox.md, «Реестры») are listed in ``TEST_PEOPLE`` and loaded by
``load_test_people()`` (``manage.py load_demo`` does it). Names compare as the
registries do: case-insensitive, «ё» equal to «е». A person with the last name
«Недоступнов» is the magic outage: every registry raises ``RegistryUnavailable``
for them, so retries can be seen. The sandbox answers at once; the delay a person
sees comes from the checks running as background tasks.
"""

import datetime

from django.utils.translation import gettext as _

from gosportal.integrations.models import SandboxPerson
from gosportal.integrations.registries.base import RegistryAnswer, RegistryUnavailable

OUTAGE_LAST_NAME = "Недоступнов"

# The people the sandbox registries know (docs/sandbox.md). SNILS and INN with valid
# check digits.
TEST_PEOPLE = [
    {
        "last_name": "Петров",
        "first_name": "Иван",
        "middle_name": "Сергеевич",
        "birth_date": datetime.date(1985, 3, 14),
        "passport_series": "4510",
        "passport_number": "123456",
        "snils": "11223344595",
        "inn": "770712345633",
    },
    {
        "last_name": "Фёдорова",
        "first_name": "Алёна",
        "middle_name": "Петровна",
        "birth_date": datetime.date(1992, 7, 1),
        "passport_series": "4511",
        "passport_number": "234567",
        "snils": "12345678964",
        "inn": "500123456750",
    },
    {
        "last_name": "Сидоров",
        "first_name": "Олег",
        "middle_name": "Иванович",
        "birth_date": datetime.date(1970, 11, 5),
        "passport_series": "4512",
        "passport_number": "345678",
        "passport_valid": False,
        "snils": "23456789099",
        "inn": "780123456724",
    },
    {
        "last_name": OUTAGE_LAST_NAME,
        "first_name": "Николай",
        "middle_name": "Петрович",
        "birth_date": datetime.date(1980, 1, 20),
        "passport_series": "4513",
        "passport_number": "456789",
        "snils": "34567890123",
        "inn": "",
    },
]

_NAME_FIELDS = ("last_name", "first_name", "middle_name")


def load_test_people() -> int:
    """Create or refresh the test people of ``TEST_PEOPLE``; returns how many."""
    for person in TEST_PEOPLE:
        defaults = {"passport_valid": True, **person}
        SandboxPerson.objects.update_or_create(
            passport_series=defaults.pop("passport_series"),
            passport_number=defaults.pop("passport_number"),
            defaults=defaults,
        )
    return len(TEST_PEOPLE)


def _same_name(left: str, right: str) -> bool:
    def norm(value: str) -> str:
        return " ".join(value.split()).casefold().replace("ё", "е")

    return norm(left) == norm(right)


def _field_messages() -> dict[str, str]:
    return {
        "last_name": _("Фамилия не совпадает с данными реестра"),
        "first_name": _("Имя не совпадает с данными реестра"),
        "middle_name": _("Отчество не совпадает с данными реестра"),
        "birth_date": _("Дата рождения не совпадает с данными реестра"),
    }


def _compare(person: SandboxPerson, **given) -> RegistryAnswer:
    """The first of the person's name fields and birth date that differs, if any."""
    for field in _NAME_FIELDS:
        if not _same_name(getattr(person, field), given[field] or ""):
            return RegistryAnswer(ok=False, field=field, message=_field_messages()[field])
    if person.birth_date != given["birth_date"]:
        return RegistryAnswer(ok=False, field="birth_date", message=_field_messages()["birth_date"])
    return RegistryAnswer(ok=True)


def _check_available(**given) -> None:
    if _same_name(given.get("last_name") or "", OUTAGE_LAST_NAME):
        raise RegistryUnavailable("sandbox registry outage (magic last name)")


class SandboxRegistryGateway:
    def check_passport(
        self, *, series, number, last_name, first_name, middle_name, birth_date
    ) -> RegistryAnswer:
        names = {
            "last_name": last_name,
            "first_name": first_name,
            "middle_name": middle_name,
            "birth_date": birth_date,
        }
        _check_available(**names)
        person = SandboxPerson.objects.filter(
            passport_series=series, passport_number=number
        ).first()
        if person is None:
            return RegistryAnswer(
                ok=False,
                field="passport_number",
                message=_("Паспорт с такими серией и номером не найден"),
            )
        if not person.passport_valid:
            return RegistryAnswer(
                ok=False,
                field="passport_number",
                message=_("Паспорт недействителен (в списке недействительных паспортов МВД)"),
            )
        return _compare(person, **names)

    def check_snils(
        self, *, snils, last_name, first_name, middle_name, birth_date
    ) -> RegistryAnswer:
        names = {
            "last_name": last_name,
            "first_name": first_name,
            "middle_name": middle_name,
            "birth_date": birth_date,
        }
        _check_available(**names)
        person = SandboxPerson.objects.filter(snils=snils).exclude(snils="").first()
        if person is None:
            return RegistryAnswer(
                ok=False, field="snils", message=_("СНИЛС не найден в реестре СФР")
            )
        answer = _compare(person, **names)
        if not answer.ok:
            return RegistryAnswer(
                ok=False, field="snils", message=_("СНИЛС принадлежит другому человеку")
            )
        return answer

    def check_inn(self, *, inn, last_name, first_name, middle_name, birth_date) -> RegistryAnswer:
        names = {
            "last_name": last_name,
            "first_name": first_name,
            "middle_name": middle_name,
            "birth_date": birth_date,
        }
        _check_available(**names)
        person = SandboxPerson.objects.filter(inn=inn).exclude(inn="").first()
        if person is None:
            return RegistryAnswer(ok=False, field="inn", message=_("ИНН не найден в реестре ФНС"))
        answer = _compare(person, **names)
        if not answer.ok:
            return RegistryAnswer(
                ok=False, field="inn", message=_("ИНН принадлежит другому человеку")
            )
        return answer

    def find_inn(
        self, *, series, number, last_name, first_name, middle_name, birth_date
    ) -> str | None:
        names = {
            "last_name": last_name,
            "first_name": first_name,
            "middle_name": middle_name,
            "birth_date": birth_date,
        }
        _check_available(**names)
        person = SandboxPerson.objects.filter(
            passport_series=series, passport_number=number
        ).first()
        if person is None or not person.inn or not _compare(person, **names).ok:
            return None
        return person.inn

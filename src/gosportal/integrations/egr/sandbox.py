"""Sandbox ЕГРИП: answers from the fixed list ``TEST_ENTREPRENEURS`` (docs/sandbox.md).

The list needs no tables: it is the register's content, the same on every run. Names
and INNs match the sandbox registry people (``integrations.registries.sandbox``), so
the demo citizen Иван Петров can register his own entrepreneur. ``OUTAGE_OGRNIP`` is
the magic outage: asking for it raises ``EgrUnavailable``. Any other well-formed
ОГРНИП is simply not in the register.
"""

import datetime

from gosportal.integrations.egr.base import EgrUnavailable, EntrepreneurRecord

OUTAGE_OGRNIP = "324710000999996"

_A, _C = EntrepreneurRecord.ACTIVE, EntrepreneurRecord.CLOSED

# ОГРНИП with valid check digits; INNs of the sandbox registry people.
TEST_ENTREPRENEURS = [
    # Иван Петров (the demo citizen): an active entrepreneur in Moscow ...
    EntrepreneurRecord(
        ogrnip="321770000123456",
        inn="770712345633",
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        registered_on=datetime.date(2021, 3, 15),
        status=_A,
        closed_on=None,
        region_code="77",
        region_name="г. Москва",
        okved_code="62.01",
        okved_name="Разработка компьютерного программного обеспечения",
    ),
    # ... and his earlier business, closed in 2019.
    EntrepreneurRecord(
        ogrnip="315770000678904",
        inn="770712345633",
        last_name="Петров",
        first_name="Иван",
        middle_name="Сергеевич",
        registered_on=datetime.date(2015, 6, 2),
        status=_C,
        closed_on=datetime.date(2019, 12, 20),
        region_code="77",
        region_name="г. Москва",
        okved_code="47.91",
        okved_name=(
            "Торговля розничная по почте или по информационно-коммуникационной сети Интернет"
        ),
    ),
    EntrepreneurRecord(
        ogrnip="321500000234563",
        inn="500123456750",
        last_name="Фёдорова",
        first_name="Алёна",
        middle_name="Петровна",
        registered_on=datetime.date(2021, 9, 1),
        status=_A,
        closed_on=None,
        region_code="50",
        region_name="Московская область",
        okved_code="96.02",
        okved_name="Предоставление услуг парикмахерскими и салонами красоты",
    ),
    EntrepreneurRecord(
        ogrnip="310780000345675",
        inn="780123456724",
        last_name="Сидоров",
        first_name="Олег",
        middle_name="Иванович",
        registered_on=datetime.date(2010, 2, 10),
        status=_C,
        closed_on=datetime.date(2022, 8, 31),
        region_code="78",
        region_name="г. Санкт-Петербург",
        okved_code="49.41",
        okved_name="Деятельность автомобильного грузового транспорта",
    ),
]

_BY_OGRNIP = {record.ogrnip: record for record in TEST_ENTREPRENEURS}


class SandboxEgrGateway:
    def find_entrepreneur(self, *, ogrnip: str) -> EntrepreneurRecord | None:
        if ogrnip == OUTAGE_OGRNIP:
            raise EgrUnavailable("sandbox ЕГРИП outage (magic ОГРНИП)")
        return _BY_OGRNIP.get(ogrnip)

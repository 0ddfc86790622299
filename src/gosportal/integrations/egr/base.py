"""The ФНС state registers of entrepreneurs and legal entities (ЕГРИП / ЕГРЮЛ), REG-5.

The portal asks the register for one record by its registration number (ОГРНИП of an
entrepreneur) and compares what comes back with the person's own data; the register
never decides who may do what on the portal. An outage is ``EgrUnavailable``: the
same request may succeed later.
"""

import datetime
from dataclasses import dataclass
from typing import Protocol


class EgrUnavailable(Exception):
    """The register did not answer; the same request may succeed later."""


@dataclass(frozen=True)
class EntrepreneurRecord:
    """One entry of ЕГРИП as the register states it (status «active» or «closed»)."""

    ogrnip: str
    inn: str  # the person's INN, 12 digits
    last_name: str
    first_name: str
    middle_name: str
    registered_on: datetime.date
    status: str  # "active" | "closed" (прекратил деятельность)
    closed_on: datetime.date | None
    region_code: str  # two digits, e.g. "77"
    region_name: str
    okved_code: str  # main activity, ОКВЭД 2
    okved_name: str

    ACTIVE = "active"
    CLOSED = "closed"

    @property
    def is_active(self) -> bool:
        return self.status == self.ACTIVE


class EgrGateway(Protocol):
    def find_entrepreneur(self, *, ogrnip: str) -> EntrepreneurRecord | None:
        """ЕГРИП: the entry with this ОГРНИП (15 digits), or None when there is none.

        Raises ``EgrUnavailable`` when the register does not answer.
        """
        ...


def get_egr_gateway() -> EgrGateway:
    from gosportal.integrations import adapter

    return adapter("EGR_GATEWAY")

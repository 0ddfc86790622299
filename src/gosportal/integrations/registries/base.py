"""The registries' interface (REG-2): МВД checks a passport, СФР a SNILS, ФНС an INN.

Each check compares the document with the person's name and date of birth and answers
``RegistryAnswer``; a mismatch names the profile field at fault. An outage is
``RegistryUnavailable``, which is temporary: the caller retries later.
"""

import datetime
from dataclasses import dataclass
from typing import Protocol


class RegistryUnavailable(Exception):
    """The registry did not answer; the same request may succeed later."""


@dataclass(frozen=True)
class RegistryAnswer:
    ok: bool
    field: str = ""  # the profile field that does not match, when not ok
    message: str = ""  # for the person, in Russian


class RegistryGateway(Protocol):
    def check_passport(
        self,
        *,
        series: str,
        number: str,
        last_name: str,
        first_name: str,
        middle_name: str,
        birth_date: datetime.date,
    ) -> RegistryAnswer:
        """МВД: is the passport valid and issued to this person?"""
        ...

    def check_snils(
        self,
        *,
        snils: str,
        last_name: str,
        first_name: str,
        middle_name: str,
        birth_date: datetime.date,
    ) -> RegistryAnswer:
        """СФР: does the SNILS (11 digits) belong to this person?"""
        ...

    def check_inn(
        self,
        *,
        inn: str,
        last_name: str,
        first_name: str,
        middle_name: str,
        birth_date: datetime.date,
    ) -> RegistryAnswer:
        """ФНС: does the INN (12 digits) belong to this person?"""
        ...

    def find_inn(
        self,
        *,
        series: str,
        number: str,
        last_name: str,
        first_name: str,
        middle_name: str,
        birth_date: datetime.date,
    ) -> str | None:
        """ФНС: the person's INN found by passport data, or None when there is none."""
        ...


def get_registry_gateway() -> RegistryGateway:
    from gosportal.integrations import adapter

    return adapter("REGISTRY_GATEWAY")

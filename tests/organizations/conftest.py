"""People for the organisations tests: they match the sandbox ЕГРИП entries."""

import datetime

import pytest
from django.utils import timezone

from gosportal.profiles.checks import data_hash
from gosportal.profiles.models import Profile, RegistryCheck
from tests.factories import UserFactory

IVAN_ACTIVE_OGRNIP = "321770000123456"  # Петров Иван Сергеевич, active
IVAN_CLOSED_OGRNIP = "315770000678904"  # his earlier business, closed 20.12.2019
ALENA_OGRNIP = "321500000234563"  # Фёдорова Алёна Петровна, active
OUTAGE_OGRNIP = "324710000999996"
UNKNOWN_OGRNIP = "323770000543210"  # valid check digit, not in the register


def pass_fns_check(user, *, registry=RegistryCheck.Registry.FNS):
    """ФНС confirmed the INN and name stored now (REG-2), as after a real check."""
    profile = Profile.objects.get(user=user)
    return RegistryCheck.objects.create(
        user=user,
        registry=registry,
        status=RegistryCheck.Status.PASSED,
        data_hash=data_hash(profile, registry),
        completed_at=timezone.now(),
    )


def make_person(*, level="confirmed", inn="770712345633", inn_checked=True, **names):
    """A user with «Мои данные» filled in as the sandbox registry person Иван Петров,
    whose INN ФНС has confirmed (unless ``inn_checked`` is false)."""
    user = UserFactory(level=level)
    Profile.objects.create(
        user=user,
        last_name=names.get("last_name", "Петров"),
        first_name=names.get("first_name", "Иван"),
        middle_name=names.get("middle_name", "Сергеевич"),
        birth_date=datetime.date(1985, 3, 14),
        inn=inn,
    )
    if inn and inn_checked:
        pass_fns_check(user)
    return user


@pytest.fixture
def ivan(db):
    return make_person()

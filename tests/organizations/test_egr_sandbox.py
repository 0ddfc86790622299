"""The sandbox ЕГРИП behaves like the register: documented entries, an outage number."""

import pytest
from django.test import override_settings

from gosportal.core.validators import check_inn, check_ogrnip
from gosportal.integrations.egr.base import EgrUnavailable, get_egr_gateway
from gosportal.integrations.egr.sandbox import OUTAGE_OGRNIP, TEST_ENTREPRENEURS
from gosportal.integrations.registries.sandbox import TEST_PEOPLE
from tests.organizations.conftest import IVAN_ACTIVE_OGRNIP, UNKNOWN_OGRNIP


def test_every_test_entrepreneur_has_valid_numbers_and_a_known_person():
    inns = {person["inn"] for person in TEST_PEOPLE}
    for record in TEST_ENTREPRENEURS:
        assert check_ogrnip(record.ogrnip) == record.ogrnip
        assert check_inn(record.inn, length=12) == record.inn
        assert record.inn in inns
        assert (record.closed_on is None) == record.is_active


def test_the_demo_citizen_is_an_active_entrepreneur():
    from gosportal.demo.management.commands.load_demo import DEMO_PROFILES

    ivan = DEMO_PROFILES["ivan.petrov@example.ru"]
    record = get_egr_gateway().find_entrepreneur(ogrnip=IVAN_ACTIVE_OGRNIP)
    assert record.is_active
    assert (record.inn, record.last_name) == (ivan["inn"], ivan["last_name"])


def test_unknown_ogrnip_is_not_in_the_register():
    assert get_egr_gateway().find_entrepreneur(ogrnip=UNKNOWN_OGRNIP) is None


def test_outage_ogrnip_raises_unavailable():
    assert check_ogrnip(OUTAGE_OGRNIP) == OUTAGE_OGRNIP
    with pytest.raises(EgrUnavailable):
        get_egr_gateway().find_entrepreneur(ogrnip=OUTAGE_OGRNIP)


@override_settings(EGR_GATEWAY="gosportal.integrations.egr.sandbox.NoSuchGateway")
def test_the_gateway_class_comes_from_settings():
    with pytest.raises(ImportError):
        get_egr_gateway()

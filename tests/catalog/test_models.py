"""Agencies and officers hold their invariants in the database (OFF-1)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from gosportal.catalog.models import Agency, Officer
from gosportal.catalog.services import create_agency
from gosportal.core.errors import Conflict, InvalidInput
from tests.factories import AgencyFactory, OfficerFactory, _valid_inn10, _valid_ogrn

pytestmark = pytest.mark.django_db


def test_staff_number_is_unique_within_an_agency():
    first = OfficerFactory(staff_number="00042")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerFactory(agency=first.agency, staff_number="00042")


def test_the_same_staff_number_may_exist_in_another_agency():
    OfficerFactory(staff_number="00042")
    OfficerFactory(staff_number="00042")
    assert Officer.objects.filter(staff_number="00042").count() == 2


def test_service_id_is_unique_within_an_agency_through_its_index():
    first = OfficerFactory(service_id="ТУЛ-777")
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerFactory(agency=first.agency, service_id="ТУЛ-777")


def test_service_id_is_stored_encrypted():
    officer = OfficerFactory(service_id="ТУЛ-555111")
    with connection.cursor() as cursor:
        cursor.execute("SELECT service_id FROM catalog_officer WHERE id = %s", [officer.pk])
        stored = cursor.fetchone()[0]
    assert "555111" not in stored
    assert Officer.objects.get(pk=officer.pk).service_id == "ТУЛ-555111"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("inn", "7100000015", "контрольные цифры"),
        ("inn", "710000001", "10 цифр"),
        ("ogrn", "1027100000015", "контрольная цифра"),
        ("ogrn", "102710000001", "13 цифр"),
    ],
)
def test_agency_inn_and_ogrn_are_checked(field, value, message):
    agency = AgencyFactory.build(**{field: value})
    with pytest.raises(ValidationError) as caught:
        agency.full_clean()
    assert message in " ".join(caught.value.message_dict[field])


def test_region_code_must_be_two_digits_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(region_code="7")


def test_create_agency_names_the_wrong_field():
    with pytest.raises(InvalidInput) as caught:
        create_agency(
            full_name="Министерство",
            short_name="Мин",
            inn="7100000015",
            ogrn=_valid_ogrn(9),
            region_code="71",
        )
    assert caught.value.field == "inn"


def test_create_agency_refuses_a_second_agency_with_the_same_inn():
    existing = AgencyFactory()
    with pytest.raises(Conflict) as caught:
        create_agency(
            full_name="Другое министерство",
            short_name="Другое",
            inn=existing.inn,
            ogrn=_valid_ogrn(99),
            region_code="71",
        )
    assert caught.value.field == "inn"


def test_create_agency_stores_normalised_numbers():
    agency = create_agency(
        full_name="Министерство социального развития Тульской области",
        short_name="Минсоцразвития ТО",
        inn=_valid_inn10(77),
        ogrn=_valid_ogrn(77),
        region_code="71",
        slug="minsoc-tula",
    )
    assert Agency.objects.get(slug="minsoc-tula").inn == agency.inn

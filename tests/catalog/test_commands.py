"""manage.py create_agency_admin: the portal's administrator appoints an agency's first
administrator, who gets the activation link like every officer (REG-5)."""

import pytest
from django.core.management import CommandError, call_command

from gosportal.catalog.models import Officer
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

ARGS = [
    "--last-name=Белова",
    "--first-name=Ольга",
    "--phone=+7 999 000-00-33",
    "--email=o.belova@tula.example.ru",
    "--service-id=ТУЛ-000001",
    "--staff-number=00001",
]


def test_the_first_administrator_is_created_and_invited(
    mailoutbox, django_capture_on_commit_callbacks
):
    agency = AgencyFactory(slug="minsoc")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_agency_admin", "minsoc", *ARGS, verbosity=0)
    officer = Officer.objects.get(agency=agency)
    assert officer.role == Officer.Role.ADMINISTRATOR
    assert not officer.user.has_usable_password()
    assert mailoutbox[-1].to == ["o.belova@tula.example.ru"]
    assert "/desk/activate/" in mailoutbox[-1].body


def test_an_unknown_agency_is_refused():
    with pytest.raises(CommandError):
        call_command("create_agency_admin", "nowhere", *ARGS, verbosity=0)


def test_bad_input_names_the_field():
    AgencyFactory(slug="minsoc")
    with pytest.raises(CommandError, match="phone"):
        call_command("create_agency_admin", "minsoc", *ARGS[:2], "--phone=123", *ARGS[3:])
    assert not Officer.objects.exists()

"""Shared set-up of the agency staff tests: an administrator and a new officer's data."""

import re

import pytest

from gosportal.catalog import services
from tests.factories import OfficerFactory

LINK = re.compile(r"/desk/activate/([A-Za-z0-9]+)/")


@pytest.fixture
def admin():
    """The administrator of an active agency (OFF-1)."""
    return OfficerFactory(role="administrator").user


@pytest.fixture
def officer_data():
    return {
        "last_name": "Соколова",
        "first_name": "Мария",
        "middle_name": "Игоревна",
        "phone": "+7 910 555-12-34",
        "email": "m.sokolova@tula.example.ru",
        "service_id": "тул-000123",
        "staff_number": "00123",
        "position": "Ведущий специалист",
        "role": "officer",
    }


def link_token(mailoutbox) -> str:
    """The activation token from the newest invitation e-mail."""
    return LINK.search(mailoutbox[-1].body).group(1)


@pytest.fixture
def invited(admin, officer_data, mailoutbox, django_capture_on_commit_callbacks):
    """A new officer created by the administrator, and the token of their link."""
    with django_capture_on_commit_callbacks(execute=True):
        officer = services.create_civil_servant(admin=admin, **officer_data)
    return officer, link_token(mailoutbox)

"""Demo applications of load_demo: several statuses, made once."""

import pytest

from gosportal.applications.demo import ensure_demo_applications
from gosportal.applications.models import Application, Status
from gosportal.catalog.seed import load_catalog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_citizen_gets_applications_in_different_statuses_once():
    load_catalog()
    user = UserFactory(level="standard")
    made = ensure_demo_applications(user)
    statuses = {a.status for a in made}
    assert {Status.IN_PROGRESS, Status.SUBMITTED, Status.CANCELLED, Status.DRAFT} <= statuses
    assert all(a.number for a in made if a.status != Status.DRAFT)
    ensure_demo_applications(user)
    assert Application.objects.filter(applicant=user).count() == len(made)


def test_demo_has_an_approved_benefit_to_stop_and_a_declaration_that_cannot_be_cancelled():
    from gosportal.applications import cancellation

    load_catalog()
    user = UserFactory(level="confirmed")
    made = {a.service.slug: a for a in ensure_demo_applications(user)}
    benefit, declaration = made["edinoe-posobie"], made["deklaratsiya-3-ndfl"]
    assert benefit.status == Status.APPROVED and cancellation.decide(benefit).stops_service
    assert not cancellation.decide(declaration).allowed

"""The demo appeal of load_demo: one more refused application of the demo agency, appealed
by its applicant, once; the first refusal stays open to appeal by hand."""

import pytest

from gosportal.appeals.demo import ensure_demo_appeal
from gosportal.appeals.models import Appeal
from gosportal.applications.models import Application, Status
from tests.appeals.conftest import submit
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_the_agency_gets_one_registered_appeal_against_a_refusal(refused, agency, officer):
    appeal = ensure_demo_appeal(agency)
    assert appeal is not None and appeal.status == Appeal.Status.REGISTERED
    assert appeal.evidence.count() == 1
    assert appeal.refusal.actor_id == officer.user_id
    assert appeal.application.applicant_id == refused.applicant_id
    assert appeal.application.status == Status.APPEALED
    refused.refresh_from_db()
    assert refused.status == Status.REJECTED
    assert ensure_demo_appeal(agency) == appeal
    assert Appeal.objects.count() == 1 and Application.objects.count() == 2


def test_nothing_is_appealed_without_a_refusal(frozen, citizen, service, agency):
    submit(citizen, service)
    assert ensure_demo_appeal(agency) is None
    assert ensure_demo_appeal(AgencyFactory()) is None

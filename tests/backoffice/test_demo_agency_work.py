"""Demo data of the demo agency (load_demo): the officer's queue has work in every stage,
the agency signs with its own certificate, and loading again adds nothing."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from gosportal.accounts.selectors import user_by_login
from gosportal.applications.models import Application, Status
from gosportal.catalog.models import Officer, Service
from gosportal.demo import agency_work
from gosportal.demo.management.commands.load_demo import (
    DEMO_AGENCY,
    DEMO_AGENCY_CITIZEN,
    DEMO_AGENCY_OFFICER,
)
from gosportal.documents.models import IssuedDocument
from gosportal.signatures.agencies import agency_certificate
from gosportal.signatures.models import SigningCertificate

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_the_demo_officer_has_applications_in_every_stage_once():
    call_command("load_demo", verbosity=0)
    officer = Officer.objects.select_related("agency").get(user=user_by_login(DEMO_AGENCY_OFFICER))
    agency = officer.agency
    assert agency.slug == DEMO_AGENCY["slug"]
    citizen = user_by_login(DEMO_AGENCY_CITIZEN)
    assert citizen.level == "confirmed"
    queue = Application.objects.filter(agency=agency)
    assert {a.status for a in queue} == {
        Status.SUBMITTED,
        Status.IN_PROGRESS,
        Status.CLARIFICATION,
        Status.APPROVED,
        Status.REJECTED,
        Status.APPEALED,  # APP-9: one more refusal, appealed (appeals/demo.py)
        Status.COMPLETED,
    }
    assert all(a.applicant_id == citizen.pk for a in queue)
    assert Service.objects.get(slug="subsidiya-na-oplatu-zhkh").agency == agency
    certificate = agency_certificate(agency)
    assert certificate is not None
    decided = queue.filter(status__in=[Status.APPROVED, Status.COMPLETED])
    documents = IssuedDocument.objects.filter(reference__in=[a.number for a in decided])
    assert documents.count() == 2
    assert {d.certificate_id for d in documents} == {certificate.pk}

    assert agency_work.ensure_agency_work(agency, citizen=citizen, officer=officer)
    assert Application.objects.filter(agency=agency).count() == 7  # 6 + the appealed one
    assert SigningCertificate.objects.filter(issuer_code=f"agency-{agency.slug}").count() == 1

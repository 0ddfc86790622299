"""Agencies' own signing certificates (OFF-3, SIG-3): what signs for an agency, and the
administrators' reminder 30 days before a certificate expires — once."""

import datetime

import pytest
import time_machine
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.utils import timezone

from gosportal.core.models import AuditEvent, OutboxEvent
from gosportal.signatures import agencies
from gosportal.signatures.services import create_signing_certificate, revoke_signing_certificate
from tests.factories import AgencyFactory, OfficerFactory, give_signing_certificate

pytestmark = pytest.mark.django_db


def _reminded() -> list[dict]:
    return [
        e.payload
        for e in OutboxEvent.objects.filter(name="notify")
        if e.payload["type"] == "certificate_expiring"
    ]


@pytest.fixture
def agency():
    return AgencyFactory(
        full_name="Министерство труда и социальной защиты Тульской области",
        short_name="Минтруд Тульской области",
    )


@pytest.fixture
def admin(agency):
    return OfficerFactory(agency=agency, role="administrator")


def test_a_long_cyrillic_agency_name_is_certified_in_full(agency):
    certificate = give_signing_certificate(agency)
    parsed = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
    organisation = parsed.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    common_name = parsed.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert organisation == "Министерство труда и социальной защиты Тульской области"
    assert len(common_name.encode()) <= 64 and organisation.startswith(common_name)


def test_an_agency_signs_only_with_its_own_certificate(agency):
    assert agencies.agency_certificate(agency) is None
    give_signing_certificate(AgencyFactory())
    assert agencies.agency_certificate(agency) is None
    own = give_signing_certificate(agency)
    assert agencies.agency_certificate(agency) == own
    assert give_signing_certificate(agency) == own  # reused, not issued again


def test_administrators_hear_30_days_before_expiry_once(agency, admin):
    certificate = give_signing_certificate(agency)
    OfficerFactory(agency=agency, role="officer")  # not an administrator: not told
    OfficerFactory(agency=agency, role="administrator", is_active=False)
    with time_machine.travel(certificate.valid_to - datetime.timedelta(days=31)):
        assert agencies.notify_expiring_certificates() == 0
    assert _reminded() == []
    with time_machine.travel(certificate.valid_to - datetime.timedelta(days=29)):
        assert agencies.notify_expiring_certificates() == 1
        assert agencies.notify_expiring_certificates() == 0  # the daily job again
    with time_machine.travel(certificate.valid_to - datetime.timedelta(days=5)):
        assert agencies.notify_expiring_certificates() == 0
    reminded = _reminded()
    assert [r["user_id"] for r in reminded] == [admin.user_id]
    payload = reminded[0]["payload"]
    assert payload["document"] == "Сертификат подписи: Минтруд Тульской области"
    assert payload["date"] == timezone.localtime(certificate.valid_to).strftime("%d.%m.%Y")
    assert payload["url"] == "/desk/certificate/"
    assert AuditEvent.objects.filter(
        action="signatures.certificate_expiry_notified", object_id=str(certificate.pk)
    ).exists()


def test_no_reminder_for_a_revoked_or_replaced_certificate(agency, admin):
    revoked = give_signing_certificate(agency)
    revoke_signing_certificate(certificate=revoked)
    with time_machine.travel(revoked.valid_to - datetime.timedelta(days=10)):
        assert agencies.notify_expiring_certificates() == 0
    old = give_signing_certificate(agency)
    with time_machine.travel(old.valid_to - datetime.timedelta(days=60)):
        agencies.ensure_agency_certificate(agency)  # still current: nothing new
        newer = create_signing_certificate(
            issuer_code=agencies.issuer_code(agency),
            issuer_name=agency.full_name,
            inn=agency.inn,
            ogrn=agency.ogrn,
        )
    with time_machine.travel(old.valid_to - datetime.timedelta(days=10)):
        assert agencies.notify_expiring_certificates() == 0
    assert newer.valid_to > old.valid_to
    assert _reminded() == []


def test_the_portals_own_certificates_are_not_announced(admin):
    from tests.signatures.helpers import DEMO_INN, DEMO_OGRN

    portal = create_signing_certificate(
        issuer_code="demo-portal", issuer_name="Госпортал", inn=DEMO_INN, ogrn=DEMO_OGRN
    )
    with time_machine.travel(portal.valid_to - datetime.timedelta(days=10)):
        assert agencies.notify_expiring_certificates() == 0


def test_the_daily_job_runs_through_the_worker(agency, admin, run_tasks):
    from gosportal.signatures.tasks import notify_expiring_certificates

    certificate = give_signing_certificate(agency)
    with time_machine.travel(certificate.valid_to - datetime.timedelta(days=20)):
        notify_expiring_certificates.enqueue()
        run_tasks()
    assert [r["user_id"] for r in _reminded()] == [admin.user_id]

"""«Сертификат подписи ведомства» (OFF-3, DOC-3): an agency's administrator sees, issues
and revokes the certificate the agency signs its decisions with; only their own
agency's; issuing and revoking need re-authentication and are audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gosportal.core.models import AuditEvent
from gosportal.signatures.agencies import agency_certificate
from gosportal.signatures.models import SigningCertificate
from tests.conftest import sign_in_as
from tests.factories import OfficerFactory, UserFactory, give_signing_certificate

pytestmark = pytest.mark.django_db

ROUTES = [
    ("get", "/desk/certificate/"),
    ("post", "/desk/certificate/issue/"),
    ("post", "/desk/certificate/revoke/"),
]


@pytest.fixture
def admin():
    """The administrator of an active agency (OFF-1)."""
    return OfficerFactory(
        role="administrator", agency__full_name="Министерство социального развития"
    ).user


@pytest.fixture
def agency(admin):
    return admin.officer.agency


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["citizen", "officer", "head", "appeal_officer"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_only_the_agencys_administrator_manages_it(client, agency, who, method, path):
    user = UserFactory() if who == "citizen" else OfficerFactory(agency=agency, role=who).user
    sign_in_as(client, user)
    assert getattr(client, method)(path).status_code == 403
    assert not SigningCertificate.objects.exists()


def test_the_desk_is_listed_for_administrators_only(client, admin, agency):
    sign_in_as(client, admin)
    assert "/desk/certificate/" in client.get("/desk/").content.decode()
    client.logout()
    sign_in_as(client, OfficerFactory(agency=agency, role="officer").user)
    assert "/desk/certificate/" not in client.get("/desk/").content.decode()


def test_without_a_certificate_the_page_says_approving_is_blocked(client, admin):
    sign_in_as(client, admin)
    text = client.get("/desk/certificate/").content.decode()
    assert "У ведомства нет действующего сертификата" in text
    assert "Выпустить сертификат" in text and "Отозвать сертификат" not in text


def test_the_administrator_issues_the_agencys_certificate(client, admin, agency):
    sign_in_as(client, admin)
    response = client.post("/desk/certificate/issue/", follow=True)
    certificate = agency_certificate(agency)
    assert certificate is not None
    assert certificate.issuer_code == f"agency-{agency.slug}"
    assert (certificate.issuer_name, certificate.inn, certificate.ogrn) == (
        "Министерство социального развития",
        agency.inn,
        agency.ogrn,
    )
    assert certificate.issued_by == admin
    assert AuditEvent.objects.filter(
        action="signatures.certificate_issued", actor_id=admin.pk, object_id=str(certificate.pk)
    ).exists()
    text = response.content.decode()
    assert f"Сертификат № {certificate.serial} выпущен" in text
    assert certificate.serial in text and admin.display_name in text
    assert "Действует, подписывает документы" in text


def test_issuing_needs_a_fresh_sign_in(client, admin):
    sign_in_as(client, admin, reauthenticated=False)
    response = client.post("/desk/certificate/issue/")
    assert response.status_code == 302 and response.url.startswith("/accounts/confirm/")
    assert not SigningCertificate.objects.exists()


def test_a_new_certificate_takes_over_and_the_old_one_stays_valid(client, admin, agency):
    old = give_signing_certificate(agency)
    sign_in_as(client, admin)
    client.post("/desk/certificate/issue/")
    new = agency_certificate(agency)
    assert new != old
    old.refresh_from_db()
    assert old.revoked_at is None
    text = client.get("/desk/certificate/").content.decode()
    assert "Действует, заменён более новым" in text


def test_issuing_is_rate_limited_per_agency(client, admin, agency):
    sign_in_as(client, admin)
    for _ in range(5):
        assert client.post("/desk/certificate/issue/").status_code == 302
    assert client.post("/desk/certificate/issue/").status_code == 429
    assert SigningCertificate.objects.filter(issuer_code=f"agency-{agency.slug}").count() == 5


def test_the_administrator_revokes_with_a_reason(client, admin, agency):
    certificate = give_signing_certificate(agency)
    sign_in_as(client, admin)
    response = client.post(
        "/desk/certificate/revoke/",
        {"certificate": certificate.pk, "reason": "key_compromise"},
        follow=True,
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revocation_reason == "key_compromise"
    assert certificate.revoked_by == admin
    assert agency_certificate(agency) is None
    assert AuditEvent.objects.filter(
        action="signatures.certificate_revoked", actor_id=admin.pk
    ).exists()
    text = response.content.decode()
    assert f"Сертификат № {certificate.serial} отозван." in text
    assert "Закрытый ключ скомпрометирован" in text and "У ведомства нет действующего" in text


@pytest.mark.parametrize("reason", ["", "because", "removeFromCRL"])
def test_revoking_needs_a_known_reason(client, admin, agency, reason):
    certificate = give_signing_certificate(agency)
    sign_in_as(client, admin)
    response = client.post(
        "/desk/certificate/revoke/", {"certificate": certificate.pk, "reason": reason}
    )
    assert response.status_code == 400
    assert "Причина отзыва: выберите причину из списка." in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoking_needs_a_fresh_sign_in(client, admin, agency):
    certificate = give_signing_certificate(agency)
    sign_in_as(client, admin, reauthenticated=False)
    response = client.post(
        "/desk/certificate/revoke/", {"certificate": certificate.pk, "reason": "superseded"}
    )
    assert response.url.startswith("/accounts/confirm/")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


@pytest.mark.parametrize("certificate_id", ["", "abc", "999999"])
def test_an_unknown_certificate_is_not_found(client, admin, agency, certificate_id):
    give_signing_certificate(agency)
    sign_in_as(client, admin)
    response = client.post(
        "/desk/certificate/revoke/", {"certificate": certificate_id, "reason": "superseded"}
    )
    assert response.status_code == 404


def test_another_agencys_certificate_is_not_found(client, admin):
    theirs = give_signing_certificate(OfficerFactory(role="administrator").agency)
    sign_in_as(client, admin)
    response = client.post(
        "/desk/certificate/revoke/", {"certificate": theirs.pk, "reason": "key_compromise"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert theirs.serial not in client.get("/desk/certificate/").content.decode()


def test_a_revoked_certificate_cannot_be_revoked_again(client, admin, agency):
    from gosportal.signatures.services import revoke_signing_certificate

    certificate = revoke_signing_certificate(certificate=give_signing_certificate(agency))
    sign_in_as(client, admin)
    response = client.post(
        "/desk/certificate/revoke/",
        {"certificate": certificate.pk, "reason": "superseded"},
        follow=True,
    )
    assert "Сертификат уже отозван." in response.content.decode()


def test_the_page_costs_the_same_queries_with_a_longer_history(client, admin, agency):
    from gosportal.signatures.services import revoke_signing_certificate

    revoke_signing_certificate(certificate=give_signing_certificate(agency), actor=admin)
    sign_in_as(client, admin)
    client.get("/desk/certificate/")
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/certificate/")
    for _ in range(3):
        revoke_signing_certificate(certificate=give_signing_certificate(agency), actor=admin)
    give_signing_certificate(agency)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/desk/certificate/")
    assert len(more) == len(few)
    assert len(response.context["rows"]) == 5

"""The sandbox certification centre and the issuers' signing certificates."""

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection

from gosportal.core.errors import Conflict, InvalidInput
from gosportal.core.models import AuditEvent
from gosportal.integrations.ca.base import CertificationCentreError, get_certification_centre
from gosportal.signatures.models import SandboxAuthority, SigningCertificate
from gosportal.signatures.selectors import current_certificate
from gosportal.signatures.services import create_signing_certificate, revoke_signing_certificate
from tests.signatures.helpers import DEMO_INN, DEMO_OGRN

pytestmark = pytest.mark.django_db


def _csr(*, inn=DEMO_INN, ogrn=DEMO_OGRN, key=None) -> bytes:
    key = key or ec.generate_private_key(ec.SECP256R1())
    subject = [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ООО «Ромашка»"),
        x509.NameAttribute(NameOID.COMMON_NAME, "ООО «Ромашка»"),
    ]
    if inn:
        subject.append(x509.NameAttribute(x509.ObjectIdentifier("1.2.643.100.4"), inn))
    if ogrn:
        subject.append(x509.NameAttribute(x509.ObjectIdentifier("1.2.643.100.1"), ogrn))
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(subject))
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def test_certificate_carries_organisation_inn_and_ogrn_and_chains_to_the_root(certificate):
    issued = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
    subject = issued.subject

    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "Госпортал (демонстрационный стенд)"
    )
    assert subject.get_attributes_for_oid(x509.ObjectIdentifier("1.2.643.100.4"))[0].value == (
        DEMO_INN
    )
    assert subject.get_attributes_for_oid(x509.ObjectIdentifier("1.2.643.100.1"))[0].value == (
        DEMO_OGRN
    )
    chain = x509.load_pem_x509_certificates(certificate.chain_pem.encode())
    issued.verify_directly_issued_by(chain[0])
    chain[0].verify_directly_issued_by(chain[1])
    assert chain[1].subject == chain[1].issuer  # the root
    assert AuditEvent.objects.filter(action="signatures.certificate_issued").count() == 1


def test_private_keys_are_stored_encrypted(certificate):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_key FROM signatures_signingcertificate WHERE id = %s",
            [certificate.pk],
        )
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT private_key FROM signatures_sandboxauthority")
        authority_keys = [row[0] for row in cursor.fetchall()]

    assert stored.startswith("gcm1:")
    assert "PRIVATE KEY" not in stored
    assert len(authority_keys) == 2
    assert all(key.startswith("gcm1:") for key in authority_keys)


def test_the_centre_is_created_once():
    centre = get_certification_centre()
    first = centre.trust_anchors()

    assert centre.trust_anchors() == first
    assert SandboxAuthority.objects.count() == 2


def test_centre_refuses_a_request_without_a_valid_inn():
    centre = get_certification_centre()

    with pytest.raises(CertificationCentreError, match="INN or OGRN"):
        centre.issue_certificate(csr_pem=_csr(inn="7707083890"), valid_days=30)
    with pytest.raises(CertificationCentreError, match="INN or OGRN"):
        centre.issue_certificate(csr_pem=_csr(ogrn=""), valid_days=30)


def test_centre_refuses_more_than_fifteen_months():
    with pytest.raises(CertificationCentreError, match="validity"):
        get_certification_centre().issue_certificate(csr_pem=_csr(), valid_days=500)


def test_centre_refuses_garbage_instead_of_a_request():
    with pytest.raises(CertificationCentreError, match="PKCS#10"):
        get_certification_centre().issue_certificate(csr_pem=b"hello", valid_days=30)


def test_bad_inn_is_refused_before_asking_the_centre():
    with pytest.raises(InvalidInput) as caught:
        create_signing_certificate(
            issuer_code="x", issuer_name="ООО «Ромашка»", inn="123", ogrn=DEMO_OGRN
        )

    assert caught.value.field == "inn"
    assert SigningCertificate.objects.count() == 0


def test_revoked_certificate_is_listed_in_the_published_crl(client, certificate):
    revoke_signing_certificate(certificate=certificate, reason="key_compromise")

    response = client.get("/sandbox/ca/crl.der")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    entry = crl.get_revoked_certificate_by_serial_number(int(certificate.serial, 16))
    assert entry is not None
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason is x509.ReasonFlags.key_compromise
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert current_certificate("demo") is None


def test_revoking_twice_is_refused(certificate):
    revoke_signing_certificate(certificate=certificate)

    with pytest.raises(Conflict, match="уже отозван"):
        revoke_signing_certificate(certificate=certificate)


def test_centre_refuses_to_revoke_a_certificate_it_did_not_issue():
    from tests.signatures.helpers import self_made_certificate

    forged = x509.load_pem_x509_certificate(self_made_certificate().certificate_pem.encode())

    with pytest.raises(CertificationCentreError, match="not issued by this centre"):
        get_certification_centre().revoke_certificate(
            certificate=forged.public_bytes(serialization.Encoding.DER), reason="unspecified"
        )


def test_root_certificate_is_published(client):
    anchor = get_certification_centre().trust_anchors()[0]

    response = client.get("/sandbox/ca/root.cer")

    assert response.status_code == 200
    assert response.content == anchor
    root = x509.load_der_x509_certificate(response.content)
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


@pytest.mark.parametrize("name", ["root.crl", "issuing.cer"])
def test_other_published_files(client, name):
    assert client.get(f"/sandbox/ca/{name}").status_code == 200


def test_unknown_file_and_switched_off_sandbox_are_not_found(client, settings):
    assert client.get("/sandbox/ca/secret.key").status_code == 404
    settings.CA_SANDBOX = False
    assert client.get("/sandbox/ca/root.cer").status_code == 404


def test_current_certificate_is_the_valid_one(certificate):
    assert current_certificate("demo") == certificate
    assert current_certificate("other") is None

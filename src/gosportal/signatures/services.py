"""Signing certificates of issuers (OFF-3): obtained from the certification centre and
revoked through it.

The key pair is made here (ECDSA P-256) and only a certificate signing request leaves
the portal; the private key is kept encrypted (SEC-2). GOST R 34.10-2012 keys are out
of scope for now (docs/documents.md).
"""

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gosportal.core import audit
from gosportal.core.errors import Conflict, InvalidInput, ServiceUnavailable
from gosportal.core.validators import check_ogrn, check_organization_inn
from gosportal.integrations.ca.base import (
    REVOCATION_REASONS,
    CertificationCentreError,
    CertificationCentreUnavailable,
    get_certification_centre,
)
from gosportal.signatures.models import SigningCertificate
from gosportal.signatures.pem import der_to_pem

OID_INN_LE = x509.ObjectIdentifier("1.2.643.100.4")  # ИНН ЮЛ
OID_OGRN = x509.ObjectIdentifier("1.2.643.100.1")  # ОГРН
DEFAULT_VALID_DAYS = 365


def _checked(value: str, check, field: str) -> str:
    try:
        return check(value)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field=field) from exc


def _fit(text: str, limit: int) -> str:
    """``text`` cut at a character boundary to at most ``limit`` bytes of UTF-8."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore").rstrip()


def _request(key: ec.EllipticCurvePrivateKey, *, name: str, inn: str, ogrn: str) -> bytes:
    # The organisation's full name goes in O; CN is limited to 64 bytes (RFC 5280's
    # upper bound as the library counts it: a Cyrillic letter takes two).
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(name, 64)),
            x509.NameAttribute(OID_INN_LE, inn),
            x509.NameAttribute(OID_OGRN, ogrn),
        ]
    )
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM)


def create_signing_certificate(
    *,
    issuer_code: str,
    issuer_name: str,
    inn: str,
    ogrn: str,
    valid_days: int = DEFAULT_VALID_DAYS,
    actor=None,
) -> SigningCertificate:
    """Make a key pair, have the centre certify it and keep both (key encrypted)."""
    issuer_name = " ".join(issuer_name.split())
    if not issuer_name:
        raise InvalidInput(_("Укажите название организации."), field="issuer_name")
    inn = _checked(inn, check_organization_inn, "inn")
    ogrn = _checked(ogrn, check_ogrn, "ogrn")
    key = ec.generate_private_key(ec.SECP256R1())
    centre = get_certification_centre()
    try:
        issued = centre.issue_certificate(
            csr_pem=_request(key, name=issuer_name, inn=inn, ogrn=ogrn), valid_days=valid_days
        )
    except CertificationCentreUnavailable as exc:
        raise ServiceUnavailable(_("Удостоверяющий центр не отвечает. Повторите позже.")) from exc
    except CertificationCentreError as exc:
        raise InvalidInput(
            _("Удостоверяющий центр отказал в выпуске сертификата: %(reason)s")
            % {"reason": str(exc)}
        ) from exc
    certificate = x509.load_der_x509_certificate(issued.certificate)
    with transaction.atomic():
        row = SigningCertificate.objects.create(
            issuer_code=issuer_code,
            issuer_name=issuer_name,
            inn=inn,
            ogrn=ogrn,
            serial=format(certificate.serial_number, "x"),
            certificate_pem=der_to_pem(issued.certificate),
            chain_pem="".join(der_to_pem(der) for der in issued.chain),
            private_key=key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode(),
            valid_from=certificate.not_valid_before_utc,
            valid_to=certificate.not_valid_after_utc,
            issued_by=actor,
        )
        audit.record("signatures.certificate_issued", actor=actor, obj=row)
    return row


def revoke_signing_certificate(
    *, certificate: SigningCertificate, reason: str = "unspecified", actor=None
) -> SigningCertificate:
    """Have the centre revoke the certificate (it appears in the next CRL) and mark it."""
    if reason not in REVOCATION_REASONS:
        raise InvalidInput(_("Неизвестная причина отзыва сертификата."), field="reason")
    # The row stays locked while the centre revokes: a signature in progress finishes
    # first, and none starts with the certificate afterwards (backoffice/results.py).
    with transaction.atomic():
        locked = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
        _revoke_locked(locked, reason=reason, actor=actor)
    for field in ("revoked_at", "revocation_reason", "revoked_by"):
        setattr(certificate, field, getattr(locked, field))
    return certificate


def _revoke_locked(certificate: SigningCertificate, *, reason: str, actor) -> SigningCertificate:
    if certificate.revoked_at is not None:
        raise Conflict(_("Сертификат уже отозван."))
    centre = get_certification_centre()
    der = x509.load_pem_x509_certificate(certificate.certificate_pem.encode()).public_bytes(
        serialization.Encoding.DER
    )
    try:
        revoked_at = centre.revoke_certificate(certificate=der, reason=reason)
    except CertificationCentreUnavailable as exc:
        raise ServiceUnavailable(_("Удостоверяющий центр не отвечает. Повторите позже.")) from exc
    except CertificationCentreError as exc:
        raise Conflict(
            _("Удостоверяющий центр отказал в отзыве сертификата: %(reason)s")
            % {"reason": str(exc)}
        ) from exc
    with transaction.atomic():
        certificate.revoked_at = revoked_at
        certificate.revocation_reason = reason
        certificate.revoked_by = actor
        certificate.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
        audit.record(
            "signatures.certificate_revoked",
            actor=actor,
            obj=certificate,
            details={"reason": reason},
        )
    return certificate

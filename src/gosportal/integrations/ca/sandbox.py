"""Sandbox certification centre (docs/documents.md, «Песочница УЦ»).

A two-level hierarchy made on first use: a root CA and an issuing CA, ECDSA P-256 keys
kept encrypted in the database. It certifies organisation keys from a PKCS#10 request
whose subject carries the organisation's name, INN (OID 1.2.643.100.4) and OGRN
(1.2.643.100.1) as in Russian qualified certificates, and refuses requests a real
centre would refuse: a bad request signature, a missing or invalid INN/OGRN, a
validity beyond 15 months. Revocations go into its register and from there into a CRL
signed on request, published under /sandbox/ca/. GOST R 34.10-2012 keys are out of
scope of the sandbox: it uses ECDSA with SHA-256.
"""

import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gosportal.core.validators import check_ogrn, check_organization_inn
from gosportal.integrations.ca.base import (
    REVOCATION_REASONS,
    CertificationCentreError,
    IssuedCertificate,
)

OID_INN_LE = x509.ObjectIdentifier("1.2.643.100.4")  # ИНН ЮЛ
OID_OGRN = x509.ObjectIdentifier("1.2.643.100.1")  # ОГРН
MAX_VALID_DAYS = 456  # 15 months, the longest a qualified certificate key is used
CRL_VALID_FOR = datetime.timedelta(days=1)
ROOT_VALID_DAYS = 365 * 15
ISSUING_VALID_DAYS = 365 * 10
CENTRE_NAME = "УЦ Госпортала (песочница)"


def _models():
    # The sandbox's tables live in the signatures app (see its models' docstring).
    return apps.get_model("signatures", "SandboxAuthority"), apps.get_model(
        "signatures", "SandboxCertificate"
    )


def _ca_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, CENTRE_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _url(name: str) -> str:
    return f"{settings.SITE_URL}/sandbox/ca/{name}"


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def _serial_hex(serial: int) -> str:
    return format(serial, "x")


class _Authority:
    def __init__(self, row):
        self.certificate = x509.load_pem_x509_certificate(row.certificate_pem.encode())
        self.key = serialization.load_pem_private_key(row.private_key.encode(), password=None)


def _make_authority(role: str, parent: _Authority | None):
    now = timezone.now()
    key = ec.generate_private_key(ec.SECP256R1())
    if parent is None:
        subject = _ca_name("Корневой УЦ Госпортала (песочница)")
        issuer, signing_key, path_length, days = subject, key, 1, ROOT_VALID_DAYS
    else:
        subject = _ca_name("Выдающий УЦ Госпортала (песочница)")
        issuer, signing_key = parent.certificate.subject, parent.key
        path_length, days = 0, ISSUING_VALID_DAYS
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
            critical=False,
        )
    )
    if parent is not None:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier(_url("root.crl"))], None, None, None
                    )
                ]
            ),
            critical=False,
        )
    certificate = builder.sign(signing_key, hashes.SHA256())
    authority_model, _ = _models()
    return authority_model(
        role=role,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        private_key=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    )


def _authorities() -> tuple[_Authority, _Authority]:
    """(root, issuing), created on first use; concurrent first uses agree on one pair."""
    authority_model, _ = _models()
    rows = {row.role: row for row in authority_model.objects.all()}
    if len(rows) < 2:
        try:
            with transaction.atomic():
                root_row = rows.get("root") or _make_authority("root", None)
                if root_row.pk is None:
                    root_row.save()
                issuing_row = _make_authority("issuing", _Authority(root_row))
                issuing_row.save()
        except IntegrityError:
            pass  # another process created them first
        rows = {row.role: row for row in authority_model.objects.all()}
    return _Authority(rows["root"]), _Authority(rows["issuing"])


def _subject_value(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value).strip() if values else ""


def _checked_subject(csr: x509.CertificateSigningRequest) -> x509.Name:
    subject = csr.subject
    organisation = _subject_value(subject, NameOID.ORGANIZATION_NAME)
    if not organisation or not _subject_value(subject, NameOID.COMMON_NAME):
        raise CertificationCentreError("the request names no organisation (O, CN)")
    try:
        check_organization_inn(_subject_value(subject, OID_INN_LE))
        check_ogrn(_subject_value(subject, OID_OGRN))
    except ValidationError as exc:
        raise CertificationCentreError(
            f"the request's INN or OGRN is invalid: {exc.messages[0]}"
        ) from exc
    return subject


class SandboxCertificationCentre:
    def issue_certificate(self, *, csr_pem: bytes, valid_days: int) -> IssuedCertificate:
        try:
            csr = x509.load_pem_x509_csr(csr_pem)
        except ValueError as exc:
            raise CertificationCentreError("not a PKCS#10 certificate signing request") from exc
        try:
            valid_signature = csr.is_signature_valid
        except (InvalidSignature, ValueError):
            valid_signature = False
        if not valid_signature:
            raise CertificationCentreError("the request's signature does not verify")
        if not isinstance(csr.public_key(), ec.EllipticCurvePublicKey):
            raise CertificationCentreError("the sandbox certifies ECDSA P-256 keys only")
        if not 1 <= valid_days <= MAX_VALID_DAYS:
            raise CertificationCentreError(f"validity must be 1 to {MAX_VALID_DAYS} days")
        subject = _checked_subject(csr)
        root, issuing = _authorities()
        now = timezone.now()
        not_after = min(
            now + datetime.timedelta(days=valid_days), issuing.certificate.not_valid_after_utc
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuing.certificate.subject)
            .public_key(csr.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(csr.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing.key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(_url("crl.der"))], None, None, None
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                            x509.UniformResourceIdentifier(_url("issuing.cer")),
                        )
                    ]
                ),
                critical=False,
            )
            .sign(issuing.key, hashes.SHA256())
        )
        _, certificate_model = _models()
        certificate_model.objects.create(
            serial=_serial_hex(certificate.serial_number),
            subject=subject.rfc4514_string(),
            not_after=certificate.not_valid_after_utc,
        )
        return IssuedCertificate(
            certificate=_der(certificate),
            chain=(_der(issuing.certificate), _der(root.certificate)),
        )

    def revoke_certificate(self, *, certificate: bytes, reason: str) -> datetime.datetime:
        if reason not in REVOCATION_REASONS:
            raise CertificationCentreError(f"unknown revocation reason {reason!r}")
        try:
            parsed = x509.load_der_x509_certificate(certificate)
        except ValueError as exc:
            raise CertificationCentreError("not a DER certificate") from exc
        _, issuing = _authorities()
        if parsed.issuer != issuing.certificate.subject:
            raise CertificationCentreError("the certificate was not issued by this centre")
        _, certificate_model = _models()
        with transaction.atomic():
            row = (
                certificate_model.objects.select_for_update()
                .filter(serial=_serial_hex(parsed.serial_number))
                .first()
            )
            if row is None:
                raise CertificationCentreError("the certificate was not issued by this centre")
            if row.revoked_at is None:
                row.revoked_at = timezone.now()
                row.revocation_reason = reason
                row.save(update_fields=["revoked_at", "revocation_reason"])
        return row.revoked_at

    def trust_anchors(self) -> list[bytes]:
        root, _ = _authorities()
        return [_der(root.certificate)]

    def intermediates(self) -> list[bytes]:
        _, issuing = _authorities()
        return [_der(issuing.certificate)]

    def current_crls(self) -> list[bytes]:
        root, issuing = _authorities()
        _, certificate_model = _models()
        revoked = certificate_model.objects.filter(revoked_at__isnull=False).order_by("revoked_at")
        return [
            _crl(
                issuing,
                [(int(row.serial, 16), row.revoked_at, row.revocation_reason) for row in revoked],
            ),
            _crl(root, []),
        ]

    # Published files (the sandbox's own pages under /sandbox/ca/).

    def published(self, name: str) -> bytes | None:
        root, issuing = _authorities()
        if name == "root.cer":
            return _der(root.certificate)
        if name == "issuing.cer":
            return _der(issuing.certificate)
        crls = self.current_crls()
        return {"crl.der": crls[0], "root.crl": crls[1]}.get(name)


def _crl(authority: _Authority, revoked: list[tuple[int, datetime.datetime, str]]) -> bytes:
    now = timezone.now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(authority.certificate.subject)
        .last_update(now)
        .next_update(now + CRL_VALID_FOR)
        # A number that grows with time: each CRL signed later has a larger one.
        .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.key.public_key()),
            critical=False,
        )
    )
    for serial, revoked_at, reason in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at)
        if reason and reason != "unspecified":
            entry = entry.add_extension(x509.CRLReason(x509.ReasonFlags[reason]), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(authority.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

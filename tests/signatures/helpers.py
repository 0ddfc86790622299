"""Test helpers for signatures: a small PDF/A to sign and a self-made certificate."""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone

from gosportal.core import pdf
from gosportal.signatures.models import SigningCertificate

DEMO_INN = "7707083893"
DEMO_OGRN = "1027700132195"


def small_pdf() -> bytes:
    document = {
        "number": "DOC-2026-000001",
        "title": "Письмо о результате",
        "issuer_name": "Госпортал (демонстрационный стенд)",
        "verify_url": "http://127.0.0.1:8000/verify/DOC-2026-000001/",
        "qr": pdf.qr_data_uri("http://127.0.0.1:8000/verify/DOC-2026-000001/"),
    }
    return pdf.render_pdf(
        "documents/pdf/letter.html", {"document": document, "paragraphs": ["Проверка."]}
    )


def self_made_certificate(name: str = "Госпортал (демонстрационный стенд)") -> SigningCertificate:
    """An unsaved certificate that looks like ours but is self-signed, not the centre's."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    return SigningCertificate(
        issuer_code="forger",
        issuer_name=name,
        inn=DEMO_INN,
        ogrn=DEMO_OGRN,
        serial=format(certificate.serial_number, "x"),
        certificate_pem=pem,
        chain_pem=pem,
        private_key=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        valid_from=now - datetime.timedelta(days=1),
        valid_to=now + datetime.timedelta(days=30),
    )

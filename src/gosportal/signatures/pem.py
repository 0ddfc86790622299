"""PEM ↔ DER for certificates and keys kept as text in the database."""

import base64
import re

from cryptography import x509
from cryptography.hazmat.primitives import serialization


def der_to_pem(der: bytes) -> str:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM).decode()


def pem_to_der(pem: str) -> bytes:
    """The DER of the first PEM block (a certificate or a PKCS#8 private key)."""
    return pem_blocks_to_der(pem)[0]


def pem_blocks_to_der(pem: str) -> list[bytes]:
    blocks = re.findall(r"-----BEGIN [A-Z ]+-----(.+?)-----END [A-Z ]+-----", pem, re.S)
    if not blocks:
        raise ValueError("no PEM block")
    return [base64.b64decode("".join(block.split())) for block in blocks]

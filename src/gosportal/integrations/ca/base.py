"""The certification centre's interface (удостоверяющий центр): issue, revoke, publish.

The portal signs the documents it issues with keys of its own (one per issuer); a
certification centre certifies those keys from a certificate signing request, revokes
certificates on request and publishes what relying parties need to check a signature:
its root certificates (trust anchors), intermediate certificates and current
certificate revocation lists. Certificates are exchanged as DER bytes.
"""

import datetime
from dataclasses import dataclass
from typing import Protocol


class CertificationCentreError(ValueError):
    """The centre refused the request (bad request, unknown certificate); ``str`` says why."""


class CertificationCentreUnavailable(Exception):
    """The centre did not answer; the same request may succeed later."""


# RFC 5280 reason codes the portal uses, by name (x509.ReasonFlags values).
REVOCATION_REASONS = ("unspecified", "key_compromise", "superseded", "cessation_of_operation")


@dataclass(frozen=True)
class IssuedCertificate:
    certificate: bytes  # DER
    chain: tuple[bytes, ...]  # DER, from the issuing CA up to (and including) the root


class CertificationCentre(Protocol):
    def issue_certificate(self, *, csr_pem: bytes, valid_days: int) -> IssuedCertificate:
        """Certify the key of a PKCS#10 request; raise ``CertificationCentreError``."""
        ...

    def revoke_certificate(self, *, certificate: bytes, reason: str) -> datetime.datetime:
        """Revoke a certificate this centre issued; return the revocation time."""
        ...

    def trust_anchors(self) -> list[bytes]:
        """Root certificates a relying party trusts (DER)."""
        ...

    def intermediates(self) -> list[bytes]:
        """Intermediate CA certificates that complete the paths (DER)."""
        ...

    def current_crls(self) -> list[bytes]:
        """The current CRLs of every CA in the hierarchy (DER)."""
        ...


def get_certification_centre() -> CertificationCentre:
    from gosportal.integrations import adapter

    return adapter("CERTIFICATION_CENTRE")

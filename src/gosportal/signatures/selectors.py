"""Reads of the issuers' signing certificates."""

from django.utils import timezone

from gosportal.signatures.models import SigningCertificate


def current_certificate(issuer_code: str) -> SigningCertificate | None:
    """The issuer's certificate fit to sign now (valid, not revoked), the longest-lived."""
    now = timezone.now()
    return (
        SigningCertificate.objects.filter(
            issuer_code=issuer_code, revoked_at__isnull=True, valid_from__lte=now, valid_to__gt=now
        )
        .order_by("-valid_to", "-pk")
        .first()
    )

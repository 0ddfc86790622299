"""Reads of issued documents: the owner's list and the public register look-up."""

from django.db.models import QuerySet

from gosportal.documents.models import IssuedDocument


def documents_of(user) -> QuerySet[IssuedDocument]:
    """The documents issued to ``user``, newest first."""
    return IssuedDocument.objects.filter(owner=user).order_by("-issued_at", "-pk")


def document_by_number(number: str) -> IssuedDocument | None:
    """The register entry for a (normalised) number, for the public verification page."""
    return IssuedDocument.objects.filter(number=number).first()

"""Reads of issued documents: the owner's list and the public register look-up."""

from django.db.models import QuerySet

from gosportal.documents.models import IssuedDocument


def documents_of(user) -> QuerySet[IssuedDocument]:
    """The documents issued to ``user``, newest first."""
    return IssuedDocument.objects.filter(owner=user).order_by("-issued_at", "-pk")


def document_by_number(number: str) -> IssuedDocument | None:
    """The register entry for a (normalised) number, for the public verification page."""
    return IssuedDocument.objects.filter(number=number).first()


def documents_for_reference(user, reference: str) -> list[IssuedDocument]:
    """``user``'s documents issued in answer to ``reference`` (an application's number)."""
    if not reference or user is None or not user.is_authenticated:
        return []
    return list(documents_of(user).filter(reference=reference))

"""Documents the portal issues (OFF-3, DOC-3): the register that the public
verification page reads, and the counter behind the documents' numbers."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.models import User
from gosportal.signatures.models import SigningCertificate


class IssuedDocument(models.Model):
    """A signed PDF issued to a person; the file itself is in the encrypted vault.

    ``number`` is public (printed on the document, in its QR code) and reveals nothing
    about the owner; ``sha256`` is the hash of the final signed file, so an uploaded
    copy is recognised byte for byte.
    """

    number = models.CharField(_("номер"), max_length=20, unique=True)
    title = models.CharField(_("название"), max_length=300)
    owner = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="issued_documents"
    )
    issuer_name = models.CharField(_("выдал"), max_length=300)
    certificate = models.ForeignKey(
        SigningCertificate, on_delete=models.PROTECT, related_name="documents"
    )
    issued_at = models.DateTimeField(_("выдан"))
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    vault_name = models.CharField(max_length=40, blank=True)  # empty once erased
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True)
    revocation_reason = models.CharField(_("причина отзыва"), max_length=500, blank=True)
    # What the document answers, e.g. the number of the application it decides (OFF-3).
    reference = models.CharField(_("основание"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("выданный документ")
        verbose_name_plural = _("выданные документы")
        indexes = [
            models.Index(fields=["owner", "-issued_at"]),
            models.Index(fields=["reference"], name="issued_document_reference"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DocumentNumberSequence(models.Model):
    """The last number used per year; incremented under a row lock."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"

"""Issuing signed documents and checking them (OFF-3, DOC-3).

``issue_document`` renders a template to PDF/A with a QR code leading to the public
verification page, signs it with the issuer's key (PAdES), keeps the signed file in the
encrypted vault and registers its number and hash, emitting ``documents.issued``
(``events.py``: the notification centre tells the owner after commit).
``verify_upload`` tells whoever holds a file whether the portal issued it unchanged; the
number look-up tells whether a number was issued, by whom, when and whether it still
stands — never to whom.
"""

import dataclasses
import hashlib
import re

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.core import audit, pdf, vault
from gosportal.core.errors import Conflict, InvalidInput, NotFound
from gosportal.core.events import Event, emit
from gosportal.core.files import PDF, check_upload
from gosportal.documents.events import DocumentEvent
from gosportal.documents.models import DocumentNumberSequence, IssuedDocument
from gosportal.signatures.models import SigningCertificate
from gosportal.signatures.pades import Outcome, Verification, check_can_sign, sign_pdf, verify_pdf

VAULT_PURPOSE = "issued_document"
NUMBER_PREFIX = "DOC"
NUMBER_RE = re.compile(r"DOC-(\d{4})-(\d{6,})")
UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def format_number(year: int, sequence: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{sequence:06d}"


def normalize_number(text: str) -> str:
    """A typed number in its canonical form: spaces gone, upper case, «ДОК» read as DOC.

    Raises ``InvalidInput`` (field ``number``) when it is not shaped like a number.
    """
    value = re.sub(r"\s+", "", text or "").upper().replace("ДОК", NUMBER_PREFIX)
    value = value.replace("—", "-").replace("–", "-")
    if not value:
        raise InvalidInput(_("Введите номер документа."), field="number")
    if not NUMBER_RE.fullmatch(value):
        raise InvalidInput(_("Номер документа указывается в виде DOC-2026-000123."), field="number")
    return value


def verify_url(number: str) -> str:
    return settings.SITE_URL + reverse("documents:verify_number", kwargs={"number": number})


def next_number(year: int) -> str:
    """The next free number of ``year``; unique under concurrent issuers (row lock)."""
    # A short transaction of its own where possible: a gap after a failed issue is fine,
    # holding the counter's lock through rendering and signing is not.
    with transaction.atomic():
        DocumentNumberSequence.objects.get_or_create(year=year)
        DocumentNumberSequence.objects.filter(year=year).update(last=F("last") + 1)
        last = DocumentNumberSequence.objects.get(year=year).last
    return format_number(year, last)


def issue_document(
    *,
    owner,
    title: str,
    template_name: str,
    context: dict,
    certificate: SigningCertificate,
    actor=None,
    reference: str = "",
) -> IssuedDocument:
    """Render, sign, store and register a document for ``owner``; the row is returned.

    ``reference`` names what the document answers (an application's number), so the
    page of that application can offer it."""
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(_("Укажите название документа."), field="title")
    check_can_sign(certificate)
    issued_at = timezone.now()
    number = next_number(timezone.localtime(issued_at).year)
    link = verify_url(number)
    document = {
        "number": number,
        "title": title,
        "issued_at": issued_at,
        "issuer_name": certificate.issuer_name,
        "verify_url": link,
        "qr": pdf.qr_data_uri(link),
        "certificate_serial": certificate.serial,
        "certificate_valid_from": certificate.valid_from,
        "certificate_valid_to": certificate.valid_to,
    }
    rendered = pdf.render_pdf(template_name, {**context, "document": document})
    signed = sign_pdf(
        rendered,
        certificate=certificate,
        reason=_("Документ %(number)s выдан через Госпортал") % {"number": number},
        location=settings.SITE_URL,
    )
    name = vault.store(signed, purpose=VAULT_PURPOSE)
    try:
        with transaction.atomic():
            row = IssuedDocument.objects.create(
                number=number,
                title=title,
                owner=owner,
                issuer_name=certificate.issuer_name,
                certificate=certificate,
                issued_at=issued_at,
                sha256=hashlib.sha256(signed).hexdigest(),
                size=len(signed),
                vault_name=name,
                reference=reference[:40],
            )
            audit.record(
                "documents.issued",
                actor=actor,
                obj=row,
                details={"owner_id": getattr(owner, "pk", None), "certificate_id": certificate.pk},
            )
            emit(
                Event(
                    DocumentEvent.ISSUED,
                    {
                        "document_id": row.pk,
                        "number": number,
                        "owner_id": getattr(owner, "pk", None),
                        "title": title,
                        "reference": row.reference,
                    },
                )
            )
    except Exception:
        vault.delete(name, purpose=VAULT_PURPOSE)
        raise
    return row


def revoke_document(*, document: IssuedDocument, reason: str, actor=None) -> IssuedDocument:
    """Mark an issued document as no longer valid; the verification page says so."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(_("Укажите причину отзыва документа."), field="reason")
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.revoked_at is not None:
            raise Conflict(_("Документ уже отозван."))
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason[:500]
        locked.save(update_fields=["revoked_at", "revocation_reason"])
        audit.record("documents.revoked", actor=actor, obj=locked)
    return locked


def document_file(*, user, number: str) -> tuple[IssuedDocument, bytes]:
    """The owner's document and its signed PDF; anyone else gets ``NotFound``."""
    document = IssuedDocument.objects.filter(number=number, owner=user).first()
    if document is None or not user.is_authenticated or not document.vault_name:
        raise NotFound(_("Документ не найден."))
    content = vault.read(document.vault_name, purpose=VAULT_PURPOSE)
    audit.record("documents.downloaded", actor=user, obj=document)
    return document, content


def erase_documents_of(user) -> None:
    """Account deletion: the files (they carry personal data) go; the register stays, so
    the numbers can still be checked."""
    for document in IssuedDocument.objects.filter(owner=user).exclude(vault_name=""):
        transaction.on_commit(
            lambda name=document.vault_name: vault.delete(name, purpose=VAULT_PURPOSE)
        )
    IssuedDocument.objects.filter(owner=user).update(vault_name="", owner=None)


# --- verification (DOC-3) -------------------------------------------------------------


class Verdict:
    AUTHENTIC = "authentic"
    DOCUMENT_REVOKED = "document_revoked"
    MODIFIED = "modified"
    UNTRUSTED = "untrusted"
    CERTIFICATE_REVOKED = "certificate_revoked"
    NOT_ISSUED = "not_issued"
    DAMAGED = "damaged"


@dataclasses.dataclass(frozen=True)
class UploadCheck:
    verdict: str
    headline: str
    explanation: str
    file_name: str
    verification: Verification
    document: IssuedDocument | None = None

    @property
    def authentic(self) -> bool:
        return self.verdict == Verdict.AUTHENTIC


def _upload_verdict(verification: Verification, document: IssuedDocument | None):
    outcome = verification.outcome
    if outcome is Outcome.AUTHENTIC and document is not None and not document.is_revoked:
        return (
            Verdict.AUTHENTIC,
            _("Документ подлинный"),
            _(
                "Подпись верна, файл не изменялся после подписания и совпадает с документом, "
                "выданным через портал."
            ),
        )
    if outcome is Outcome.AUTHENTIC and document is not None:
        return (
            Verdict.DOCUMENT_REVOKED,
            _("Документ отозван"),
            _(
                "Файл не изменялся, но выдавшая организация отозвала этот документ: он больше "
                "не действует."
            ),
        )
    if outcome is Outcome.MODIFIED:
        return Verdict.MODIFIED, _("Документ изменён после подписания"), verification.reason
    if outcome is Outcome.UNTRUSTED:
        return Verdict.UNTRUSTED, _("Подпись не удостоверена"), verification.reason
    if outcome is Outcome.REVOKED:
        return Verdict.CERTIFICATE_REVOKED, _("Сертификат подписи отозван"), verification.reason
    if outcome is Outcome.DAMAGED:
        return Verdict.DAMAGED, _("Документ не удалось проверить"), verification.reason
    if outcome is Outcome.UNSIGNED:
        return Verdict.NOT_ISSUED, _("Документ не выдавался порталом"), verification.reason
    return (
        Verdict.NOT_ISSUED,
        _("Документ не выдавался порталом"),
        _("Подпись верна, но документа с таким содержимым в реестре выданных документов нет."),
    )


def verify_upload(upload) -> UploadCheck:
    """Check an uploaded PDF against its signature and the register; nothing is stored."""
    checked = check_upload(upload, allowed=[PDF], max_bytes=UPLOAD_MAX_BYTES, field="file")
    verification = verify_pdf(checked.content)
    document = (
        IssuedDocument.objects.filter(sha256=checked.sha256).select_related("certificate").first()
    )
    verdict, headline, explanation = _upload_verdict(verification, document)
    return UploadCheck(
        verdict=verdict,
        headline=headline,
        explanation=explanation,
        file_name=checked.name,
        verification=verification,
        document=document,
    )

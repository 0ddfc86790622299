"""PAdES signatures on PDF documents the portal issues (OFF-3, DOC-3).

``sign_pdf`` adds a PAdES baseline B-B signature (CMS with signed attributes, SHA-256,
the whole chain embedded) as an incremental update, so the signed file is still the
PDF/A the template produced. ``verify_pdf`` checks a PDF someone hands us: the
signature's integrity, whether it covers the whole file, whether the certificate chains
to a trust anchor of the certification centre and is not revoked by its current CRL
(fetched through the adapter, never from a URL inside the file). The verdict is one
``Outcome`` with a Russian explanation.
"""

import asyncio
import enum
import io
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from gosportal.core.errors import Conflict
from gosportal.integrations.ca.base import get_certification_centre
from gosportal.signatures.models import SigningCertificate
from gosportal.signatures.pem import pem_blocks_to_der, pem_to_der

logger = logging.getLogger(__name__)

FIELD_NAME = "Signature1"
T = TypeVar("T")


class Outcome(enum.StrEnum):
    AUTHENTIC = "authentic"
    MODIFIED = "modified"  # changed after signing
    UNTRUSTED = "untrusted"  # the certificate does not chain to a trust anchor
    REVOKED = "revoked"  # the certificate is revoked
    UNSIGNED = "unsigned"  # a PDF without a signature
    DAMAGED = "damaged"  # not a readable PDF or signature


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    intact: bool = False
    trusted: bool = False
    revoked: bool = False
    covers_whole_document: bool = False
    signed_by: str = ""
    signed_at: datetime | None = None
    certificate_serial: str = ""
    reason: str = ""  # in Russian, for the person checking the document

    @property
    def authentic(self) -> bool:
        return self.outcome is Outcome.AUTHENTIC


def run_coroutine(make_coroutine: Callable[[], Awaitable[T]]) -> T:
    """Run one of pyHanko's coroutines to completion from synchronous code.

    pyHanko's synchronous wrappers call ``asyncio.run``, which fails in a thread that
    already runs an event loop (an async caller, a test driving a browser); there the
    coroutine runs on a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def check_can_sign(certificate: SigningCertificate) -> None:
    """SIG-3: a revoked or expired (or not yet valid) certificate cannot sign."""
    now = timezone.now()
    if certificate.revoked_at is not None:
        raise Conflict(_("Сертификат подписи отозван: подписать документ им нельзя."))
    if not certificate.valid_from <= now < certificate.valid_to:
        raise Conflict(_("Сертификат подписи недействителен на текущую дату."))


def sign_pdf(
    pdf: bytes, *, certificate: SigningCertificate, reason: str = "", location: str = ""
) -> bytes:
    """The PDF with a PAdES B-B signature of ``certificate``'s key added (invisible field)."""
    check_can_sign(certificate)
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(pem_to_der(certificate.certificate_pem)),
        signing_key=asn1_keys.PrivateKeyInfo.load(pem_to_der(certificate.private_key)),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(der) for der in pem_blocks_to_der(certificate.chain_pem)]
        ),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=certificate.issuer_name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    try:
        output = run_coroutine(
            lambda: signers.PdfSigner(metadata, signer=signer).async_sign_pdf(writer)
        )
    except SigningError as exc:
        raise Conflict(_("Не удалось подписать документ.")) from exc
    return output.getvalue()


def _validation_context() -> ValidationContext:
    centre = get_certification_centre()
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in centre.trust_anchors()],
        other_certs=[asn1_x509.Certificate.load(der) for der in centre.intermediates()],
        crls=list(centre.current_crls()),
        allow_fetching=False,
        # Every certificate of the path must be covered by a current CRL.
        revocation_mode="hard-fail",
    )


def _signer_name(status: PdfSignatureStatus) -> str:
    subject = status.signing_cert.subject.native
    return subject.get("organization_name") or subject.get("common_name") or ""


def _verdict(status: PdfSignatureStatus) -> Verification:
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    facts = {
        "intact": bool(status.intact and status.valid),
        "trusted": bool(status.trusted),
        "revoked": bool(status.revoked),
        "covers_whole_document": whole,
        "signed_by": _signer_name(status),
        "signed_at": status.signer_reported_dt,
        "certificate_serial": format(status.signing_cert.serial_number, "x"),
    }
    if not facts["intact"]:
        outcome = Outcome.MODIFIED
        reason = _("Документ изменён после подписания: подпись не соответствует содержимому.")
    elif status.revoked:
        outcome = Outcome.REVOKED
        reason = _("Сертификат, которым подписан документ, отозван удостоверяющим центром.")
    elif not status.trusted:
        outcome = Outcome.UNTRUSTED
        reason = _(
            "Документ подписан сертификатом, который не выдан доверенным удостоверяющим "
            "центром или недействителен."
        )
    elif not whole:
        outcome = Outcome.MODIFIED
        reason = _("После подписания в документ внесены изменения.")
    else:
        outcome = Outcome.AUTHENTIC
        reason = _("Подпись верна, документ не изменялся после подписания.")
    return Verification(outcome=outcome, reason=reason, **facts)


def verify_pdf(pdf: bytes) -> Verification:
    """Check every signature of ``pdf``; the verdict is the first failing one, or the last."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # any parsing failure of an untrusted file means "damaged"
        logger.info("verify_pdf: unreadable PDF", exc_info=True)
        return Verification(outcome=Outcome.DAMAGED, reason=_("Файл не читается как PDF."))
    if not signatures:
        return Verification(
            outcome=Outcome.UNSIGNED, reason=_("В документе нет электронной подписи.")
        )
    context = _validation_context()
    verdict = None
    for embedded in signatures:
        try:
            status = run_coroutine(lambda sig=embedded: async_validate_pdf_signature(sig, context))
        except Exception:  # a malformed signature cannot be trusted
            logger.info("verify_pdf: unreadable signature", exc_info=True)
            return Verification(
                outcome=Outcome.DAMAGED,
                reason=_("Электронная подпись в документе повреждена и не читается."),
            )
        verdict = _verdict(status)
        if not verdict.authentic:
            return verdict
    return verdict

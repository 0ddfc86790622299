"""PAdES signing and verification of issued documents (OFF-3, DOC-3, SIG-3)."""

import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from gosportal.core.errors import Conflict
from gosportal.signatures.pades import Outcome, sign_pdf, verify_pdf
from gosportal.signatures.services import revoke_signing_certificate
from tests.signatures.helpers import self_made_certificate

pytestmark = [pytest.mark.django_db, pytest.mark.real_pdf]


def _flip_byte_in_page_content(signed: bytes) -> bytes:
    """Change one byte inside the first page's content stream (covered by the signature)."""
    reader = PdfFileReader(io.BytesIO(signed))
    page = reader.root["/Pages"]["/Kids"][0]
    reference = page.raw_get("/Contents")
    marker = f"\n{reference.idnum} {reference.generation} obj".encode()
    start = signed.index(b"stream", signed.index(marker)) + len(b"stream\n") + 20
    changed = bytearray(signed)
    changed[start] ^= 0x01
    return bytes(changed)


def test_signed_document_verifies_as_authentic(unsigned_pdf, certificate):
    signed = sign_pdf(unsigned_pdf, certificate=certificate, reason="Проверка")

    result = verify_pdf(signed)

    assert result.outcome is Outcome.AUTHENTIC
    assert result.intact and result.trusted and result.covers_whole_document
    assert not result.revoked
    assert result.signed_by == "Госпортал (демонстрационный стенд)"
    assert result.certificate_serial == certificate.serial
    assert abs(result.signed_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert result.reason == "Подпись верна, документ не изменялся после подписания."


def test_signature_embeds_the_whole_chain(unsigned_pdf, certificate):
    signed = sign_pdf(unsigned_pdf, certificate=certificate)

    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    subjects = {cert.subject.native["common_name"] for cert in signature.other_embedded_certs}
    assert subjects == {
        "Выдающий УЦ Госпортала (песочница)",
        "Корневой УЦ Госпортала (песочница)",
    }


def test_one_byte_changed_after_signing_fails_as_modified(unsigned_pdf, certificate):
    signed = sign_pdf(unsigned_pdf, certificate=certificate)

    result = verify_pdf(_flip_byte_in_page_content(signed))

    assert result.outcome is Outcome.MODIFIED
    assert not result.intact
    assert "изменён после подписания" in result.reason


def test_content_appended_after_signing_fails_as_modified(unsigned_pdf, certificate):
    signed = sign_pdf(unsigned_pdf, certificate=certificate)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = writer.root.get("/Lang")  # an update with a changed catalogue
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)

    result = verify_pdf(output.getvalue())

    assert result.outcome is Outcome.MODIFIED
    assert result.intact  # the signed bytes are untouched…
    assert not result.covers_whole_document  # …but more was added after them


def test_document_signed_by_a_self_made_certificate_is_untrusted(unsigned_pdf):
    forged = sign_pdf(unsigned_pdf, certificate=self_made_certificate())

    result = verify_pdf(forged)

    assert result.outcome is Outcome.UNTRUSTED
    assert result.intact and not result.trusted
    assert result.signed_by == "Госпортал (демонстрационный стенд)"
    assert "не выдан доверенным удостоверяющим центром" in result.reason


def test_document_signed_before_the_certificate_was_revoked_shows_revoked(
    unsigned_pdf, certificate
):
    signed = sign_pdf(unsigned_pdf, certificate=certificate)
    revoke_signing_certificate(certificate=certificate, reason="key_compromise")

    result = verify_pdf(signed)

    assert result.outcome is Outcome.REVOKED
    assert result.revoked and result.intact
    assert result.reason == "Сертификат, которым подписан документ, отозван удостоверяющим центром."


def test_revoked_certificate_cannot_sign(unsigned_pdf, certificate):
    revoke_signing_certificate(certificate=certificate)

    with pytest.raises(Conflict, match="отозван"):
        sign_pdf(unsigned_pdf, certificate=certificate)


def test_expired_certificate_cannot_sign(unsigned_pdf, certificate):
    expired = certificate.valid_to + datetime.timedelta(seconds=1)
    with (
        time_machine.travel(expired, tick=False),
        pytest.raises(Conflict, match="недействителен"),
    ):
        sign_pdf(unsigned_pdf, certificate=certificate)


def test_pdf_without_signature_is_reported_unsigned(unsigned_pdf):
    result = verify_pdf(unsigned_pdf)

    assert result.outcome is Outcome.UNSIGNED
    assert result.reason == "В документе нет электронной подписи."


def test_garbage_is_reported_damaged():
    result = verify_pdf(b"%PDF-1.7\nthis is not a pdf\n%%EOF")

    assert result.outcome is Outcome.DAMAGED

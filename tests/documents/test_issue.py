"""Issuing signed documents (OFF-3, DOC-3): number, QR link, signature, vault, audit."""

import base64
import hashlib
import io

import pytest
import time_machine
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from gosportal.accounts.deletion import delete_account
from gosportal.core import vault
from gosportal.core.errors import Conflict, InvalidInput
from gosportal.core.models import AuditEvent
from gosportal.core.pdf import qr_data_uri
from gosportal.documents.models import IssuedDocument
from gosportal.documents.services import (
    VAULT_PURPOSE,
    issue_document,
    normalize_number,
    revoke_document,
    verify_url,
)
from gosportal.signatures.pades import Outcome, verify_pdf
from gosportal.signatures.services import revoke_signing_certificate

pytestmark = [pytest.mark.django_db, pytest.mark.real_pdf]


def test_issued_document_is_signed_registered_and_stored_encrypted(issued, owner):
    content = vault.read(issued.vault_name, purpose=VAULT_PURPOSE)

    assert issued.owner == owner
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert issued.size == len(content)
    assert verify_pdf(content).outcome is Outcome.AUTHENTIC
    raw = vault.raw(issued.vault_name, purpose=VAULT_PURPOSE)
    assert not raw.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="documents.issued")
    assert event.object_id == str(issued.pk)
    assert event.details["owner_id"] == owner.pk


def test_document_carries_a_qr_link_to_its_verification_page(issued, settings):
    content = vault.read(issued.vault_name, purpose=VAULT_PURPOSE)
    reader = PdfFileReader(io.BytesIO(content))
    page = reader.root["/Pages"]["/Kids"][0]
    images = [image.get_object() for image in page["/Resources"]["/XObject"].values()]
    qr = Image.open(io.BytesIO(base64.b64decode(qr_data_uri(verify_url(issued.number))[22:])))

    # The only image is the QR code of the page's own verification address.
    assert [(image["/Width"], image["/Height"]) for image in images] == [qr.size]
    assert issued.title in reader.root["/Metadata"].data.decode()
    assert verify_url(issued.number) == f"{settings.SITE_URL}/verify/{issued.number}/"


def test_numbers_are_readable_unique_and_count_per_year(owner, certificate):
    kwargs = {
        "owner": owner,
        "title": "Письмо",
        "template_name": "documents/pdf/letter.html",
        "context": {},
        "certificate": certificate,
    }
    with time_machine.travel("2026-12-31 20:00:00+00:00", tick=False):
        # 23:00 in Moscow: still 2026 there.
        first = issue_document(**kwargs)
    with time_machine.travel("2026-12-31 21:30:00+00:00", tick=False):
        second = issue_document(**kwargs)

    assert first.number == "DOC-2026-000001"
    assert second.number == "DOC-2027-000001"


def test_revoked_certificate_cannot_issue(owner, certificate):
    revoke_signing_certificate(certificate=certificate)

    with pytest.raises(Conflict):
        issue_document(
            owner=owner,
            title="Письмо",
            template_name="documents/pdf/letter.html",
            context={},
            certificate=certificate,
        )

    assert IssuedDocument.objects.count() == 0


def test_revoking_a_document_is_recorded(issued):
    revoked = revoke_document(document=issued, reason="Выдан по ошибке")

    assert revoked.revoked_at is not None
    assert revoked.revocation_reason == "Выдан по ошибке"
    with pytest.raises(Conflict):
        revoke_document(document=revoked, reason="Ещё раз")
    with pytest.raises(InvalidInput):
        revoke_document(document=revoked, reason="  ")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("DOC-2026-000123", "DOC-2026-000123"),
        (" doc-2026-000123 ", "DOC-2026-000123"),
        ("ДОК-2026-000123", "DOC-2026-000123"),
        ("DOC–2026–000123", "DOC-2026-000123"),
    ],
)
def test_typed_numbers_are_normalised(typed, expected):
    assert normalize_number(typed) == expected


@pytest.mark.parametrize("typed", ["", "123", "DOC-26-1", "DOC-2026-12a456"])
def test_malformed_numbers_are_refused(typed):
    with pytest.raises(InvalidInput) as caught:
        normalize_number(typed)

    assert caught.value.field == "number"


def test_account_deletion_erases_the_file_but_keeps_the_register(
    issued, owner, django_capture_on_commit_callbacks
):
    name = issued.vault_name
    assert vault.exists(name, purpose=VAULT_PURPOSE)

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(owner)

    issued.refresh_from_db()
    assert issued.owner is None
    assert issued.vault_name == ""
    assert IssuedDocument.objects.filter(number=issued.number).exists()
    assert not vault.exists(name, purpose=VAULT_PURPOSE)


def test_an_issued_document_is_a_domain_event_the_owner_hears_of_once(issued, owner):
    from gosportal.core import events
    from gosportal.core.models import OutboxEvent
    from gosportal.notifications.models import Notification

    event = OutboxEvent.objects.get(name="documents.issued")
    assert event.payload["document_id"] == issued.pk and event.payload["owner_id"] == owner.pk
    events.drain()
    events.drain()
    [notice] = Notification.objects.filter(user=owner, event_type="document_ready")
    assert notice.source_event_id == event.pk
    assert "Выписка о подтверждении личности" in notice.title

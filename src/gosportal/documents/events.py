"""Domain events of issued documents, recorded through the outbox
(``core.events.emit``) in the transaction that registers the document."""

from enum import StrEnum


class DocumentEvent(StrEnum):
    # Payload: document_id, number, owner_id, title, reference (an application's number).
    ISSUED = "documents.issued"

"""Domain events of applications, recorded through the outbox (``core.events.emit``) in
the transaction of the change; listeners (the notification centre) subscribe by name."""

from enum import StrEnum


class ApplicationEvent(StrEnum):
    # Every status change. Payload: application_id, applicant_id, number, service, url,
    # from_status, to_status, visible_to_applicant, notice (what the applicant is told
    # instead of the bare status label: an appeal's decision), question and
    # clarification_due (ISO date) for a request for clarification.
    STATUS_CHANGED = "applications.status_changed"

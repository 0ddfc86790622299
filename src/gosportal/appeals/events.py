"""Domain events of appeals, recorded through the outbox (``core.events.emit``) in the
transaction of the decision. The applicant hears of the decision through the status
change it makes (``applications.status_changed`` carries it as ``notice``)."""

from enum import StrEnum


class AppealEvent(StrEnum):
    # Payload: appeal_id, number, application_id, applicant_id, agency_id, outcome
    # ("uphold" or "dismiss"), to_status.
    DECIDED = "appeals.decided"

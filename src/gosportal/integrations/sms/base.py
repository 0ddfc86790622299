"""The SMS gateway interface (SMS operator)."""

from dataclasses import dataclass
from typing import Protocol


class SmsError(Exception):
    """The gateway refused the message. ``temporary`` errors may succeed on a retry."""

    def __init__(self, reason: str, *, temporary: bool):
        self.reason = reason
        self.temporary = temporary
        super().__init__(reason)


@dataclass(frozen=True)
class SmsReceipt:
    provider_id: str
    status: str  # "sending", "delivered", "temporary-failure", "permanent-failure"


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str) -> SmsReceipt:
        """Send ``text`` to an E.164 number; raise ``SmsError`` when refused."""
        ...

    # Optional: ``send_many(messages: list[SmsMessage]) -> list[SmsReceipt | SmsError]``
    # sends a batch in one request (an operator's bulk API); without it the portal calls
    # ``send`` concurrently, one request per message.

    def status(self, *, provider_id: str) -> SmsReceipt:
        """The operator's latest delivery report for a sent message (a status query)."""
        ...

    def push_receipts(self) -> int:
        """Deliver the delivery reports the operator owes to the portal's receipt endpoint.

        A real operator posts them on its own (return 0); the sandbox posts them when the
        worker calls this after sending. Returns how many the portal accepted.
        """
        ...


def get_sms_gateway() -> SmsGateway:
    from gosportal.integrations import adapter

    return adapter("SMS_GATEWAY")

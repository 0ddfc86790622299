"""Sandbox SMS gateway: keeps every message in a table instead of a phone network.

Like an operator's test mode it has magic numbers (docs/sandbox.md):
+7 900 000-00-01 is refused for good (unknown subscriber), +7 900 000-00-02 fails
temporarily (operator unavailable), +7 900 000-00-03 is accepted as "sending" and its
delivery report says "delivered" a minute later (ask with ``status()``); every other
Russian mobile number is delivered at once.
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.sms.base import SmsError, SmsReceipt

PERMANENT_FAILURE_NUMBER = "+79000000001"
TEMPORARY_FAILURE_NUMBER = "+79000000002"
DELAYED_REPORT_NUMBER = "+79000000003"
REPORT_DELAY = timedelta(minutes=1)
MAX_LENGTH = 670  # ten concatenated Cyrillic parts


class SandboxSmsGateway:
    def send(self, *, to: str, text: str) -> SmsReceipt:
        if not to.startswith("+7") or len(to) != 12 or not to[1:].isdigit():
            raise SmsError("invalid destination number", temporary=False)
        if len(text) > MAX_LENGTH:
            raise SmsError("message too long", temporary=False)
        provider_id = uuid.uuid4().hex
        if to == TEMPORARY_FAILURE_NUMBER:
            status = SandboxMessage.Status.TEMPORARY_FAILURE
        elif to == PERMANENT_FAILURE_NUMBER:
            status = SandboxMessage.Status.PERMANENT_FAILURE
        else:
            status = SandboxMessage.Status.DELIVERED
        SandboxMessage.objects.create(
            channel=SandboxMessage.Channel.SMS,
            provider_id=provider_id,
            recipient=to,
            body=text,
            status=status,
        )
        if status == SandboxMessage.Status.TEMPORARY_FAILURE:
            raise SmsError("operator temporarily unavailable", temporary=True)
        if status == SandboxMessage.Status.PERMANENT_FAILURE:
            raise SmsError("unknown subscriber", temporary=False)
        if to == DELAYED_REPORT_NUMBER:
            return SmsReceipt(provider_id=provider_id, status="sending")
        return SmsReceipt(provider_id=provider_id, status="delivered")

    def status(self, *, provider_id: str) -> SmsReceipt:
        message = SandboxMessage.objects.filter(
            channel=SandboxMessage.Channel.SMS, provider_id=provider_id
        ).first()
        if message is None:
            raise SmsError("unknown message id", temporary=False)
        if (
            message.recipient == DELAYED_REPORT_NUMBER
            and timezone.now() < message.created_at + REPORT_DELAY
        ):
            return SmsReceipt(provider_id=provider_id, status="sending")
        return SmsReceipt(provider_id=provider_id, status=message.status)

"""Sandbox SMS gateway: keeps every message in a table instead of a phone network.

Like an operator's test mode it has magic numbers (docs/sandbox.md):

* +7 900 000-00-01 is refused for good at sending (unknown subscriber);
* +7 900 000-00-02 is refused temporarily at sending (operator unavailable);
* +7 900 000-00-03 is accepted as "sending"; its delivery report says "delivered" a
  minute later;
* +7 900 000-00-04 is accepted as "sending"; its report says "permanent-failure" (the
  handset never took it);
* +7 900 000-00-05 is accepted as "sending"; its report says "temporary-failure" (the
  phone is off: the portal tries again later);
* every other Russian mobile number is delivered at once.

A real operator posts each delivery report to the portal's receipt endpoint, signed
with the shared secret. The sandbox does the same from the worker: ``send`` notes the
report it owes, and ``push_receipts`` (called by the notification centre after
sending) posts the reports that are due to ``/notifications/receipts/sms/`` through
the in-process HTTP client (``core.http``), signed with ``SMS_RECEIPT_SECRET``. Owed
reports live in the worker's memory, so a restart loses them, as a real operator's
webhook may be lost: the status query (``status()``) still answers, and the portal's
polling falls back to it.
"""

import hashlib
import hmac
import json
import logging
import threading
import uuid
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from gosportal.core import http
from gosportal.integrations.models import SandboxMessage
from gosportal.integrations.sms.base import SmsError, SmsMessage, SmsReceipt

logger = logging.getLogger(__name__)

PERMANENT_FAILURE_NUMBER = "+79000000001"
TEMPORARY_FAILURE_NUMBER = "+79000000002"
DELAYED_REPORT_NUMBER = "+79000000003"
REPORTED_PERMANENT_FAILURE_NUMBER = "+79000000004"
REPORTED_TEMPORARY_FAILURE_NUMBER = "+79000000005"
REPORT_DELAY = timedelta(minutes=1)
MAX_LENGTH = 670  # ten concatenated Cyrillic parts
HTTP_TIMEOUT = 10

# Numbers accepted as "sending" whose report comes later: (final status, report delay).
REPORTED = {
    DELAYED_REPORT_NUMBER: (SandboxMessage.Status.DELIVERED, REPORT_DELAY),
    REPORTED_PERMANENT_FAILURE_NUMBER: (SandboxMessage.Status.PERMANENT_FAILURE, timedelta(0)),
    REPORTED_TEMPORARY_FAILURE_NUMBER: (SandboxMessage.Status.TEMPORARY_FAILURE, timedelta(0)),
}

# Reports owed to the portal: (due at, provider id, status), in this process's memory.
_owed: list[tuple[datetime, str, str]] = []
_owed_lock = threading.Lock()


def signature(body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the body with the secret the operator shares."""
    digest = hmac.new(settings.SMS_RECEIPT_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def forget_owed_receipts() -> None:
    """Drop the reports not yet posted (a restarted operator; tests start clean)."""
    with _owed_lock:
        _owed.clear()


class SandboxSmsGateway:
    def send(self, *, to: str, text: str) -> SmsReceipt:
        (result,) = self.send_many([SmsMessage(to=to, text=text)])
        if isinstance(result, SmsError):
            raise result
        return result

    def send_many(self, messages: list[SmsMessage]) -> list[SmsReceipt | SmsError]:
        """A batch in one request, as an operator's bulk API: one row per accepted or
        refused message, written in one insert; a result (receipt or error) per message."""
        rows, results, owed = [], [], []
        now = timezone.now()
        for message in messages:
            to, text = message.to, message.text
            if not to.startswith("+7") or len(to) != 12 or not to[1:].isdigit():
                results.append(SmsError("invalid destination number", temporary=False))
                continue
            if len(text) > MAX_LENGTH:
                results.append(SmsError("message too long", temporary=False))
                continue
            provider_id = uuid.uuid4().hex
            if to == TEMPORARY_FAILURE_NUMBER:
                status = SandboxMessage.Status.TEMPORARY_FAILURE
                results.append(SmsError("operator temporarily unavailable", temporary=True))
            elif to == PERMANENT_FAILURE_NUMBER:
                status = SandboxMessage.Status.PERMANENT_FAILURE
                results.append(SmsError("unknown subscriber", temporary=False))
            elif to in REPORTED:
                status = REPORTED[to][0]
                owed.append((now + REPORTED[to][1], provider_id, status))
                results.append(SmsReceipt(provider_id=provider_id, status="sending"))
            else:
                status = SandboxMessage.Status.DELIVERED
                results.append(SmsReceipt(provider_id=provider_id, status="delivered"))
            rows.append(
                SandboxMessage(
                    channel=SandboxMessage.Channel.SMS,
                    provider_id=provider_id,
                    recipient=to,
                    body=text,
                    status=status,
                    created_at=now,
                )
            )
        SandboxMessage.objects.bulk_create(rows)
        if owed:
            with _owed_lock:
                _owed.extend(owed)
        return results

    def status(self, *, provider_id: str) -> SmsReceipt:
        message = SandboxMessage.objects.filter(
            channel=SandboxMessage.Channel.SMS, provider_id=provider_id
        ).first()
        if message is None:
            raise SmsError("unknown message id", temporary=False)
        if message.recipient in REPORTED and timezone.now() < (
            message.created_at + REPORTED[message.recipient][1]
        ):
            return SmsReceipt(provider_id=provider_id, status="sending")
        return SmsReceipt(provider_id=provider_id, status=message.status)

    def push_receipts(self) -> int:
        """Post the delivery reports now due to the portal, signed; returns how many the
        portal accepted. Call outside a transaction (in-process HTTP, ``core.http``)."""
        now = timezone.now()
        with _owed_lock:
            due = [row for row in _owed if row[0] <= now]
            _owed[:] = [row for row in _owed if row[0] > now]
        if not due:
            return 0
        url = settings.SITE_URL + reverse("notifications:sms_receipt")
        accepted = 0
        with http.client(local=True, timeout=HTTP_TIMEOUT) as client:
            for _due_at, provider_id, status in due:
                body = json.dumps({"provider_id": provider_id, "status": status}).encode()
                headers = {"Content-Type": "application/json", "X-Signature": signature(body)}
                try:
                    response = client.post(url, content=body, headers=headers)
                except httpx.HTTPError:
                    logger.warning("sandbox SMS report %s not posted", provider_id, exc_info=True)
                    continue
                if response.status_code == 200:
                    accepted += 1
                else:  # like a lost webhook: the portal's polling picks the status up
                    logger.warning(
                        "sandbox SMS report %s refused: HTTP %s", provider_id, response.status_code
                    )
        return accepted

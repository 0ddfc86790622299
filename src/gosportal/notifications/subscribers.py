"""Outbox subscribers: where events enter the notification centre (NOT-5).

``notify`` is the generic event of ``core.notify``; ``accounts.security_notice`` is the
security notice of ``accounts.notices``, delivered here as a «security alert» on every
channel the user's preferences keep (at least one; sent at once).
``accounts.former_contact_notice`` is a security notice to a phone or address the
account no longer has: one delivery, sent at once, the address wiped from the event.
The domain events of applications (a status change, an appeal's decision riding on
it) and documents (issued) become the applicant's notifications here: those apps emit
their events and never call the notification centre.
Subscriber names are stable: the outbox records deliveries under them.
"""

import datetime
import logging

from django.urls import reverse

from gosportal.applications.events import ApplicationEvent
from gosportal.applications.models import Status
from gosportal.core.crypto import decrypt
from gosportal.core.events import subscribe
from gosportal.core.models import OutboxEvent
from gosportal.core.notify import EVENT as NOTIFY_EVENT
from gosportal.documents.events import DocumentEvent
from gosportal.notifications import services
from gosportal.notifications.types import EVENT_TYPES

logger = logging.getLogger(__name__)
SECURITY_NOTICE_EVENT = "accounts.security_notice"
FORMER_CONTACT_EVENT = "accounts.former_contact_notice"
FORMER_CONTACT_CONTEXT = "outbox:former-contact"  # as accounts.notices encrypts it


@subscribe(NOTIFY_EVENT, name="notifications.notify")
def on_notify(event) -> None:
    data = event.payload
    type_key = data.get("type")
    if type_key not in EVENT_TYPES:
        # Retrying cannot fix a wrong type: log it and let the event complete.
        logger.error("notify event %s names unknown type %r", event.pk, type_key)
        return
    services.create_notification(
        event_id=event.pk,
        user_id=data["user_id"],
        type_key=type_key,
        payload=dict(data.get("payload") or {}),
    )


@subscribe(SECURITY_NOTICE_EVENT, name="notifications.security_notice")
def on_security_notice(event) -> None:
    data = event.payload
    services.create_notification(
        event_id=event.pk,
        user_id=data["user_id"],
        type_key="security_alert",
        payload={
            "subject": data.get("subject", ""),
            "text": data.get("text", ""),
            "url": "/accounts/security/",
        },
    )


@subscribe(FORMER_CONTACT_EVENT, name="notifications.former_contact_notice")
def on_former_contact_notice(event) -> None:
    data = event.payload
    if not data.get("contact"):
        return  # taken already; the address is gone from the row
    services.notify_former_contact(
        event_id=event.pk,
        user_id=data["user_id"],
        channel=data.get("channel", ""),
        destination=decrypt(data["contact"], context=FORMER_CONTACT_CONTEXT),
        subject=data.get("subject", ""),
        text=data.get("text", ""),
    )
    # The delivery keeps the address (encrypted, like every delivery); the event need not.
    OutboxEvent.objects.filter(pk=event.pk).update(payload={**data, "contact": ""})


@subscribe(ApplicationEvent.STATUS_CHANGED, name="notifications.application_status")
def on_application_status(event) -> None:
    """The applicant hears of every status change they may see: a submission as
    «Заявление отправлено», a request for clarification as its own type (NOT-3: SMS by
    default), anything else as «Статус заявления изменён» with the status or the notice."""
    data = event.payload
    if not data.get("visible_to_applicant", True):
        return
    payload = {"application_number": data["number"], "service": data["service"]}
    payload["url"] = data["url"]
    to, previous = data["to_status"], data["from_status"]
    if to == Status.SUBMITTED:
        type_key = "application_submitted"
    elif to == Status.CLARIFICATION and previous != Status.CANCELLED:
        # (a restored application goes back to waiting and is told so as a status change)
        type_key = "clarification_requested"
        due = data.get("clarification_due")
        payload["question"] = data.get("question", "")
        payload["date"] = datetime.date.fromisoformat(due).strftime("%d.%m.%Y") if due else ""
    else:
        type_key = "status_changed"
        payload["status"] = data.get("notice") or str(Status(to).label)
    services.create_notification(
        event_id=event.pk, user_id=data["applicant_id"], type_key=type_key, payload=payload
    )


@subscribe(DocumentEvent.ISSUED, name="notifications.document_issued")
def on_document_issued(event) -> None:
    data = event.payload
    if not data.get("owner_id"):
        return
    services.create_notification(
        event_id=event.pk,
        user_id=data["owner_id"],
        type_key="document_ready",
        payload={"document": data["title"], "url": reverse("documents:list")},
    )

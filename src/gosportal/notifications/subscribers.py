"""Outbox subscribers: where events enter the notification centre (NOT-5).

``notify`` is the generic event of ``core.notify``; ``accounts.security_notice`` is the
security notice of ``accounts.notices``, delivered here as a «security alert» on every
channel the user's preferences keep (at least one; sent at once).
``accounts.former_contact_notice`` is a security notice to a phone or address the
account no longer has: one delivery, sent at once, the address wiped from the event.
Subscriber names are stable: the outbox records deliveries under them.
"""

import logging

from gosportal.core.crypto import decrypt
from gosportal.core.events import subscribe
from gosportal.core.models import OutboxEvent
from gosportal.core.notify import EVENT as NOTIFY_EVENT
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

"""Outbox subscribers: where events enter the notification centre (NOT-5).

``notify`` is the generic event of ``core.notify``; ``accounts.security_notice`` is the
security notice of ``accounts.notices``, delivered here as a «security alert» on every
channel the user's preferences keep (at least one; sent at once).
Subscriber names are stable: the outbox records deliveries under them.
"""

import logging

from gosportal.core.events import subscribe
from gosportal.core.notify import EVENT as NOTIFY_EVENT
from gosportal.notifications import services
from gosportal.notifications.types import EVENT_TYPES

logger = logging.getLogger(__name__)
SECURITY_NOTICE_EVENT = "accounts.security_notice"


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

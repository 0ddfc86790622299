"""Arrange helpers for notification tests: a notification made the way production makes
one (an outbox event handled by the real subscriber)."""

import re

from gosportal.core import events
from gosportal.core.notify import notify
from gosportal.integrations.models import SandboxMessage
from gosportal.notifications.models import Notification


def notification_for(user, type_key: str = "document_ready", **payload) -> Notification:
    """Emit a notify event and hand it to the subscribers now; returns the new inbox row."""
    payload = payload or {"document": "Справка о доходах", "url": "/notifications/"}
    notify(user.pk, type_key, **payload)
    events.drain()
    return Notification.objects.filter(user=user).order_by("-id").first()


def last_code(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).order_by("-id").first()
    return re.search(r"\d{6}", message.body).group(0)

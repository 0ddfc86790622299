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


def told(user_id: int, type_key: str) -> list[Notification]:
    """Drain the outbox as the worker does; the user's notifications of ``type_key``,
    oldest first (what applications, appeals and documents made the centre say)."""
    while events.drain():
        pass
    return list(Notification.objects.filter(user_id=user_id, event_type=type_key).order_by("id"))


def last_code(recipient: str) -> str:
    message = SandboxMessage.objects.filter(recipient=recipient).order_by("-id").first()
    return re.search(r"\d{6}", message.body).group(0)

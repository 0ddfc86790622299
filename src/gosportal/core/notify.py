"""Ask the notification centre to tell a user something (NOT-5).

Apps never import ``notifications``: they call ``notify()`` inside the transaction of
the change, which only records an outbox event. The notification centre subscribes to
it and creates the inbox message and deliveries by the user's preferences after
commit. ``type`` is a key of ``notifications.types.EVENT_TYPES`` (docs/notifications.md);
``payload`` holds the template's plain values (numbers, names of services, dates, the
page's path as ``url``), never contacts.
"""

from gosportal.core.events import Event, emit

EVENT = "notify"


def notify(user_id: int, type: str, **payload) -> None:
    """Record that ``user_id`` should get a notification of ``type`` (after commit)."""
    emit(Event(EVENT, {"user_id": user_id, "type": type, "payload": payload}))

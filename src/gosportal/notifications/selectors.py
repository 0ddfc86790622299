"""Reads of the notification centre; each takes the acting user (ownership in one place)."""

from django.db.models import QuerySet

from gosportal.accounts.models import User
from gosportal.notifications import unread
from gosportal.notifications.models import Delivery, Notification
from gosportal.notifications.types import EVENT_TYPES


def inbox_for(user: User, *, unread: bool = False, type_key: str = "") -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user, in_inbox=True)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    if type_key in EVENT_TYPES:
        rows = rows.filter(event_type=type_key)
    return rows.order_by("-id")


def unread_count(user: User) -> int:
    """The header's counter: from the cache when it is shared, else counted (``unread``)."""
    return unread.count(user.pk)


def latest_id(user_id: int) -> int:
    return (
        Notification.objects.filter(user_id=user_id, in_inbox=True)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def inbox_since(user_id: int, after_id: int, *, limit: int = 50) -> list[Notification]:
    """New inbox rows after ``after_id``, oldest first (the live stream's replay)."""
    return list(
        Notification.objects.filter(user_id=user_id, in_inbox=True, id__gt=after_id).order_by("id")[
            :limit
        ]
    )


def deliveries_for(user: User, *, channel: str = "") -> QuerySet[Delivery]:
    """«История уведомлений»: every delivery of the user's notifications, newest first."""
    rows = Delivery.objects.filter(notification__user=user).select_related("notification")
    if channel:
        rows = rows.filter(channel=channel)
    return rows.order_by("-created_at", "-id")


def unread_count_of(user_id: int) -> int:
    return unread.count(user_id)

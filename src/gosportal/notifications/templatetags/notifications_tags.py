"""The unread counter in the header (NOT-1): from the shared cache, or one COUNT query
per page for signed-in users (``notifications.unread``)."""

from django import template

from gosportal.notifications import selectors

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return selectors.unread_count(user)

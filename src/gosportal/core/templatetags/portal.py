"""Template helpers shared by every page."""

import datetime

from django import template
from django.utils import dateformat, timezone

from gosportal.core import display

register = template.Library()


@register.inclusion_tag("components/breadcrumbs.html")
def breadcrumbs(*parts):
    """``{% breadcrumbs "Раздел" section_url "Страница" %}``: title/url pairs, last is current."""
    items = []
    parts = list(parts)
    while parts:
        title = parts.pop(0)
        url = parts.pop(0) if parts else ""
        items.append((title, url))
    return {"items": items}


@register.filter
def user_date(value, user=None):
    """``{{ value|user_date }}``: a date in the format the person chose (PROF-6).

    The format is the signed-in person's (set per request by the language middleware)
    unless a ``user`` is given. Datetimes are shown in the active time zone, which is
    the person's own.
    """
    if not value:
        return ""
    fmt = getattr(user, "date_format", "") if user is not None else ""
    fmt = fmt or display.date_format()
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)


@register.filter
def user_datetime(value, user=None):
    """``{{ value|user_datetime }}``: date in the person's format, then the time (HH:MM)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{user_date(value, user)} {dateformat.time_format(value, 'H:i')}"

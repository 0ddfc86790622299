"""Template helpers shared by every page."""

import datetime

from django import template
from django.utils import dateformat, timezone

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
def user_date(value, user):
    """``{{ value|user_date:user }}``: a date in the format the user chose (PROF-6).

    Datetimes are shown in the active time zone, which is the user's own.
    """
    if not value:
        return ""
    fmt = getattr(user, "date_format", "") or "d.m.Y"
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, fmt)

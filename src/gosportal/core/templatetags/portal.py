"""Template helpers shared by every page."""

from django import template

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

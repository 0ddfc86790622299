from django import template

register = template.Library()

_TONES = {
    "draft": "neutral",
    "submitted": "info",
    "accepted": "info",
    "in_progress": "info",
    "resubmitted": "info",
    "clarification": "warning",
    "approved": "success",
    "ready": "success",
    "completed": "success",
    "rejected": "danger",
    "cancelled": "neutral",
    "appealed": "warning",
}


@register.filter
def status_tone(status: str) -> str:
    """The badge tone of a status, for ``components/status_badge.html``."""
    return _TONES.get(status, "neutral")


@register.filter
def rubles(kopecks) -> str:
    """1500000 → «15 000,00 ₽»."""
    kopecks = int(kopecks or 0)
    whole = f"{kopecks // 100:,}".replace(",", "\u00a0")
    return f"{whole},{kopecks % 100:02d}\u00a0₽"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)

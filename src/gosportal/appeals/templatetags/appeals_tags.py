"""Template tags that show appeals (APP-9) on pages of other apps without those apps
importing this one: the applicant's card and the officer's application page."""

from django import template

from gosportal.appeals import selectors, services

register = template.Library()

_TONES = {
    "registered": "info",
    "in_review": "warning",
    "upheld": "success",
    "dismissed": "danger",
}


@register.filter
def appeal_tone(status: str) -> str:
    """The badge tone of an appeal's status, for ``components/status_badge.html``."""
    return _TONES.get(status, "neutral")


@register.inclusion_tag("appeals/_card.html")
def appeals_card(application):
    """«Обжалование» on the applicant's card: the appeals, their decisions and files, and
    «Обжаловать решение» while the 30 days run."""
    return {
        "application": application,
        "appeals": selectors.appeals_of(application),
        "window": services.window(application),
    }


@register.inclusion_tag("appeals/_desk_notice.html")
def appeal_desk_notice(application):
    """On the officer's application page: the open appeal that decides it."""
    return {"appeal": selectors.open_appeal_of(application)}

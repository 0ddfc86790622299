"""Values every page needs: portal name, hotline, the current path for the language switch."""

from django.conf import settings


def portal(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "HOTLINE_PHONE": settings.HOTLINE_PHONE,
        # Non-breaking hyphens keep the number on one line inside running text.
        "HOTLINE_PHONE_DISPLAY": settings.HOTLINE_PHONE.replace("-", "\u2011"),
        "DEV_OUTBOX_ENABLED": settings.DEV_OUTBOX_ENABLED,
        # Seconds after a page load when the idle warning shows: the server may have
        # noted the last activity up to one write interval before this page.
        "SESSION_WARN_AFTER": max(
            1,
            settings.SESSION_IDLE_SECONDS
            - settings.SESSION_ACTIVITY_WRITE_SECONDS
            - settings.SESSION_IDLE_WARNING_SECONDS,
        ),
    }

"""Values every page needs: portal name, hotline, the current path for the language switch."""

from django.conf import settings


def portal(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "HOTLINE_PHONE": settings.HOTLINE_PHONE,
        # Non-breaking hyphens keep the number on one line inside running text.
        "HOTLINE_PHONE_DISPLAY": settings.HOTLINE_PHONE.replace("-", "\u2011"),
        "DEV_OUTBOX_ENABLED": settings.DEV_OUTBOX_ENABLED,
    }

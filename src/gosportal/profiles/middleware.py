"""Language and time zone of each request (UX-1, PROF-6).

Lives in profiles, above accounts, because a signed-in person's saved preferences
(accounts.User fields, profiles.preferences services) decide them.
"""

from django.conf import settings
from django.contrib import auth
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from gosportal.core import display
from gosportal.profiles import preferences


class LanguageMiddleware:
    """UX-1: Russian unless the person chose another language; PROF-6: their time zone.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language, so a
    citizen abroad or on an English-language phone still gets the Russian portal
    until they switch. A signed-in person's saved language wins over the cookie (the
    cookie keeps the choice after sign-out); switching with the header link while
    signed in saves the new language to the account. Every time shown is in the
    signed-in person's time zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        user = _session_user(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if user is not None and user.language in self.available:
            chosen = user.language
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        zone = preferences.user_time_zone(user) if user is not None else None
        if zone is not None:
            timezone.activate(zone)
        try:
            with display.date_format_of(user.date_format if user is not None else None):
                response = self.get_response(request)
        finally:
            timezone.deactivate()
        if user is not None:
            self._remember_switch(request, response, user)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response

    def _remember_switch(self, request, response, user) -> None:
        """The header's language switch (Django's set_language) also updates the account."""
        if request.method != "POST" or request.path != reverse("set_language"):
            return
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie is not None and cookie.value in self.available:
            preferences.set_language(user=user, language=cookie.value)


def _session_user(request):
    """The signed-in user, loaded once: AuthenticationMiddleware reuses ``_cached_user``."""
    if not hasattr(request, "session"):
        return None
    if not hasattr(request, "_cached_user"):
        request._cached_user = auth.get_user(request)
    user = request._cached_user
    return user if user.is_authenticated else None

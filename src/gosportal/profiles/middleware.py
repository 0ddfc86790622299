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

# The signed-in person's language, time zone and date format, kept in the session at
# sign-in and whenever they change them in it, so no page reads them from the database.
PREFERENCES_SESSION_KEY = "profile_preferences"


def remember_preferences(session, user) -> None:
    """Store ``user``'s language, time zone and date format in their session."""
    session[PREFERENCES_SESSION_KEY] = {
        "language": user.language,
        "time_zone": user.time_zone,
        "date_format": user.date_format,
    }


def remember_preferences_at_sign_in(sender, request, user, **kwargs) -> None:
    """On sign-in (``user_logged_in``): the preferences of the session opened."""
    if request is not None and hasattr(request, "session"):
        remember_preferences(request.session, user)


class LanguageMiddleware:
    """UX-1: Russian unless the person chose another language; PROF-6: their time zone.

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language, so a
    citizen abroad or on an English-language phone still gets the Russian portal
    until they switch. A signed-in person's saved language wins over the cookie (the
    cookie keeps the choice after sign-out); switching with the header link while
    signed in saves the new language to the account. Every time shown is in the
    signed-in person's time zone. The signed-in person's choices come from their
    session (``remember_preferences``); a session opened before they were kept there
    reads them from the account once.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen_by = _session_preferences(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen_by is not None and chosen_by["language"] in self.available:
            chosen = chosen_by["language"]
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        zone = None
        if chosen_by is not None:
            zone = preferences.time_zone_named(chosen_by["time_zone"])
        if zone is not None:
            timezone.activate(zone)
        try:
            with display.date_format_of(chosen_by["date_format"] if chosen_by else None):
                response = self.get_response(request)
        finally:
            timezone.deactivate()
        if chosen_by is not None:
            self._remember_switch(request, response)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response

    def _remember_switch(self, request, response) -> None:
        """The header's language switch (Django's set_language) also updates the account."""
        if request.method != "POST" or request.path != reverse("set_language"):
            return
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie is not None and cookie.value in self.available:
            preferences.set_language(user=user, language=cookie.value)
            remember_preferences(request.session, user)


def _session_preferences(request) -> dict | None:
    """The signed-in person's preferences from the session, or None when signed out."""
    session = getattr(request, "session", None)
    if session is None or auth.SESSION_KEY not in session:
        return None
    stored = session.get(PREFERENCES_SESSION_KEY)
    if stored is None:
        if not hasattr(request, "_cached_user"):
            request._cached_user = auth.get_user(request)  # reused by AuthenticationMiddleware
        user = request._cached_user
        if not user.is_authenticated:
            return None
        remember_preferences(session, user)
        stored = session[PREFERENCES_SESSION_KEY]
    return stored

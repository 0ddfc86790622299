"""Helpers shared by the sign-in, lockout and account-activity tests."""

import pytest
from django.test import Client

from gosportal.accounts import captcha
from gosportal.core.models import OutboxEvent
from tests.factories import DEFAULT_PASSWORD

MIDDLEWARE_PATH = "gosportal.accounts.sessions.SessionActivityMiddleware"
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def session_middleware(settings):
    """The session-watching middleware, placed where settings.py will have it."""
    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        at = middleware.index("django.contrib.messages.middleware.MessageMiddleware") + 1
        middleware.insert(at, MIDDLEWARE_PATH)
        settings.MIDDLEWARE = middleware


def browser(ip="198.51.100.7", user_agent=FIREFOX_LINUX) -> Client:
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent)


def captcha_answer(client) -> str:
    """Solve the challenge the server holds for this browser (the arithmetic answer)."""
    stored = client.session[captcha.SESSION_KEY]
    return next(str(n) for n in range(19) if captcha.matches(stored, str(n)))


def post_login(client, login, password, *, solve=False, next_url=None, **extra):
    data = {"login": login, "password": password, **extra}
    if solve:
        data["captcha"] = captcha_answer(client)
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def sign_in(client, user, password=DEFAULT_PASSWORD):
    response = post_login(client, user.email, password)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def notices() -> list[str]:
    return [e.payload["text"] for e in OutboxEvent.objects.filter(name="accounts.security_notice")]

"""Browser tests: Playwright (sync API) driving headless Debian Chromium against live_server.

Every test here is marked ``e2e``. The ``page`` fixture records browser console errors
(CSP violations show up there), uncaught page errors, failed requests and same-origin
responses with status >= 400; a test that leaves any it did not expect fails.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}

expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    marker = pytest.mark.e2e
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(marker)


@dataclass
class BrowserProblems:
    """What went wrong in the browser during one test, minus what the test expected."""

    origin: str
    problems: list[str] = field(default_factory=list)
    expected_http_errors: set[tuple[str, int]] = field(default_factory=set)

    def expect_http_error(self, path: str, status: int) -> None:
        """The test itself asks for ``path`` and expects ``status`` (e.g. a 404 page)."""
        self.expected_http_errors.add((path, status))

    def _is_expected(self, url: str, status: int | None) -> bool:
        path = urlsplit(url).path
        return any(
            path == p and (status is None or status == s) for p, s in self.expected_http_errors
        )

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        # Chromium also logs "Failed to load resource: ... status of 404" for the page.
        if "Failed to load resource" in message.text and self._is_expected(url, None):
            return
        self.problems.append(f"console error: {message.text}" + (f" ({url})" if url else ""))

    def on_page_error(self, error) -> None:
        self.problems.append(f"uncaught page error: {error}")

    def on_response(self, response) -> None:
        if response.status < 400:
            return
        if not response.url.startswith(self.origin):
            self.problems.append(f"HTTP {response.status} from another origin: {response.url}")
        elif not self._is_expected(response.url, response.status):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def on_request_failed(self, request) -> None:
        # A navigation cancels the previous page's unfinished loads (net::ERR_ABORTED):
        # that is the browser working as designed, not a failure of the portal.
        if "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"request failed ({request.failure}): {request.url}")

    def attach(self, page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)
        page.on("response", self.on_response)
        page.on("requestfailed", self.on_request_failed)


BROWSER_PROBLEMS = pytest.StashKey[tuple[BrowserProblems, object]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a passing test body, fail it if the browser reported unexpected problems."""
    result = yield
    recorded = item.stash.get(BROWSER_PROBLEMS, None)
    if recorded is not None:
        problems, page = recorded
        if not page.is_closed():
            page.evaluate("0")  # one round trip: events already sent are dispatched
        if problems.problems:
            listed = "\n".join(f"- {p}" for p in problems.problems)
            pytest.fail(f"the browser reported problems:\n{listed}", pytrace=False)
    return result


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the whole session.

    Playwright's sync API keeps an asyncio event loop running in the main thread from
    the moment it starts until the browser closes. Django then refuses every ORM call
    made from that thread (factories, transactional_db's flush) with
    SynchronousOnlyOperation, although they are plain synchronous calls and the live
    server answers requests in its own thread. So the check is off while the browser
    runs, and only then: the root conftest orders browser tests after all others, so
    every other test (the async stream views among them) keeps Django's check.
    """
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser_problems(live_server):
    return BrowserProblems(origin=live_server.url)


@pytest.fixture
def page(request, browser, live_server, browser_problems):
    """A fresh browser context per test: Russian locale, desktop viewport, no cookies."""
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport=DESKTOP_VIEWPORT
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    browser_problems.attach(page)
    request.node.stash[BROWSER_PROBLEMS] = (browser_problems, page)
    yield page
    context.close()


def image_width_once_loaded(image) -> int:
    """The natural width of the ``<img>`` behind the locator ``image`` after the browser
    has loaded and decoded it: ``decode()`` waits for the load (a broken image rejects and
    fails the test), so a busy machine only makes the wait longer."""
    return image.evaluate("img => img.decode().then(() => img.naturalWidth)")


def enrol_totp(user) -> str:
    """Give ``user`` an authenticator app enrolled half a minute ago (staff and desk
    operators never sign in on a password alone); returns its secret."""
    from datetime import timedelta

    import pyotp
    import time_machine
    from django.utils import timezone

    from gosportal.accounts import mfa

    secret = pyotp.random_base32()
    with time_machine.travel(timezone.now() - timedelta(seconds=30), tick=False):
        mfa.confirm_totp(user=user, secret=secret, code=pyotp.TOTP(secret).now(), session_key=None)
    return secret


def login_with_totp(page, live_server, user, password: str, secret: str) -> None:
    """Sign in with the password and the code of the authenticator app."""
    import pyotp

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill(user.email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтверждение входа")
    page.get_by_label("Код из приложения").fill(pyotp.TOTP(secret).now())
    page.get_by_role("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()


def login(page, live_server, user, password: str) -> None:
    """Sign in through the real sign-in page with the user's e-mail."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Телефон, электронная почта или СНИЛС").fill(user.email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()

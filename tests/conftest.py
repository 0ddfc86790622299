"""Shared test set-up: no network beyond this machine, a clean cache per test."""

import ipaddress
import socket

import pytest
from django.core.cache import cache

_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise ConnectionRefusedError(f"tests may not reach the network ({host})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    socket.socket.connect = _guarded_connect
    yield
    socket.socket.connect = _real_connect


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test ends back in the portal's language: a page served in English leaves
    English active in the thread (every real request activates its own language), and a
    later test calling a service directly would get English messages."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Each test stores uploads (and the document vault) in its own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def client(client):
    """Django's test client on an allowed host, as a browser would call the portal."""
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client


@pytest.fixture
def run_tasks(monkeypatch):
    """Run every task waiting in the database queue with the real worker (--batch).

    The worker closes "obsolete" connections between tasks; inside a test's
    transaction that would close the test database, so only that call is disabled.
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture(autouse=True)
def _calendar_days(request):
    """The production calendar's transfers of days off, as migration core/0002 seeds
    them, for every test with the database: a transactional test's flush empties the
    table for the tests after it in the same process (working-day deadlines shift)."""
    if request.node.get_closest_marker("django_db") is None:
        return
    import importlib

    from gosportal.core.calendar import calendar_changed
    from gosportal.core.models import CalendarDay

    if CalendarDay.objects.exists():
        return
    seeded = importlib.import_module("gosportal.core.migrations.0002_calendar_days")
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_working=is_working, name=name)
        for day, is_working, name in seeded.DAYS
    )
    calendar_changed()


def sign_in_as(client, user, *, reauthenticated: bool = True):
    """Sign ``client`` in as ``user`` without the password step, recording the session as
    a real sign-in does (the session middleware signs out sessions it has no row for)."""
    import time

    from gosportal.accounts.models import UserSession
    from gosportal.accounts.reauth import SESSION_KEY
    from gosportal.accounts.sessions import remember_activity

    client.force_login(user)
    session = client.session
    if reauthenticated:
        session[SESSION_KEY] = int(time.time())
    row = UserSession.objects.create(user=user, session_key=session.session_key)
    remember_activity(session, opened=row.created_at, noted=row.last_activity)
    session.save()
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in as the portal records sign-ins."""
    return sign_in_as(client, admin_user)

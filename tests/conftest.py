"""Shared test set-up: no network beyond this machine, a clean cache per test."""

import ipaddress
import socket
from pathlib import Path

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


E2E_DIR = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(config, items):
    """Browser tests run after every other test of the process (xdist hands tests out
    in this order too): the browser switches Django's async-safety check off for as
    long as it runs (tests/e2e/conftest.py), and no other test may run without it."""
    items.sort(key=lambda item: E2E_DIR in Path(item.path).resolve().parents)


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


_rendered_pdfs: dict[str, bytes] = {}


@pytest.fixture(autouse=True)
def _one_rendering_per_template(request, monkeypatch):
    """Rendering a PDF/A takes WeasyPrint most of a second; a test that does not read
    the document (marker ``real_pdf``) gets the first rendering of the same template
    made in this process. Signing, storing and verifying still run for every document."""
    if request.node.get_closest_marker("real_pdf") is not None:
        return
    from gosportal.core import pdf

    real_render = pdf.render_pdf

    def render_once(template_name: str, context: dict, **kwargs) -> bytes:
        if template_name not in _rendered_pdfs:
            _rendered_pdfs[template_name] = real_render(template_name, context, **kwargs)
        return _rendered_pdfs[template_name]

    monkeypatch.setattr(pdf, "render_pdf", render_once)


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


# --- an S3-compatible server for the vault (moto's server mode, one per test process) ----

S3_KEYS = {"access_key": "testing-key", "secret_key": "testing-secret"}


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto) on a free loopback port with one bucket for
    this test process (xdist workers each start their own, under their own bucket)."""
    import os
    import subprocess
    import sys

    import boto3

    # The listening socket is made here and handed to the server (werkzeug serves an
    # inherited socket named by WERKZEUG_SERVER_FD), so the port accepts connections
    # before the child has even started: nothing to wait for, no port to race for.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=[listener.fileno()],
            env={
                **os.environ,
                "WERKZEUG_RUN_MAIN": "true",
                "WERKZEUG_SERVER_FD": str(listener.fileno()),
            },
        )
    endpoint = f"http://127.0.0.1:{port}"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    bucket = f"vault-{worker}".lower().replace("_", "-")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["access_key"],
        aws_secret_access_key=S3_KEYS["secret_key"],
    )
    try:
        client.create_bucket(Bucket=bucket)
        yield {"endpoint_url": endpoint, "bucket_name": bucket, "client": client}
    finally:
        process.terminate()
        process.wait(timeout=30)


class S3Vault:
    """The bucket folder the vault writes to in one test, read with boto3 directly."""

    def __init__(self, server: dict, location: str):
        self.client, self.bucket, self.location = server["client"], server["bucket_name"], location

    def object(self, key: str) -> bytes:
        """The object exactly as the bucket holds it."""
        answer = self.client.get_object(Bucket=self.bucket, Key=f"{self.location}/{key}")
        return answer["Body"].read()

    def names(self) -> list[str]:
        """Every vault key in the bucket folder."""
        answer = self.client.list_objects_v2(Bucket=self.bucket, Prefix=f"{self.location}/")
        prefix = len(self.location) + 1
        return sorted(item["Key"][prefix:] for item in answer.get("Contents", ()))


@pytest.fixture
def s3_vault(s3_server, settings) -> S3Vault:
    """The vault on the S3 server, under a folder of its own for this test."""
    import uuid

    location = f"vault-{uuid.uuid4().hex}"
    settings.STORAGES = {
        **settings.STORAGES,
        "vault": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": s3_server["bucket_name"],
                "endpoint_url": s3_server["endpoint_url"],
                "region_name": "us-east-1",
                "location": location,
                "file_overwrite": True,
                "default_acl": None,
                **S3_KEYS,
            },
        },
    }
    return S3Vault(s3_server, location)

"""The portal as ``manage.py serve`` starts it: one address, the synchronous views in
gunicorn workers and the live streams in the ASGI front, the client address never
taken from a forged header, and a bounded number of database connections."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from django.db import connection

from gosportal.accounts.models import LoginEvent
from tests.core.test_outbox import child_env
from tests.core.test_rq_backend import REDIS_HOST, REDIS_PORT, redis_answers
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 240  # a deadline for a busy machine, not a timing assertion


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, **env):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        defaults = {"TESTING": "1", "DEBUG": "false", "WEB_WORKERS": "1"}
        self.env = {**child_env(), **defaults, **env}

    def __enter__(self):
        # The server's log goes to a file: an unread pipe would fill and block it.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--only", "web", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise AssertionError(self.log.read().decode())
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            # Wait for the socket to accept, not for a fixed time.
            with socket.socket() as probe:
                probe.settimeout(1)
                probe.connect_ex(("127.0.0.1", self.port))
        raise AssertionError("the server did not answer /healthz")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _sign_in_with_wrong_password(server: Server, login: str, forwarded: str) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = client.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "login": login, "password": "not-the-password"},
            headers={"X-Forwarded-For": forwarded},
        )
    assert answer.status_code == 200  # the form again, with the error


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_a_forged_forwarded_for_does_not_change_the_client_address():
    user = UserFactory()
    with Server(TRUSTED_PROXY_COUNT="0") as server:
        _sign_in_with_wrong_password(server, user.email, "203.0.113.7")
        page = httpx.get(f"{server.url}/healthz", timeout=30)
        stream = httpx.get(f"{server.url}/notifications/stream/", timeout=30)
    # One address: pages from the gunicorn workers, the live stream from the ASGI front.
    assert page.status_code == 200
    assert page.headers["server"] == "gunicorn"
    assert stream.status_code == 401  # signed out
    assert "server" not in stream.headers
    event = LoginEvent.objects.get(user=user)
    assert event.result == LoginEvent.Result.WRONG_PASSWORD
    assert event.ip == "127.0.0.1"


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_with_one_trusted_proxy_the_last_hop_is_the_client():
    user = UserFactory()
    with Server(TRUSTED_PROXY_COUNT="1") as server:
        _sign_in_with_wrong_password(server, user.email, "198.51.100.1, 203.0.113.7")
    assert LoginEvent.objects.get(user=user).ip == "203.0.113.7"


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_database_connections_stay_bounded_under_load():
    if connection.vendor != "postgresql":
        pytest.skip("connection pooling is a PostgreSQL matter")
    database = connection.settings_dict["NAME"]

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()",
                [database],
            )
            return cursor.fetchone()[0]

    workers, pool = 2, 2
    with (
        Server(DATABASE_POOL_SIZE=str(pool), WEB_WORKERS=str(workers)) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):

        def ready(_):
            return client.get("/readyz").status_code

        with ThreadPoolExecutor(16) as pool_of_clients:
            statuses = list(pool_of_clients.map(ready, range(400)))
        during = count()
    assert statuses == [200] * 400
    # Each gunicorn worker and the front keep at most their pool's connections.
    assert during <= (workers + 1) * pool


SESSION_ROUND_TRIP = """
from importlib import import_module
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import caches
store = import_module(settings.SESSION_ENGINE).SessionStore()
store["answer"] = 42
store.create()
cached = caches[settings.SESSION_CACHE_ALIAS].get(KEY_PREFIX + store.session_key)
rows = Session.objects.filter(pk=store.session_key).count()
print(settings.SESSION_ENGINE, cached["answer"], rows)
store.delete()
"""


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not redis_answers() and os.environ.get("CI") != "true", reason="no Redis on 127.0.0.1:6379"
)
def test_sessions_live_in_redis_and_the_database_when_redis_is_configured():
    env = {
        **child_env(),
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/1",
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SESSION_ROUND_TRIP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    engine, cached, rows = result.stdout.split()[-3:]
    assert engine == "django.contrib.sessions.backends.cached_db"
    assert (cached, rows) == ("42", "1")

"""Back-channel HTTP to a sandbox of this portal runs in-process (core.http): no socket,
and the calling request's database connection and transaction survive the nested one."""

import pytest
from django.db import connection

from gosportal.core import http
from gosportal.integrations.models import SandboxBankKey

pytestmark = [pytest.mark.django_db]


def test_the_in_process_client_answers_without_a_socket(monkeypatch):
    import socket

    def refuse(self, address):
        raise AssertionError(f"a socket was opened to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    with http.client(local=True) as client:
        response = client.get("http://127.0.0.1/sandbox/bank/severny/jwks.json")
    assert response.status_code == 200
    assert response.json()["keys"][0]["kty"] == "RSA"


def test_the_outer_transaction_and_connection_survive_a_nested_request():
    connection.ensure_connection()
    outer = connection.connection
    assert connection.in_atomic_block  # the test runs inside a transaction, like a view may
    with http.client(local=True) as client:
        client.get("http://127.0.0.1/sandbox/bank/severny/jwks.json")
    # Django's close_old_connections would have closed the connection (and marked the
    # transaction for rollback) when the nested request started and finished.
    assert connection.connection is outer
    assert connection.in_atomic_block and not connection.needs_rollback
    assert SandboxBankKey.objects.filter(bank="severny").count() == 1  # written by the nested call


def test_close_old_connections_is_connected_again_afterwards():
    from django.core import signals
    from django.db import close_old_connections

    with http.client(local=True) as client:
        client.get("http://127.0.0.1/sandbox/bank/severny/jwks.json")
    started = [r[1]() for r in signals.request_started.receivers]
    finished = [r[1]() for r in signals.request_finished.receivers]
    assert close_old_connections in started and close_old_connections in finished


def test_a_real_bank_goes_over_the_network_and_the_guard_stops_it():
    import httpx

    with http.client(local=False, timeout=2) as client, pytest.raises(httpx.HTTPError):
        client.get("http://192.0.2.1/")


def test_a_sync_view_under_asgi_calls_the_sandbox_in_process_without_deadlock(client):
    """/identity/bank/<bank>/start/ fetches the bank's discovery document over the back
    channel; served by Django's ASGI handler it must neither wait for itself nor break."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    from gosportal.accounts.models import User
    from tests.conftest import sign_in_as
    from tests.factories import UserFactory

    sign_in_as(client, UserFactory(level=User.Level.STANDARD))
    asgi = AsyncClient()
    asgi.cookies = client.cookies
    response = async_to_sync(asgi.get)("/identity/bank/severny/start/")
    assert response.status_code == 302
    assert "/sandbox/bank/severny/authorize?" in response["Location"]

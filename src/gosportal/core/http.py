"""HTTP clients for back-channel calls to outside systems (banks' token and card APIs).

A real system is reached over the network with timeouts. A sandbox mounted in this very
portal is reached in-process: a sync view under ASGI (or a single-threaded server) that
called its own server over the network would wait for itself. The in-process transport
runs the request through Django's WSGI handler in the calling thread, which shares the
caller's database connection; Django's ``close_old_connections`` (connected to
request_started/request_finished) would close it under the outer request, so it is
disconnected for the nested call and reconnected afterwards, as
``django.test.client.ClientHandler`` does. Never call this inside a transaction.
"""

import threading

import httpx
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

# Re-entrant: a sandbox view may itself call another sandbox in-process.
_signal_lock = threading.RLock()


class InProcessTransport(httpx.BaseTransport):
    """Hands each request to this Django project's WSGI handler, without a socket."""

    def __init__(self):
        self._wsgi = httpx.WSGITransport(app=WSGIHandler())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with _signal_lock:
            signals.request_started.disconnect(close_old_connections)
            signals.request_finished.disconnect(close_old_connections)
            try:
                response = self._wsgi.handle_request(request)
                # Read and close inside the window: closing fires request_finished.
                content = response.read()
                response.close()
            finally:
                signals.request_started.connect(close_old_connections)
                signals.request_finished.connect(close_old_connections)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=content,
            request=request,
        )


def transport(*, local: bool) -> httpx.BaseTransport:
    """The in-process transport for a sandbox of this portal, else a network one."""
    if local:
        return InProcessTransport()
    return httpx.HTTPTransport(retries=1)


def client(*, local: bool, timeout: float = 10, **kwargs) -> httpx.Client:
    """An ``httpx.Client`` for back-channel calls (``local``: the in-process sandbox)."""
    return httpx.Client(
        transport=transport(local=local),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5)),
        **kwargs,
    )

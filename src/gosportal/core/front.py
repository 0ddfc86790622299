"""The portal's one public address for ``manage.py serve``: a path dispatcher in front
of two servers of the same Django project.

The front is a uvicorn process (ASGI) whose HTTP protocol looks at the request line of
each new connection. A connection whose first request resolves to an ``async`` view (the
live streams: Server-Sent Events) is served right here by Django's ASGI handler, where a
stream costs a coroutine, not a worker. Every other connection is relayed byte for byte
to the gunicorn WSGI workers on a private Unix socket, where a synchronous view runs
without a thread hand-off; the relay starts with a PROXY protocol v1 line carrying the
client's address, so gunicorn sets ``REMOTE_ADDR`` to the real peer and no request
header is ever trusted for it (``core.net.client_ip`` alone reads ``X-Forwarded-For``,
and only as far as ``TRUSTED_PROXY_COUNT`` says). Both servers run the whole project,
so a request that lands on the "wrong" side (a later request on a kept-alive
connection) is still answered correctly. The relay buffers up to ``RELAY_BUFFER_BYTES``
of a response so that a slow client does not hold a WSGI worker for long; behind nginx
in production the same split is made by ``location`` blocks (docs/operations.md).
"""

import argparse
import asyncio
import inspect
import logging
from functools import lru_cache
from urllib.parse import unquote

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

logger = logging.getLogger(__name__)

RELAY_BUFFER_BYTES = 4 * 1024 * 1024
MAX_REQUEST_LINE = 8192
BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 12\r\nConnection: close\r\n\r\nBad Gateway\n"
)


@lru_cache(maxsize=4096)
def is_async_path(path: str) -> bool:
    """Does this path resolve to an ``async`` view (a live stream)?"""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return False
    return inspect.iscoroutinefunction(match.func) or inspect.isasyncgenfunction(match.func)


def request_path(request_line: bytes) -> str:
    parts = request_line.split(b" ")
    if len(parts) != 3:
        return ""
    target = parts[1].split(b"?", 1)[0].decode("latin-1")
    return unquote(target) if target.startswith("/") else ""


def proxy_line(client, server) -> bytes:
    """The PROXY protocol v1 header for gunicorn (``--proxy-protocol``)."""
    if not client or not server:
        return b"PROXY UNKNOWN\r\n"
    family = "TCP6" if ":" in client[0] else "TCP4"
    if (":" in server[0]) != (family == "TCP6"):
        return b"PROXY UNKNOWN\r\n"
    return f"PROXY {family} {client[0]} {server[0]} {client[1]} {server[1]}\r\n".encode()


class _Upstream(asyncio.Protocol):
    """The gunicorn side of one relayed connection."""

    def __init__(self, relay: "_Relay"):
        self.relay = relay

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.relay.client.write(data)

    def eof_received(self):
        return False  # close; the client side is closed in connection_lost

    def connection_lost(self, exc):
        self.relay.client.close()  # sends what is buffered, then closes

    def pause_writing(self):
        self.relay.client.pause_reading()

    def resume_writing(self):
        self.relay.client.resume_reading()


class _Relay(asyncio.Protocol):
    """The client side of one relayed connection: bytes go both ways unchanged."""

    def __init__(self, client: asyncio.Transport):
        self.client = client
        self.upstream: asyncio.Transport | None = None
        self.pending: list[bytes] = []
        self.closed = False

    async def connect(self, socket_path: str, first: bytes) -> None:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.create_unix_connection(lambda: _Upstream(self), socket_path)
        except OSError as exc:
            logger.warning("the WSGI workers do not answer on %s: %r", socket_path, exc)
            if not self.client.is_closing():
                self.client.write(BAD_GATEWAY)
                self.client.close()
            return
        if self.closed:
            transport.close()
            return
        self.upstream = transport
        transport.write(first + b"".join(self.pending))
        self.pending.clear()
        self.client.resume_reading()

    def data_received(self, data):
        if self.upstream is None:
            self.pending.append(data)
        else:
            self.upstream.write(data)

    def eof_received(self):
        if self.upstream is not None and self.upstream.can_write_eof():
            self.upstream.write_eof()
        return True  # keep the client side open for the answer

    def connection_lost(self, exc):
        self.closed = True
        if self.upstream is not None:
            self.upstream.close()

    def pause_writing(self):
        if self.upstream is not None:
            self.upstream.pause_reading()

    def resume_writing(self):
        if self.upstream is not None:
            self.upstream.resume_reading()


class FrontProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, deciding per connection: serve here or relay."""

    wsgi_socket = ""

    def connection_made(self, transport):
        super().connection_made(transport)
        self._head = b""
        self._decided = False

    def data_received(self, data):
        if self._decided:
            return super().data_received(data)
        self._head += data
        end = self._head.find(b"\r\n")
        if end < 0 and len(self._head) < MAX_REQUEST_LINE:
            return None
        buffered, self._head = self._head, b""
        self._decided = True
        path = request_path(buffered[:end]) if end >= 0 else ""
        if not path or is_async_path(path):
            return super().data_received(buffered)
        return self._relay(buffered)

    def _relay(self, buffered: bytes) -> None:
        self.connections.discard(self)  # no longer uvicorn's to shut down
        transport = self.transport
        transport.pause_reading()
        transport.set_write_buffer_limits(high=RELAY_BUFFER_BYTES)
        relay = _Relay(transport)
        transport.set_protocol(relay)
        first = proxy_line(self.client, self.server) + buffered
        self.loop.create_task(relay.connect(self.wsgi_socket, first))


def main(argv=None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--wsgi-socket", required=True)
    args = parser.parse_args(argv)
    FrontProtocol.wsgi_socket = args.wsgi_socket
    uvicorn.run(
        "gosportal.asgi:application",
        host=args.host,
        port=args.port,
        http=FrontProtocol,
        loop="uvloop",
        proxy_headers=False,  # the client address is the peer; core.net reads the rest
        server_header=False,
        access_log=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()

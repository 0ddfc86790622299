"""Live fan-out of "user N has something new" to the open inbox streams (NOT-1).

Only a wake-up travels here, never the message: the stream then reads the new rows
itself, so a lost wake-up costs latency, not data (streams also re-check on a timer).
With ``REDIS_URL`` set the wake-up goes through Redis pub/sub and reaches streams in
every web process, published on one pooled client per process (a worker publishing a
batch of wake-ups reuses its connections instead of opening one each); without it an
in-process broadcaster serves one process.
"""

import asyncio
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_listeners: dict[int, set[Callable[[], None]]] = defaultdict(set)
_publishers: dict[str, object] = {}  # REDIS_URL -> a redis.Redis with its connection pool
CLIENT_NAME = "gosportal-broadcast"


def _publisher():
    """The process's pooled Redis client for publishing (redis-py resets the pool in a
    forked child, so an RQ work-horse gets connections of its own)."""
    url = settings.REDIS_URL
    with _lock:
        client = _publishers.get(url)
        if client is None:
            import redis

            client = redis.Redis.from_url(
                url,
                client_name=CLIENT_NAME,
                max_connections=settings.NOTIFICATION_SEND_THREADS + 4,
                socket_timeout=5,
                socket_connect_timeout=5,
            )
            _publishers[url] = client
    return client


def channel_name(user_id: int) -> str:
    return f"gosportal:notifications:{user_id}"


def publish(user_id: int) -> None:
    """Wake the streams of ``user_id`` (call after commit)."""
    if settings.REDIS_URL:
        try:
            _publisher().publish(channel_name(user_id), "1")
        except Exception:
            logger.exception("could not publish the inbox wake-up")
        return
    with _lock:
        listeners = list(_listeners.get(user_id, ()))
    for wake in listeners:
        wake()


class SyncListener:
    """Blocking waits for a WSGI stream (one thread per open stream)."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self._event = threading.Event()
        self._pubsub = None
        if settings.REDIS_URL:
            import redis

            self._client = redis.Redis.from_url(settings.REDIS_URL)
            self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            self._pubsub.subscribe(channel_name(user_id))
        else:
            with _lock:
                _listeners[user_id].add(self._event.set)

    def wait(self, timeout: float) -> bool:
        """True when woken before ``timeout`` seconds passed."""
        if self._pubsub is not None:
            # get_message() also returns (None) on the ignored subscribe confirmation.
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                if self._pubsub.get_message(timeout=left) is not None:
                    return True
            return False
        woken = self._event.wait(timeout)
        self._event.clear()
        return woken

    def close(self) -> None:
        if self._pubsub is not None:
            self._pubsub.close()
            self._client.close()
        else:
            with _lock:
                _listeners[self.user_id].discard(self._event.set)


class AsyncListener:
    """Non-blocking waits for an ASGI stream."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self._event = asyncio.Event()
        self._pubsub = None
        self._wake = None

    async def open(self) -> "AsyncListener":
        if settings.REDIS_URL:
            import redis.asyncio as aioredis

            self._client = aioredis.Redis.from_url(settings.REDIS_URL)
            self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            await self._pubsub.subscribe(channel_name(self.user_id))
        else:
            loop = asyncio.get_running_loop()
            event = self._event

            def wake() -> None:
                loop.call_soon_threadsafe(event.set)

            self._wake = wake
            with _lock:
                _listeners[self.user_id].add(wake)
        return self

    async def wait(self, timeout: float) -> bool:
        if self._pubsub is not None:
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                if await self._pubsub.get_message(timeout=left) is not None:
                    return True
            return False
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        self._event.clear()
        return True

    async def close(self) -> None:
        if self._pubsub is not None:
            await self._pubsub.aclose()
            await self._client.aclose()
        elif self._wake is not None:
            with _lock:
                _listeners[self.user_id].discard(self._wake)

"""The inbox's live stream: Server-Sent Events at /notifications/stream/ (NOT-1).

Under ASGI the response body is an async generator (a sync one would be buffered whole
and never stream); under WSGI (the development and test servers) a sync generator in
the server's thread. Either way the generator: replays what came after the event id
the browser last saw (``Last-Event-ID``, or ``?after=`` from the page), waits for a
wake-up from ``broadcast`` or a periodic re-check, reads the new rows in a short query
whose connection is closed at once (no connection is held while waiting), sends a
heartbeat comment so proxies keep the line open, and ends after a few minutes so the
browser reconnects through the session checks again. Cleanup is in ``finally``.
"""

import json
import logging
import time
from zoneinfo import ZoneInfo

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import DatabaseError, connection
from django.http import (
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)

from gosportal.notifications import selectors
from gosportal.notifications.broadcast import AsyncListener, SyncListener
from gosportal.notifications.preferences import user_zone

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
RECHECK_SECONDS = 15 if settings.REDIS_URL else 5  # without Redis other processes can't wake us
MAX_STREAM_SECONDS = 300
RETRY_MS = 3000


def _event(name: str, data: dict, event_id: int | None = None) -> bytes:
    lines = [f"event: {name}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"data: {json.dumps(data, ensure_ascii=False)}")
    return ("\n".join(lines) + "\n\n").encode()


def _fetch(user_id: int, after_id: int, zone: ZoneInfo) -> tuple[list[dict], int]:
    """New rows and the unread count, on a connection that is closed right after."""
    try:
        items = [
            {
                "id": n.pk,
                "title": n.title,
                "text": n.text,
                "link": n.link,
                "type": str(n.get_event_type_display()),
                "created": n.created_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
                "unread": n.read_at is None,
            }
            for n in selectors.inbox_since(user_id, after_id)
        ]
        return items, selectors.unread_count_of(user_id)
    finally:
        if not connection.in_atomic_block:  # inside a test's transaction: keep it
            connection.close()


def _latest(user_id: int) -> int:
    try:
        return selectors.latest_id(user_id)
    finally:
        if not connection.in_atomic_block:
            connection.close()


class _State:
    def __init__(self, after_id: int):
        self.after_id = after_id
        self.unread: int | None = None

    def chunks(self, items: list[dict], unread: int) -> list[bytes]:
        out = []
        for item in items:
            out.append(_event("notification", item, item["id"]))
            self.after_id = item["id"]
        if unread != self.unread:
            self.unread = unread
            out.append(_event("unread", {"unread": unread}))
        return out


async def _async_events(user_id: int, state: _State, zone: ZoneInfo):
    listener = await AsyncListener(user_id).open()
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        started = last_beat = time.monotonic()
        while time.monotonic() - started < MAX_STREAM_SECONDS:
            try:
                items, unread = await sync_to_async(_fetch)(user_id, state.after_id, zone)
            except DatabaseError:
                logger.warning("inbox stream of user %s ends: database unavailable", user_id)
                return  # the browser reconnects after RETRY_MS
            for chunk in state.chunks(items, unread):
                yield chunk
            await listener.wait(RECHECK_SECONDS)
            if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
                last_beat = time.monotonic()
                yield b": heartbeat\n\n"
    finally:
        await listener.close()


def _sync_events(user_id: int, state: _State, zone: ZoneInfo):
    listener = SyncListener(user_id)
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        started = time.monotonic()
        while time.monotonic() - started < MAX_STREAM_SECONDS:
            try:
                items, unread = _fetch(user_id, state.after_id, zone)
            except DatabaseError:
                logger.warning("inbox stream of user %s ends: database unavailable", user_id)
                return
            yield from state.chunks(items, unread)
            listener.wait(RECHECK_SECONDS)
            # Under WSGI a write is the only way to notice that the browser has gone,
            # so the heartbeat precedes every query instead of every 15 seconds.
            yield b": heartbeat\n\n"
    finally:
        listener.close()


def _after_id(request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


async def stream_view(request):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=401)
    after_id = _after_id(request)
    if after_id is None:
        after_id = await sync_to_async(_latest)(user.pk)
    zone = user_zone(user)
    state = _State(after_id)
    if isinstance(request, ASGIRequest):
        content = _async_events(user.pk, state, zone)
    else:
        content = _sync_events(user.pk, state, zone)
    response = StreamingHttpResponse(content, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def poll_view(request):
    """NOT-1 fallback for browsers without EventSource (or when the stream keeps
    failing, e.g. behind a buffering proxy): the same rows as JSON, fetched every few
    seconds by the inbox script. ``after`` is required, so a poll never lists the whole
    inbox; the newest id comes back to be sent as the next ``after``."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    after_id = _after_id(request)
    if after_id is None:
        return JsonResponse({"detail": "after: ожидается номер уведомления"}, status=400)
    items, unread = _fetch(request.user.pk, after_id, user_zone(request.user))
    last_id = max([after_id, *(item["id"] for item in items)])
    response = JsonResponse({"items": items, "unread": unread, "last_id": last_id})
    response["Cache-Control"] = "no-store"
    return response

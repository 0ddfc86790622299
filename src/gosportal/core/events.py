"""Domain events with a transactional outbox.

``emit()`` writes the event into ``OutboxEvent`` inside the caller's transaction, so
the event exists exactly when the change that caused it does. After commit a task
drains the outbox: each registered subscriber handles each event once, in its own
transaction together with an ``OutboxDelivery`` row, so a crash at any point leaves
the event to the next drain and no subscriber ever sees it twice. The scheduler
also drains periodically, covering a crash between commit and enqueue.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gosportal.core.models import OutboxDelivery, OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
_subscribers: dict[str, dict[str, Handler]] = defaultdict(dict)

MAX_BACKOFF = timedelta(hours=1)
BATCH_SIZE = 100


@dataclass(frozen=True)
class Event:
    """What happened, in ids and plain values (never personal data in clear)."""

    name: str
    payload: dict[str, Any] = field(default_factory=dict)


def subscribe(event_name: str, *, name: str | None = None) -> Callable[[Handler], Handler]:
    """Register a handler for an event name ("*" for all). ``name`` must stay stable."""

    def register(handler: Handler) -> Handler:
        key = name or f"{handler.__module__}.{handler.__qualname__}"
        _subscribers[event_name][key] = handler
        return handler

    return register


def unsubscribe(event_name: str, name: str) -> None:
    _subscribers[event_name].pop(name, None)


def subscribers_for(event_name: str) -> dict[str, Handler]:
    return {**_subscribers.get("*", {}), **_subscribers.get(event_name, {})}


def emit(event: Event) -> OutboxEvent:
    """Record the event in the current transaction; delivery starts after commit."""
    row = OutboxEvent.objects.create(name=event.name, payload=event.payload)
    transaction.on_commit(_enqueue_drain)
    return row


def _enqueue_drain() -> None:
    from gosportal.core.tasks import drain_outbox

    try:
        drain_outbox.enqueue()
    except Exception:
        # The periodic drain will pick the event up; losing the nudge loses nothing.
        logger.exception("could not enqueue the outbox drain")


def drain(*, limit: int = BATCH_SIZE) -> int:
    """Deliver pending events to their subscribers; returns how many events completed."""
    now = timezone.now()
    pending = list(
        OutboxEvent.objects.filter(processed_at__isnull=True, next_attempt_at__lte=now)
        .order_by("occurred_at")
        .values_list("pk", flat=True)[:limit]
    )
    completed = 0
    for pk in pending:
        if _deliver(pk):
            completed += 1
    return completed


def _deliver(pk) -> bool:
    try:
        with transaction.atomic():
            event = (
                OutboxEvent.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, processed_at__isnull=True)
                .first()
            )
            if event is None:
                return False  # another worker has it, or it is done
            done = set(event.deliveries.values_list("subscriber", flat=True))
            failed = False
            for name, handler in subscribers_for(event.name).items():
                if name in done:
                    continue
                try:
                    with transaction.atomic():
                        handler(event)
                        OutboxDelivery.objects.create(event=event, subscriber=name)
                except IntegrityError:
                    continue  # delivered concurrently
                except Exception as exc:
                    failed = True
                    logger.exception("subscriber %s failed on %s", name, event.name)
                    event.last_error = f"{name}: {exc!r}"[:2000]
            event.attempts += 1
            if failed:
                delay = min(timedelta(seconds=2**event.attempts), MAX_BACKOFF)
                event.next_attempt_at = timezone.now() + delay
            else:
                event.processed_at = timezone.now()
            event.save(update_fields=["attempts", "next_attempt_at", "processed_at", "last_error"])
            return not failed
    except Exception:
        logger.exception("outbox delivery of %s failed", pk)
        return False

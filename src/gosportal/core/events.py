"""Domain events with a transactional outbox.

``emit()`` writes the event into ``OutboxEvent`` inside the caller's transaction, so
the event exists exactly when the change that caused it does. After commit a task
drains the outbox in batches: a batch of due events is claimed in one statement, each
registered subscriber handles each event once (its work and the ``OutboxDelivery`` row
commit together with the batch), so a crash at any point leaves the batch to the next
drain and no subscriber ever sees an event twice. The scheduler also drains
periodically, covering a crash between commit and enqueue, and purges events handled
more than ``OUTBOX_RETENTION_DAYS`` ago.
"""

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gosportal.core.claims import claim
from gosportal.core.models import OutboxDelivery, OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
_subscribers: dict[str, dict[str, Handler]] = defaultdict(dict)

MAX_BACKOFF = timedelta(hours=1)
BATCH_SIZE = 100
_state = threading.local()  # the after-delivery callbacks of the subscriber running now


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
    """Deliver a batch of pending events to their subscribers; returns how many events
    completed.

    One transaction per batch: the due events are claimed in one statement (locked, so
    concurrent drains skip them), each subscriber handles each event in a savepoint of
    its own, then the ``OutboxDelivery`` rows go in one insert and the events' outcome
    in one update. A crash anywhere before the commit leaves the whole batch to the
    next drain, as if it had never been tried. Callbacks registered with
    ``after_delivery()`` run once the batch has committed.
    """
    callbacks: list[Callable[[], None]] = []
    try:
        with transaction.atomic():
            completed = _drain_batch(limit, callbacks)
    except Exception:
        logger.exception("outbox batch failed; it is left to the next drain")
        return 0
    for callback in callbacks:
        try:
            callback()
        except Exception:
            logger.exception("after-delivery callback failed")
    return completed


def _drain_batch(limit: int, callbacks: list[Callable[[], None]]) -> int:
    now = timezone.now()
    ids = claim(
        OutboxEvent.objects.filter(processed_at__isnull=True, next_attempt_at__lte=now).order_by(
            "occurred_at"
        ),
        limit=limit,
        assignments="attempts = attempts + 1",
    )
    if not ids:
        return 0
    batch = list(OutboxEvent.objects.filter(pk__in=ids).order_by("occurred_at"))
    done: dict[Any, set[str]] = defaultdict(set)
    for event_id, name in OutboxDelivery.objects.filter(event_id__in=ids).values_list(
        "event_id", "subscriber"
    ):
        done[event_id].add(name)
    delivered: list[OutboxDelivery] = []
    failed: list[OutboxEvent] = []
    for event in batch:
        errors = []
        for name, handler in subscribers_for(event.name).items():
            if name in done[event.pk]:
                continue
            pending: list[Callable[[], None]] = []
            _state.pending = pending
            try:
                with transaction.atomic():
                    handler(event)
            except Exception as exc:
                logger.exception("subscriber %s failed on %s", name, event.name)
                errors.append(f"{name}: {exc!r}")
            else:
                delivered.append(OutboxDelivery(event=event, subscriber=name, delivered_at=now))
                callbacks.extend(pending)
            finally:
                _state.pending = None
        if errors:
            delay = min(timedelta(seconds=2**event.attempts), MAX_BACKOFF)
            event.next_attempt_at = timezone.now() + delay
            event.last_error = "; ".join(errors)[:2000]
            failed.append(event)
    OutboxDelivery.objects.bulk_create(delivered)
    failed_ids = {event.pk for event in failed}
    finished = [event.pk for event in batch if event.pk not in failed_ids]
    if finished:
        OutboxEvent.objects.filter(pk__in=finished).update(processed_at=timezone.now())
    if failed:
        OutboxEvent.objects.bulk_update(failed, ["next_attempt_at", "last_error"])
    return len(finished)


def after_delivery(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the handling of the current event is committed: inside a
    subscriber, after the drain's batch commits (dropped if the subscriber fails);
    elsewhere, on commit of the current transaction. For what leaves the machine (an
    SMS sent at once): it must never go for a change that did not happen."""
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.append(callback)
    else:
        transaction.on_commit(callback)


def purge_processed(*, older_than: timedelta | None = None, limit: int = 5000) -> int:
    """Delete events handled more than ``OUTBOX_RETENTION_DAYS`` ago (with their delivery
    rows); returns how many went. Unprocessed events always stay."""
    if older_than is None:
        older_than = timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    cutoff = timezone.now() - older_than
    removed = 0
    while True:
        ids = list(
            OutboxEvent.objects.filter(processed_at__lt=cutoff).values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return removed
        OutboxDelivery.objects.filter(event_id__in=ids).delete()
        OutboxEvent.objects.filter(pk__in=ids).delete()
        removed += len(ids)

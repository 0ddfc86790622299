"""The transactional outbox: events exist exactly when their change does, and every
subscriber handles each event once, whatever crashes in between (NOT-5)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gosportal.core import audit, events
from gosportal.core.models import AuditEvent, OutboxDelivery, OutboxEvent

CHILD = Path(__file__).with_name("outbox_child.py")


@pytest.fixture
def recorder():
    """A subscriber whose side effect (an audit row per event) can be counted."""

    @events.subscribe("test.crash", name="tests.recorder")
    def handle(event):
        audit.record("test.handled", object_id=str(event.id))

    yield handle
    events.unsubscribe("test.crash", "tests.recorder")


@pytest.fixture
def second_subscriber():
    calls = []

    @events.subscribe("test.crash", name="tests.second")
    def handle(event):
        calls.append(event.id)

    yield calls
    events.unsubscribe("test.crash", "tests.second")


def handled(event_id) -> int:
    return AuditEvent.objects.filter(action="test.handled", object_id=str(event_id)).count()


def child_env() -> dict[str, str]:
    """Environment pointing a child process at this test database."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "VAR_DIR": str(settings.VAR_DIR),
        "TASK_BACKEND": "db",
    }


def run_child(mode: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHILD), mode],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.django_db
def test_emit_writes_the_event_in_the_callers_transaction():
    with transaction.atomic():
        events.emit(events.Event("test.crash", {"n": 1}))
        assert OutboxEvent.objects.filter(name="test.crash").count() == 1
        transaction.set_rollback(True)
    assert not OutboxEvent.objects.filter(name="test.crash").exists()


@pytest.mark.django_db
def test_commit_enqueues_a_drain_that_the_worker_runs(
    recorder, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = events.emit(events.Event("test.crash", {"n": 1}))
    assert handled(row.id) == 0
    run_tasks()
    assert handled(row.id) == 1
    row.refresh_from_db()
    assert row.processed_at is not None


@pytest.mark.django_db
def test_each_subscriber_handles_an_event_once_however_often_drained(recorder, second_subscriber):
    row = events.emit(events.Event("test.crash"))
    events.drain()
    events.drain()
    OutboxEvent.objects.filter(pk=row.pk).update(processed_at=None)  # a redelivery attempt
    events.drain()
    assert handled(row.id) == 1
    assert second_subscriber == [row.id]


@pytest.mark.django_db
def test_a_failing_subscriber_is_retried_with_backoff_without_repeating_the_others(recorder):
    attempts = []

    @events.subscribe("test.crash", name="tests.flaky")
    def flaky(event):
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("mail server down")

    try:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            row = events.emit(events.Event("test.crash"))
            assert events.drain() == 0
            row.refresh_from_db()
            assert row.processed_at is None and row.attempts == 1
            assert "mail server down" in row.last_error
            assert row.next_attempt_at > start
            assert events.drain() == 0  # not due yet
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1), tick=False):
            assert events.drain() == 1
        assert handled(row.id) == 1
        assert len(attempts) == 2
        assert set(
            OutboxDelivery.objects.filter(event=row).values_list("subscriber", flat=True)
        ) == {
            "tests.recorder",
            "tests.flaky",
        }
    finally:
        events.unsubscribe("test.crash", "tests.flaky")


@pytest.mark.django_db
def test_wildcard_subscribers_receive_every_event():
    seen = []
    events.subscribe("*", name="tests.all")(lambda event: seen.append(event.name))
    try:
        events.emit(events.Event("a.one"))
        events.emit(events.Event("b.two"))
        events.drain()
    finally:
        events.unsubscribe("*", "tests.all")
    assert seen == ["a.one", "b.two"]


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_event_survives_a_crash_between_commit_and_drain(recorder, run_tasks):
    result = run_child("emit-then-die")
    assert result.returncode == 9, result.stderr
    event = OutboxEvent.objects.get(name="test.crash")
    assert event.processed_at is None and handled(event.id) == 0

    run_tasks()  # the worker starts again and runs the drain the dead process enqueued
    assert handled(event.id) == 1
    events.drain()
    run_tasks()
    assert handled(event.id) == 1


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_worker_killed_while_delivering_loses_nothing_and_repeats_nothing(
    recorder, second_subscriber
):
    event = events.emit(events.Event("test.crash"))

    result = run_child("die-while-delivering")
    assert result.returncode == 9, result.stderr
    # The child's first subscriber ran, but its work died with the transaction.
    assert handled(event.id) == 0
    assert not OutboxDelivery.objects.filter(event=event).exists()

    events.drain()
    events.drain()
    assert handled(event.id) == 1
    assert second_subscriber == [event.id]
    event.refresh_from_db()
    assert event.processed_at is not None


@pytest.mark.django_db
def test_a_batch_costs_the_same_statements_for_one_event_or_forty(recorder, second_subscriber):
    from django.test.utils import CaptureQueriesContext

    def statements(count: int) -> int:
        for n in range(count):
            events.emit(events.Event("test.crash", {"n": n}))
        with CaptureQueriesContext(connection) as queries:
            assert events.drain() == count
        # The outbox's own statements; the subscribers' work (an audit row each) and the
        # savepoint around each subscriber are theirs.
        return sum(1 for q in queries.captured_queries if "core_outbox" in q["sql"])

    assert statements(40) == statements(1)
    assert OutboxDelivery.objects.count() == 41 * 2
    assert not OutboxEvent.objects.filter(processed_at__isnull=True).exists()


@pytest.mark.django_db
def test_after_delivery_runs_once_the_batch_commits_and_never_for_a_failed_subscriber():
    ran = []

    @events.subscribe("test.after", name="tests.after_ok")
    def ok(event):
        events.after_delivery(lambda: ran.append(("ok", connection.in_atomic_block)))

    @events.subscribe("test.after", name="tests.after_failing")
    def failing(event):
        events.after_delivery(lambda: ran.append(("failing", True)))
        raise RuntimeError("down")

    try:
        events.emit(events.Event("test.after"))
        assert events.drain() == 0
    finally:
        events.unsubscribe("test.after", "tests.after_ok")
        events.unsubscribe("test.after", "tests.after_failing")
    # Only the subscriber that succeeded, and after the batch's block (the test's own
    # transaction is the only one still open here).
    assert [name for name, _ in ran] == ["ok"]


@pytest.mark.django_db
def test_processed_events_are_purged_after_the_retention_period(settings, recorder):
    settings.OUTBOX_RETENTION_DAYS = 7
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=8), tick=False):
        old = events.emit(events.Event("test.crash", {"n": "old"}))
        events.drain()
        stuck = events.emit(events.Event("test.nobody-yet", {"n": "never handled"}))
        OutboxEvent.objects.filter(pk=stuck.pk).update(next_attempt_at=start + timedelta(days=1))
    with time_machine.travel(start - timedelta(days=6), tick=False):
        recent = events.emit(events.Event("test.crash", {"n": "recent"}))
        events.drain()
    assert OutboxDelivery.objects.filter(event=old).exists()

    from gosportal.core.tasks import purge_outbox

    assert purge_outbox.call() == 1
    remaining = set(OutboxEvent.objects.values_list("pk", flat=True))
    assert remaining == {stuck.pk, recent.pk}  # never handled: kept whatever its age
    assert not OutboxDelivery.objects.filter(event_id=old.pk).exists()
    assert OutboxDelivery.objects.filter(event=recent).exists()


def test_the_scheduler_purges_the_outbox_daily():
    from gosportal.core.schedule import JOBS

    assert any(
        job.task_path == "gosportal.core.tasks.purge_outbox" and job.every_seconds == 86400
        for job in JOBS
    )

"""Concurrent writers: several threads (own connections) append to the audit log while
sealers seal it, and drain one outbox; the tree stays intact and each event is handled
once."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from gosportal.core import audit, events
from gosportal.core.models import AuditEvent

pytestmark = [pytest.mark.django_db(transaction=True)]


def run_in_threads(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def body(index):
        try:
            barrier.wait()
            target(index)
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_parallel_audit_writers_and_sealers_build_one_intact_tree():
    def work(index):
        if index >= 4:  # two sealers race the four writers and each other
            for _ in range(5):
                audit.seal()
            return
        for n in range(10):
            audit.record("test.parallel", object_id=f"{index}-{n}")

    assert run_in_threads(work, 6) == []
    audit.seal()
    rows = AuditEvent.objects.filter(action="test.parallel")
    assert rows.count() == 40
    assert sorted(rows.values_list("leaf_index", flat=True)) == list(range(40))
    report = audit.verify()
    assert report.ok, report.problems
    assert (report.sealed, report.unsealed) == (40, 0)


def test_parallel_drains_hand_each_event_to_a_subscriber_once():
    seen: list = []
    lock = threading.Lock()

    @events.subscribe("test.parallel", name="tests.parallel")
    def handle(event):
        with lock:
            seen.append(event.id)

    try:
        emitted = [events.emit(events.Event("test.parallel", {"n": n})).id for n in range(30)]
        assert run_in_threads(lambda index: events.drain(), 3) == []
        events.drain()  # whatever a skipped (locked) row left behind
    finally:
        events.unsubscribe("test.parallel", "tests.parallel")
    assert sorted(seen) == sorted(emitted)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite allows one writing transaction at a time; row-level concurrency is PostgreSQL's",
)


@postgres_only
def test_an_append_does_not_wait_for_another_open_transaction_and_a_late_commit_is_sealed():
    """A long transaction (PDF signing) holds its audit row uncommitted; others append and
    the sealer seals meanwhile; the late row, with the lower id, joins the next seal."""
    opened, others_done = threading.Event(), threading.Event()
    held: list[int] = []

    def work(index):
        if index == 0:
            with transaction.atomic():
                held.append(audit.record("test.slow_signing").pk)
                opened.set()
                # Would time out if the other writer had to wait for this transaction.
                assert others_done.wait(60), "the other writer waited for this transaction"
        else:
            assert opened.wait(60)
            audit.record("test.quick")
            assert audit.seal() == 1  # the uncommitted row is not visible, so not sealed
            others_done.set()

    assert run_in_threads(work, 2) == []
    quick = AuditEvent.objects.get(action="test.quick")
    assert held[0] < quick.pk and quick.leaf_index == 0
    assert audit.seal() == 1
    assert AuditEvent.objects.get(pk=held[0]).leaf_index == 1
    assert audit.verify().ok

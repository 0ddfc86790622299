"""Background tasks of the shared kernel."""

from django_tasks import task

from gosportal.core import audit, events


@task()
def drain_outbox() -> int:
    """Hand pending outbox events to their subscribers, batch after batch."""
    completed = 0
    while batch := events.drain():
        completed += batch
    return completed


@task()
def purge_outbox() -> int:
    """Delete outbox events handled more than ``OUTBOX_RETENTION_DAYS`` ago."""
    return events.purge_processed()


@task()
def seal_audit() -> int:
    """Add the committed audit rows to the Merkle tree and sign a new tree head."""
    return audit.seal()

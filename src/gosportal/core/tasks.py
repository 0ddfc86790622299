"""Background tasks of the shared kernel."""

from django_tasks import task

from gosportal.core import audit, events


@task()
def drain_outbox() -> int:
    """Hand pending outbox events to their subscribers."""
    return events.drain()


@task()
def seal_audit() -> int:
    """Add the committed audit rows to the Merkle tree and sign a new tree head."""
    return audit.seal()

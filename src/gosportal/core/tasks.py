"""Background tasks of the shared kernel."""

from django_tasks import task

from gosportal.core import events


@task()
def drain_outbox() -> int:
    """Hand pending outbox events to their subscribers."""
    return events.drain()

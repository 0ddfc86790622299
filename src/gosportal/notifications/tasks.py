"""Background tasks of the notification centre (enqueued after commit and by the scheduler)."""

from django_tasks import task

from gosportal.notifications import services


@task()
def send_deliveries() -> int:
    """Send the deliveries that are due (new ones, retries after back-off)."""
    return services.send_due()


@task()
def send_digests() -> int:
    """Send the daily digests whose time has come in each user's zone."""
    return services.send_digests()

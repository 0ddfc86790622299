"""Background tasks of applications: the daily deadline reminders (NOT-3, OFF-2, OFF-3)."""

from django_tasks import task


@task()
def send_deadline_reminders() -> int:
    """Send the deadline reminders due now; idempotent, run hourly by the scheduler."""
    from gosportal.applications.reminders import send_due_reminders

    return send_due_reminders()

"""Background tasks of signatures: expiry reminders of agencies' certificates (SIG-3)."""

from django_tasks import task


@task()
def notify_expiring_certificates() -> int:
    """Tell agencies' administrators about certificates expiring within 30 days; each
    certificate once, so the daily run is idempotent."""
    from gosportal.signatures.agencies import notify_expiring_certificates as announce

    return announce()

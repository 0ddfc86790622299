"""Background tasks of personal data: registry checks (REG-2)."""

from django_tasks import task


@task()
def run_registry_check(check_id: int) -> str:
    """Ask the registry about one pending check; returns the check's status afterwards."""
    from gosportal.profiles.checks import run_check

    return run_check(check_id=check_id)

"""Background tasks of personal data: registry checks (REG-2), passport scan checks
(PROF-2), data reminders (PROF-8)."""

from django_tasks import task


@task()
def run_registry_check(check_id: int) -> str:
    """Ask the registry about one pending check; returns the check's status afterwards."""
    from gosportal.profiles.checks import run_check

    return run_check(check_id=check_id)


@task()
def check_passport_scan(scan_id: int) -> str:
    """PROF-2: read a passport scan and compare it with the saved data; returns the status."""
    from gosportal.profiles.scans import run_scan_check

    return run_scan_check(scan_id=scan_id)


@task()
def send_data_reminders() -> int:
    """Send the reminders due today (PROF-8); idempotent, run daily by the scheduler."""
    from gosportal.profiles.reminders import send_due_reminders

    return send_due_reminders()

"""Background tasks of identity confirmation: the OCR pre-check of a remote check and
the expiry of old remote checks (REG-3)."""

from django_tasks import task


@task()
def run_remote_ocr(check_id: int) -> str:
    """Read the uploaded passport page and compare it with the typed data."""
    from gosportal.identity.remote import run_ocr

    return run_ocr(check_id=check_id)


@task()
def expire_remote_checks() -> int:
    """End remote checks older than 30 days and delete their files (daily job)."""
    from gosportal.identity.remote import expire_remote_checks as expire

    return expire()

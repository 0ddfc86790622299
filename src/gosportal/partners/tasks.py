"""Background tasks of single sign-on for partner sites (CAT-5)."""

from django_tasks import task


@task()
def purge_expired_grants() -> int:
    """Delete authorization codes, access tokens and assertion ids a day past expiry."""
    from gosportal.partners.services import purge_expired

    return purge_expired()

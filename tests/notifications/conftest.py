"""Notification tests: the default templates exist even after a transactional test's flush."""

import pytest

from gosportal.notifications.defaults import default_templates
from gosportal.notifications.models import NotificationTemplate


@pytest.fixture(autouse=True)
def _default_templates(request):
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker(
        "django_db"
    ):
        return
    request.getfixturevalue("django_db_blocker")
    for row in default_templates():
        NotificationTemplate.objects.get_or_create(
            event_type=row["event_type"], channel=row["channel"], defaults=row
        )


@pytest.fixture(autouse=True)
def _no_owed_sms_reports():
    """Delivery reports the sandbox operator still owes belong to one test only."""
    from gosportal.integrations.sms.sandbox import forget_owed_receipts

    forget_owed_receipts()
    yield
    forget_owed_receipts()

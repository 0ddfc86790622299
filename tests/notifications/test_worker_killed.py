"""NOT-5: a worker killed with SIGKILL in the middle of a batch loses no notification and
makes none twice: after a restart every event has exactly one inbox row and every
delivery is sent."""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from gosportal.core import events
from gosportal.core.models import OutboxEvent
from gosportal.core.notify import notify
from gosportal.integrations.models import SandboxMessage
from gosportal.notifications import services
from gosportal.notifications.models import Delivery, Notification
from tests.factories import UserFactory

CHILD = Path(__file__).with_name("worker_child.py")
EVENTS = 10
SURVIVE = 4


def child_env() -> dict[str, str]:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = quote(db["USER"] or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(settings.VAR_DIR)}


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_loses_nothing_and_repeats_nothing():
    users = [UserFactory(email_confirmed=True) for _ in range(EVENTS)]
    for number, user in enumerate(users):
        notify(user.pk, "appointment_reminder", place="МФЦ", time=f"24.11.2026 1{number % 10}:00")

    result = subprocess.run(
        [sys.executable, str(CHILD), str(SURVIVE)],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "killing while handling" in result.stdout
    assert Notification.objects.count() == SURVIVE  # the fifth died with its transaction

    # The worker comes back: the outbox and the sending task finish the batch.
    while events.drain():
        pass
    while services.send_due():
        pass
    events.drain()

    assert not OutboxEvent.objects.filter(name="notify", processed_at__isnull=True).exists()
    for user in users:
        assert Notification.objects.filter(user=user).count() == 1
        assert SandboxMessage.objects.filter(channel="sms", recipient=user.phone).count() == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.DELIVERED}

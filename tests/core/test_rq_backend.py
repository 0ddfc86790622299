"""With REDIS_URL set, the same task code runs on RQ: an event committed by one process
is drained by a real `rqworker` (skipped where no Redis answers; CI has one)."""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from gosportal.core.models import OutboxEvent
from tests.core.test_outbox import CHILD, child_env

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


def redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.subprocess
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not redis_answers() and os.environ.get("CI") != "true", reason="no Redis on 127.0.0.1:6379"
)
def test_event_is_drained_by_an_rq_worker():
    env = {
        **child_env(),
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/15",
        "TASK_BACKEND": "rq",
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    emitted = subprocess.run(
        [sys.executable, str(CHILD), "emit"], env=env, capture_output=True, text=True, timeout=60
    )
    assert emitted.returncode == 0, emitted.stderr
    event = OutboxEvent.objects.get(pk=emitted.stdout.strip())
    assert event.processed_at is None

    worker = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            "default",
            "--burst",
            "--job-class",
            RQ_JOB_CLASS,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    event.refresh_from_db()
    assert event.processed_at is not None, emitted.stderr[-3000:] + worker.stderr[-3000:]

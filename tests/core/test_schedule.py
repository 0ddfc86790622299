"""Periodic jobs: every app registers its own, and the scheduler enqueues them all."""

import pathlib

from django.utils.module_loading import import_string

from gosportal.core.schedule import JOBS, Job, register_job

EXPECTED = {
    "gosportal.core.tasks.drain_outbox": 30,
    "gosportal.core.tasks.seal_audit": 60,
    "gosportal.core.tasks.purge_outbox": 86400,
    "gosportal.profiles.tasks.send_data_reminders": 86400,
    "gosportal.identity.tasks.expire_remote_checks": 86400,
    "gosportal.partners.tasks.purge_expired_grants": 86400,
    "gosportal.applications.tasks.send_deadline_reminders": 3600,
    "gosportal.notifications.tasks.send_deliveries": 60,
    "gosportal.notifications.tasks.send_digests": 900,
    "gosportal.signatures.tasks.notify_expiring_certificates": 86400,
}


def test_every_expected_job_is_registered_by_its_app():
    registered = {job.task_path: job.every_seconds for job in JOBS}
    assert EXPECTED.items() <= registered.items()
    # Each path names a real task, so a renamed task cannot leave a dead job behind.
    for job in JOBS:
        assert hasattr(import_string(job.task_path), "enqueue"), job.task_path


def test_the_kernel_names_no_app_task():
    import gosportal.core.schedule as schedule

    source = pathlib.Path(schedule.__file__).read_text(encoding="utf-8")
    for path in EXPECTED:
        if not path.startswith("gosportal.core."):
            assert path not in source


def test_registering_again_replaces_the_interval_instead_of_doubling_the_job():
    before = list(JOBS)
    try:
        register_job("gosportal.core.tasks.drain_outbox", every_seconds=5)
        assert [j for j in JOBS if j.task_path == "gosportal.core.tasks.drain_outbox"] == [
            Job("gosportal.core.tasks.drain_outbox", every_seconds=5)
        ]
        assert len(JOBS) == len(before)
    finally:
        JOBS[:] = before

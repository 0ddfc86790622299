"""Periodic jobs: a registry of (interval, task) pairs that the scheduler enqueues.

Locally ``manage.py serve`` runs the scheduler loop beside the web server and the
worker; in production one ``manage.py run_scheduler`` process (or cron/systemd
timers calling ``run_scheduler --once``) does the same. Jobs only enqueue tasks, so
the work itself runs on the workers and scales with them.
"""

import logging
import time
from dataclasses import dataclass

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    task_path: str  # dotted path to a django_tasks Task
    every_seconds: int


JOBS: list[Job] = [
    # Safety net for NOT-5: events whose after-commit nudge was lost are drained anyway.
    Job("gosportal.core.tasks.drain_outbox", every_seconds=30),
    # Handled outbox events are kept OUTBOX_RETENTION_DAYS, then deleted (daily).
    Job("gosportal.core.tasks.purge_outbox", every_seconds=86400),
    # PROF-8: daily; each reminder is sent once per occasion, so a restart re-running it
    # early sends nothing twice.
    Job("gosportal.profiles.tasks.send_data_reminders", every_seconds=86400),
    # REG-3: remote identity checks end after 30 days and their pictures are deleted.
    Job("gosportal.identity.tasks.expire_remote_checks", every_seconds=86400),
    # CAT-5: expired single sign-on codes and tokens of partner sites are deleted.
    Job("gosportal.partners.tasks.purge_expired_grants", every_seconds=86400),
    # NOT-3, OFF-2, OFF-3: deadline reminders about applications, once per occasion and
    # from 9:00; hourly, so a new day is noticed that morning.
    Job("gosportal.applications.tasks.send_deadline_reminders", every_seconds=3600),
    # NOT-4: due deliveries, retries after back-off, SMS delivery reports, lost nudges.
    Job("gosportal.notifications.tasks.send_deliveries", every_seconds=60),
    # Daily digests fall due at 9:00 in each user's zone; checking often is cheap.
    Job("gosportal.notifications.tasks.send_digests", every_seconds=900),
    # SIG-3: agencies' administrators hear of a certificate expiring in 30 days, once.
    Job("gosportal.signatures.tasks.notify_expiring_certificates", every_seconds=86400),
]


class Scheduler:
    def __init__(self, jobs: list[Job] | None = None):
        self.jobs = jobs if jobs is not None else JOBS
        self.next_run = {job.task_path: 0.0 for job in self.jobs}

    def tick(self, now: float | None = None) -> list[str]:
        """Enqueue every job that is due; returns the task paths enqueued."""
        now = time.monotonic() if now is None else now
        enqueued = []
        for job in self.jobs:
            if now >= self.next_run[job.task_path]:
                try:
                    import_string(job.task_path).enqueue()
                    enqueued.append(job.task_path)
                except Exception:
                    logger.exception("could not enqueue %s", job.task_path)
                self.next_run[job.task_path] = now + job.every_seconds
        return enqueued

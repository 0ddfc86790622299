"""Periodic jobs: a registry of (interval, task) pairs that the scheduler enqueues.

Each app registers its own jobs with ``register_job`` from its ``AppConfig.ready``, so
the kernel names no app's task. Locally ``manage.py serve`` runs the scheduler loop
beside the web server and the worker; in production one ``manage.py run_scheduler``
process (or cron/systemd timers calling ``run_scheduler --once``) does the same. Jobs
only enqueue tasks, so the work itself runs on the workers and scales with them.
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


JOBS: list[Job] = []


def register_job(task_path: str, *, every_seconds: int) -> None:
    """Add a periodic job; each app calls this from its ``AppConfig.ready``.

    Registering the same task again replaces its interval, so a re-run ``ready`` (tests,
    reloads) never doubles a job.
    """
    job = Job(task_path, every_seconds=every_seconds)
    for i, existing in enumerate(JOBS):
        if existing.task_path == task_path:
            JOBS[i] = job
            return
    JOBS.append(job)


class Scheduler:
    def __init__(self, jobs: list[Job] | None = None):
        self.jobs = list(jobs if jobs is not None else JOBS)
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

"""manage.py run_scheduler: enqueue periodic jobs (core.schedule.JOBS) as they fall due."""

import time

from django.core.management.base import BaseCommand

from gosportal.core.schedule import Scheduler


class Command(BaseCommand):
    help = "Enqueue periodic tasks when due; --once enqueues every job once and exits."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true")

    def handle(self, *args, once=False, **options):
        scheduler = Scheduler()
        if once:
            for path in scheduler.tick():
                self.stdout.write(f"enqueued {path}")
            return
        while True:
            scheduler.tick()
            time.sleep(1)

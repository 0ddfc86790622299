"""manage.py drain_outbox: deliver pending outbox events now, in this process."""

from django.core.management.base import BaseCommand

from gosportal.core import events


class Command(BaseCommand):
    help = "Hand pending outbox events to their subscribers."

    def handle(self, *args, **options):
        total = 0
        while True:
            done = events.drain()
            total += done
            if done == 0:
                break
        self.stdout.write(f"{total} events delivered.")

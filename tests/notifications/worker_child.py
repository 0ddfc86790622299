"""A second Django process for the notification kill test: it works through the outbox
like a worker and is killed with SIGKILL in the middle of the batch.

Usage: python worker_child.py <how many events to finish before dying>
"""

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gosportal.settings")

import django

django.setup()

from gosportal.core import events  # noqa: E402


def main(survive: int) -> None:
    handled = []

    # Registered after the notification centre's subscriber, so it runs after it inside
    # the same transaction: the kill lands after the inbox row is written, before commit.
    @events.subscribe("notify", name="tests.killer")
    def killer(event):
        if len(handled) == survive:
            print(f"killing while handling {event.pk}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        handled.append(event.pk)

    while events.drain(limit=1):
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]))

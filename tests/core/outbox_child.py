"""A second Django process for the outbox crash tests; it dies on purpose with os._exit.

Usage: python outbox_child.py emit | emit-then-die | die-while-delivering
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gosportal.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from gosportal.core import audit, events  # noqa: E402


def emit_then_die() -> None:
    with transaction.atomic():
        row = events.emit(events.Event("test.crash", {"n": 1}))
    # Committed, and the drain task enqueued by on_commit; the process dies before any
    # worker runs it.
    print(row.id, flush=True)
    os._exit(9)


def emit() -> None:
    with transaction.atomic():
        row = events.emit(events.Event("test.rq", {"n": 1}))
    print(row.id, flush=True)


def die_while_delivering() -> None:
    @events.subscribe("test.crash", name="tests.recorder")
    def recorder(event):
        audit.record("test.handled", object_id=str(event.id))

    @events.subscribe("test.crash", name="tests.second")
    def second(event):
        os._exit(9)  # the worker is killed in the middle of delivering the event

    events.drain()


if __name__ == "__main__":
    modes = {
        "emit": emit,
        "emit-then-die": emit_then_die,
        "die-while-delivering": die_while_delivering,
    }
    modes[sys.argv[1]]()

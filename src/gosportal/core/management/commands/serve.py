"""manage.py serve: the whole portal for a laptop in one command.

Starts the ASGI web server (uvicorn), a task worker and the periodic scheduler as
child processes, and stops them all together on Ctrl+C or when one of them dies.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, host, port, **options):
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        env = {**os.environ, "PYTHONPATH": str(Path(settings.BASE_DIR) / "src")}
        worker = (
            [
                sys.executable,
                manage,
                "rqworker",
                "default",
                "--job-class",
                "django_tasks_rq.backend.Job",
            ]
            if settings.TASK_BACKEND == "rq"
            else [sys.executable, manage, "db_worker", "--no-reload", "--interval", "0.5"]
        )
        commands = {
            "web": [
                sys.executable,
                "-m",
                "uvicorn",
                "gosportal.asgi:application",
                "--host",
                host,
                "--port",
                str(port),
                "--no-access-log",
            ],
            "worker": worker,
            "scheduler": [sys.executable, manage, "run_scheduler"],
        }
        # Fixed argument lists built above, never user input.
        children = {
            name: subprocess.Popen(cmd, env=env)  # noqa: S603
            for name, cmd in commands.items()
        }
        self.stdout.write(self.style.SUCCESS(f"Portal: http://{host}:{port}/  (Ctrl+C to stop)"))

        def stop(*_):
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
            for child in children.values():
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

        signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
        try:
            while True:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(
                            f"{name} stopped with code {child.returncode}; stopping all."
                        )
                        stop()
                        sys.exit(child.returncode or 1)
                time.sleep(0.5)
        except KeyboardInterrupt:
            stop()

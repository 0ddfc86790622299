"""manage.py serve: the whole portal in one command, on one address.

Starts as child processes the gunicorn WSGI workers (``WEB_WORKERS`` of them, on a
private Unix socket) for the synchronous views, the ASGI front (``core.front``) on the
public address that serves the live streams itself and relays everything else to the
workers, a task worker and the periodic scheduler; stops them all together on Ctrl+C
or when one of them dies. ``--only web`` starts the two servers alone.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, the task worker and the scheduler together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--only",
            choices=["web"],
            help="start the web servers alone (no task worker, no scheduler)",
        )
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)

    def handle(self, *args, host, port, only, workers, **options):
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
        # A private directory (0700): only this user's processes reach the workers.
        run_dir = tempfile.mkdtemp(prefix="gosportal-web-")
        wsgi_socket = str(Path(run_dir) / "wsgi.sock")
        # Every process counts its own metrics into files that /metrics adds up.
        metrics_dir = Path(run_dir) / "metrics"
        metrics_dir.mkdir()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        commands = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "gosportal.wsgi:application",
                "--config",
                "python:gosportal.core.gunicorn_conf",
                "--bind",
                f"unix:{wsgi_socket}",
                "--workers",
                str(max(1, workers)),
            ],
            "front": [
                sys.executable,
                "-m",
                "gosportal.core.front",
                "--host",
                host,
                "--port",
                str(port),
                "--wsgi-socket",
                wsgi_socket,
            ],
        }
        if only != "web":
            commands["worker"] = worker
            commands["scheduler"] = [sys.executable, manage, "run_scheduler"]
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
            shutil.rmtree(run_dir, ignore_errors=True)

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

"""Benchmark of signed-in pages through the real server (not a test).

Starts the portal as ``manage.py serve --only web`` starts it (the ASGI front on one
address, gunicorn WSGI workers behind it) with ``DEBUG`` off on PostgreSQL (and Redis
when it answers), signs in the demo citizen Алёна Фёдорова and the demo agency officer
(sessions made in this process, in the same session store the server reads), and
measures with ``hey`` (``scripts/system-deps.sh bench``) at concurrency 8 and 32: the bare view
``/bench/bare`` (a plain ``HttpResponse`` behind the same middleware and session
cookie) next to the home page, «Мои заявления», the inbox, an application card and
the officer's queue. Ratios (page rps / bare rps) are taken from the same round, so
they compare across a busy machine; every target is checked to answer 200 first.

Layouts (``--layouts``, several may be compared in one run):

* ``serve`` — the front + gunicorn workers, PostgreSQL pool (the default of ``serve``);
* ``serve-persistent`` — the same with ``DATABASE_POOL_SIZE=0`` and persistent
  connections (``DATABASE_CONN_MAX_AGE=600``) in each worker;
* ``gunicorn`` — gunicorn alone on TCP (what nginx would proxy to), the front's cost;
* ``uvicorn`` — the former layout: one uvicorn process serving everything over ASGI.

Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gosportal_bench_pages \\
    REDIS_URL=redis://127.0.0.1:6379/1 \\
    .venv/bin/python bench/pages.py [--seconds 5] [--rounds 2] [--layouts serve,uvicorn]

The database (its name must contain ``bench``) is created if missing, migrated and
filled with the demo data (``load_demo --force``).
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gosportal_bench_pages"
DEFAULT_REDIS = "redis://127.0.0.1:6379/1"
CITIZEN = "alena.fedorova@example.ru"
OFFICER = "agency.officer@gosportal.local"
CONCURRENCY = (8, 32)


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def configure(redis: bool) -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", DEFAULT_PG)
    if not url.startswith("postgres") or "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name contains 'bench'.")
    env = {
        "DATABASE_URL": url,
        "DEBUG": "false",
        "TESTING": "",
        "BENCH_BARE_VIEW": "true",
        "VAR_DIR": os.environ.get("VAR_DIR", str(ROOT / "var" / "bench-pages")),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    if redis and answers("127.0.0.1", 6379):
        env["REDIS_URL"] = redis_url
    else:
        env["REDIS_URL"] = ""
        env["TASK_BACKEND"] = "db"
    os.environ.update(env)
    return env


def prepare_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], check=True)
    subprocess.run([*manage, "load_demo", "--force"], check=True, stdout=subprocess.DEVNULL)


def sessions_and_targets() -> tuple[list[tuple[str, str, str]], str]:
    """(name, url, session cookie) per target and the bare view's cookie."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gosportal.settings")
    django.setup()
    from django.test import Client
    from django.urls import reverse

    from gosportal.accounts import selectors
    from gosportal.accounts.models import UserSession
    from gosportal.applications.models import Application

    def cookie(login: str) -> str:
        user = selectors.user_by_login(login)
        client = Client()
        client.force_login(user)
        UserSession.objects.get_or_create(user=user, session_key=client.session.session_key)
        return f"sessionid={client.session.session_key}"

    citizen, officer = cookie(CITIZEN), cookie(OFFICER)
    application = (
        Application.objects.filter(applicant=selectors.user_by_login(CITIZEN))
        .exclude(number="")
        .order_by("-pk")
        .first()
    )
    targets = [
        ("bare view", "/bench/bare", citizen),
        ("home", "/", citizen),
        ("«Мои заявления»", "/applications/", citizen),
        ("inbox", "/notifications/", citizen),
        ("application card", reverse("applications:detail", args=[application.ref]), citizen),
        ("officer queue", "/desk/applications/", officer),
    ]
    return targets, citizen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(layout: str, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, **env}
    if layout == "serve-persistent":
        env.update(DATABASE_POOL_SIZE="0", DATABASE_CONN_MAX_AGE="600")
    if layout in ("serve", "serve-persistent"):
        command = [sys.executable, str(ROOT / "manage.py"), "serve", "--only", "web"]
        command += ["--port", str(port), "--workers", str(workers)]
    elif layout == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "gosportal.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        command += ["--forwarded-allow-ips", "", "--access-logfile", "-", "--log-level", "warning"]
    else:
        command = [sys.executable, "-m", "uvicorn", "gosportal.asgi:application"]
        command += ["--port", str(port), "--no-access-log", "--no-proxy-headers"]
    metrics_dir = tempfile.mkdtemp(prefix="bench-metrics-")
    env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{layout}: the server stopped")
        if status(port, "/healthz", "") == 200:
            return process
        time.sleep(0.5)
    process.terminate()
    sys.exit(f"{layout}: the server did not answer")


def status(port: int, path: str, cookie: str) -> int:
    import httpx

    try:
        return httpx.get(
            f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie}, timeout=30
        ).status_code
    except httpx.TransportError:
        return 0


def hey(port: int, path: str, cookie: str, concurrency: int, seconds: int) -> tuple[float, float]:
    out = subprocess.run(
        [
            *("hey", "-z", f"{seconds}s", "-c", str(concurrency), "-H", f"Cookie: {cookie}"),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    codes = re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)
    if any(code != "200" for code, _n in codes):
        raise RuntimeError(f"{path}: answers {codes}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p95 = float(re.search(r"95%+ in ([\d.]+) secs", out).group(1)) * 1000
    return rps, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--layouts", default="serve,uvicorn")
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args()

    env = configure(redis=not args.no_redis)
    prepare_database()
    targets, _cookie = sessions_and_targets()
    print(f"load before: {os.getloadavg()}; Redis: {bool(env['REDIS_URL'])}", flush=True)
    for layout in args.layouts.split(","):
        port = free_port()
        server = start(layout, env, port, args.workers)
        try:
            for name, path, cookie in targets:
                code = status(port, path, cookie)
                if code != 200:
                    raise RuntimeError(f"{name}: {path} answered {code}")
            for concurrency in CONCURRENCY:
                results: dict[str, list[tuple[float, float]]] = {n: [] for n, _p, _c in targets}
                for _round in range(args.rounds):
                    for name, path, cookie in targets:
                        results[name].append(hey(port, path, cookie, concurrency, args.seconds))
                bare = [rps for rps, _p95 in results["bare view"]]
                print(f"\n{layout}, c={concurrency}, load {os.getloadavg()[0]:.2f}")
                print("| page | rps (rounds) | of bare | p95 ms |")
                print("| --- | --- | --- | --- |")
                for name, rounds in results.items():
                    rps = " / ".join(f"{r:.0f}" for r, _p in rounds)
                    pairs = zip(rounds, bare, strict=True)
                    ratio = " / ".join(f"{r / b:.2f}" for (r, _p), b in pairs)
                    p95 = " / ".join(f"{p:.0f}" for _r, p in rounds)
                    print(f"| {name} | {rps} | {ratio} | {p95} |", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"\nload after: {os.getloadavg()}")


if __name__ == "__main__":
    main()

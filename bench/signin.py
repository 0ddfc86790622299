"""Benchmark of the password sign-in against raw Argon2 (issue 18, item 7; not a test).

Measures, in one run on this machine, at a concurrency of one process per core:

1. sign-ins per second through the real sign-in view: ``POST /accounts/login/`` with
   a right password, answered by a redirect into the cabinet (password check, session,
   session list entry, history entry, audit row, ``last_login``, counters), each worker
   process driving Django's test client (the whole middleware stack and the view; no
   HTTP server, whose cost pages.py measures), one new browser per sign-in;
2. the ceiling: ``argon2.PasswordHasher().verify`` per second with the same parameters
   (time cost, memory cost, parallelism of the portal's settings) in as many processes.

Rounds alternate (ceiling, sign-in, ceiling, …) so that a change of the machine's load
hits both; each round prints its ratio. PostgreSQL with DEBUG off:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gs_signin_bench \\
    .venv/bin/python bench/signin.py [--rounds 3] [--per-worker 12] [--workers N]

The database named in DATABASE_URL (its name must contain ``bench``) is created if
missing and migrated; the run adds bench users and their sign-ins to it. Database
connections are kept between requests (``DATABASE_CONN_MAX_AGE=60`` unless set), as a
production server keeps them.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gs_signin_bench"
PASSWORD = "Bench-Signin-2026!"  # noqa: S105 -- the bench users' password
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if "bench" not in name:
        raise SystemExit(f"use a database of its own, with 'bench' in its name (not {name!r})")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(database: str) -> None:
    """Django with production settings on ``database`` (every worker process)."""
    os.environ["DATABASE_URL"] = database
    os.environ["DEBUG"] = "false"
    # Connections kept between requests, as a production server keeps them (pool).
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    os.environ.pop("TESTING", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("VAR_DIR", str(ROOT / "var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "gosportal.settings"
    import django

    django.setup()


# --- the portal's sign-in -----------------------------------------------------------


def _signin_worker(database, logins, start, results) -> None:
    _setup(database)
    from django.test import Client

    def sign_in(login):
        client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT=USER_AGENT)
        response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
        if response.status_code != 302 or "/accounts/login" in response["Location"]:
            raise RuntimeError(f"sign-in of {login} failed: {response.status_code}")

    sign_in(logins[0])  # warm: URL map, views and the User-Agent parser loaded, as a server is
    start.wait()
    began = time.perf_counter()
    for login in logins:
        sign_in(login)
    results.put((began, time.perf_counter(), len(logins)))


# --- the ceiling: raw Argon2 ---------------------------------------------------------


def _argon2_worker(params, encoded, count, start, results) -> None:
    import argon2

    hasher = argon2.PasswordHasher(**params)
    hasher.verify(encoded, PASSWORD)  # warm, like the sign-in workers
    start.wait()
    began = time.perf_counter()
    for _ in range(count):
        hasher.verify(encoded, PASSWORD)
    results.put((began, time.perf_counter(), count))


def _run(target, args_per_worker) -> float:
    """Operations per second of ``len(args_per_worker)`` processes started together."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(args_per_worker) + 1)
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(*args, start, results)) for args in args_per_worker
    ]
    for process in processes:
        process.start()
    start.wait()  # every process has set itself up; the clock runs from here
    spans = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode:
            raise RuntimeError(f"a worker failed (exit code {process.exitcode})")
    began = min(span[0] for span in spans)
    ended = max(span[1] for span in spans)
    return sum(span[2] for span in spans) / (ended - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-worker", type=int, default=12, help="sign-ins per process")
    parser.add_argument("--workers", type=int, default=0, help="default: the cores")
    args = parser.parse_args()

    database = os.environ.get("DATABASE_URL", DEFAULT_PG)
    if not database.startswith("postgres"):
        raise SystemExit("PostgreSQL only: DATABASE_URL=postgres://…/…bench…")
    _ensure_database(database)
    _setup(database)
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.core.management import call_command

    from gosportal.accounts.models import User

    call_command("migrate", verbosity=0)
    cores = len(os.sched_getaffinity(0))
    workers = args.workers or cores
    hasher = get_hasher("default")
    assert hasher.algorithm == "argon2", settings.PASSWORD_HASHERS
    params = {
        "time_cost": hasher.time_cost,
        "memory_cost": hasher.memory_cost,
        "parallelism": hasher.parallelism,
    }
    encoded = hasher.encode(PASSWORD, hasher.salt())
    raw_encoded = "$" + encoded.split("$", 1)[1]

    # Users with the current parameters (no rehash while measuring), no second factor.
    tag = uuid.uuid4().hex[:6]
    logins = []
    for number in range(workers * 4):
        email = f"bench-signin-{tag}-{number}@example.ru"
        user = User.objects.create_user(
            phone=f"+7917{int(tag, 16) % 1000:03d}{number:04d}",
            email=email,
            password=None,
            email_confirmed=True,
        )
        user.password = encoded
        user.save(update_fields=["password"])
        logins.append(email)

    print(
        f"database: {database.split('@')[-1]} (DEBUG={settings.DEBUG}, "
        f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']})"
    )
    print(f"machine: {cores} CPU; load average {os.getloadavg()}")
    cap = getattr(getattr(hasher, "gate", None), "limit", "any number of")
    print(f"argon2id: {params} ({type(hasher).__module__}), {cap} at once per process")
    print(f"concurrency: {workers} processes, {args.per_worker} operations each per round")
    ratios = []
    for number in range(1, args.rounds + 1):
        raw = _run(_argon2_worker, [(params, raw_encoded, args.per_worker) for _ in range(workers)])
        per_worker = [
            [logins[(w * 4 + i) % len(logins)] for i in range(args.per_worker)]
            for w in range(workers)
        ]
        portal = _run(_signin_worker, [(database, chunk) for chunk in per_worker])
        ratios.append(portal / raw)
        print(
            f"round {number}: raw argon2 verify {raw:6.2f}/s, sign-in {portal:6.2f}/s, "
            f"ratio {portal / raw:.2f}  (load {os.getloadavg()[0]:.2f})"
        )
    print(f"ratio median {statistics.median(ratios):.2f}, min {min(ratios):.2f}")


if __name__ == "__main__":
    main()

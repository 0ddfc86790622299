"""Benchmark of the notification centre (issues 6 and 18, not a test).

Measures, in one run on this machine:

1. deliveries per second per worker: one process sending due deliveries to the sandbox
   SMS gateway and the sandbox e-mail backend (``services.send_due``, as the
   ``send_deliveries`` task does: batches claimed with one ``UPDATE … SKIP LOCKED …
   RETURNING``, sent together, outcomes written in one statement), next to the bare
   rate of ``INSERT`` + ``COMMIT`` of one small row on the same database; and the outbox
   drain's rate (events turned into notifications and deliveries per second);
2. the time from a committed event to the inbox update on the SSE stream: ``notify()``
   commits, the outbox drain creates the notification and publishes the wake-up
   (Redis pub/sub), the real stream view (``/notifications/stream/``, read through
   Django's test client in another thread) reads the new row and emits it; next to the
   bare Redis publish → receive round trip.

Run (PostgreSQL and Redis when they answer, else SQLite and the in-process broadcaster):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gs_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/notifications.py

The database named in DATABASE_URL is created if missing and migrated; the run adds
bench users and rows to it (use a database of its own).
"""

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gs_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"


def _postgres_ready(url: str) -> bool:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except psycopg.Error:
        return False


def _redis_ready(url: str) -> bool:
    import redis

    try:
        with redis.Redis.from_url(url, socket_connect_timeout=2) as client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def configure() -> dict:
    env = {}
    database = os.environ.get("DATABASE_URL", DEFAULT_PG)
    if database.startswith("postgres") and not _postgres_ready(database):
        database = ""
    if not database:
        var = Path(os.environ.get("VAR_DIR", str(ROOT / "var")))
        var.mkdir(parents=True, exist_ok=True)
        database = f"sqlite:///{var / 'bench.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    if redis_url and not _redis_ready(redis_url):
        redis_url = ""
    os.environ["DATABASE_URL"] = database
    os.environ["REDIS_URL"] = redis_url
    os.environ["TASK_BACKEND"] = "db"  # nudges land in the database queue, not in RQ
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("VAR_DIR", str(ROOT / "var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "gosportal.settings"
    env["database"] = database.split("@")[-1]
    env["redis"] = redis_url or "(none: in-process broadcaster)"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "gosportal.integrations.email.sandbox.CapturingEmailBackend"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    env["vendor"] = __import__("django.db", fromlist=["connection"]).connection.vendor
    return env


# --- bare numbers ---------------------------------------------------------------------------


def bare_insert_commit(count: int) -> float:
    """Rows per second of INSERT + COMMIT, one row per transaction (autocommit)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare (id INTEGER, v VARCHAR(40))")
        started = time.perf_counter()
        for number in range(count):
            cursor.execute(
                "INSERT INTO bench_bare (id, v) VALUES (%s, %s)", [number, uuid.uuid4().hex]
            )
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_bare")
    return count / elapsed


def bare_redis_round_trip(url: str, count: int) -> list[float]:
    """Seconds from PUBLISH to the subscriber's receipt, ``count`` times."""
    import redis

    client = redis.Redis.from_url(url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    channel = f"bench:{uuid.uuid4().hex}"
    pubsub.subscribe(channel)
    pubsub.get_message(timeout=1)  # the subscribe confirmation
    received = threading.Event()
    stop = threading.Event()

    def listen():
        while not stop.is_set():
            if pubsub.get_message(timeout=0.5) is not None:
                received.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    samples = []
    for _ in range(count):
        received.clear()
        started = time.perf_counter()
        client.publish(channel, "1")
        received.wait(5)
        samples.append(time.perf_counter() - started)
    stop.set()
    thread.join()
    pubsub.close()
    client.close()
    return samples


# --- the notification centre ----------------------------------------------------------------


def _users(count: int, tag: str):
    from gosportal.accounts.models import User

    users = []
    for number in range(count):
        users.append(
            User.objects.create_user(
                phone=f"+7916{int(tag, 16) % 1000:03d}{number:04d}",
                email=f"bench-{tag}-{number}@example.ru",
                password=None,
                email_confirmed=True,
            )
        )
    return users


def deliveries_per_second(notifications: int) -> tuple[float, int, float]:
    """One worker sending SMS + e-mail deliveries to the sandboxes; also the outbox
    drain's events per second that made them."""
    from django.db import transaction

    from gosportal.core import events
    from gosportal.core.notify import notify
    from gosportal.notifications import services
    from gosportal.notifications.models import Delivery

    users = _users(notifications, uuid.uuid4().hex[:6])
    for user in users:
        with transaction.atomic():
            notify(
                user.pk,
                "clarification_requested",
                application_number="2026-000001",
                service="Замена паспорта",
                question="Приложите скан",
            )
    drain_started = time.perf_counter()
    drained = 0
    while batch := events.drain():
        drained += batch
    drain_rate = drained / (time.perf_counter() - drain_started)
    due = Delivery.objects.filter(
        notification__user__in=users, status=Delivery.Status.QUEUED
    ).count()
    started = time.perf_counter()
    sent = 0
    while True:
        tried = services.send_due()
        if not tried:
            break
        sent += tried
    elapsed = time.perf_counter() - started
    assert sent >= due, (sent, due)
    return sent / elapsed, sent, drain_rate


def event_to_stream(count: int) -> list[float]:
    """Seconds from the commit of ``notify`` to the notification event on the stream."""
    from django.db import connection, transaction
    from django.test import Client

    from gosportal.core import events
    from gosportal.core.notify import notify

    (user,) = _users(1, uuid.uuid4().hex[:6])
    arrived = threading.Event()
    ready = threading.Event()
    stop = threading.Event()

    def read_stream():
        from gosportal.accounts.models import UserSession

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)  # a session recorded as a real sign-in records it
        UserSession.objects.create(user=user, session_key=client.session.session_key)
        response = client.get("/notifications/stream/")
        for chunk in response.streaming_content:
            if chunk.startswith(b"retry:"):
                ready.set()
            elif chunk.startswith(b"event: notification"):
                arrived.set()
            if stop.is_set():
                break
        response.close()
        connection.close()

    thread = threading.Thread(target=read_stream, daemon=True)
    thread.start()
    ready.wait(10)
    time.sleep(0.3)  # the stream's first read is done; it now waits for a wake-up
    samples = []
    for number in range(count):
        arrived.clear()
        with transaction.atomic():
            notify(user.pk, "support_reply", ticket=str(number))
        started = time.perf_counter()  # committed
        events.drain()  # what the worker does when the nudge reaches it
        if not arrived.wait(20):
            raise RuntimeError("the stream did not deliver the notification")
        samples.append(time.perf_counter() - started)
        time.sleep(0.05)
    stop.set()
    with transaction.atomic():
        notify(user.pk, "support_reply", ticket="end")  # let the reader see ``stop``
    events.drain()
    thread.join(20)
    return samples


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=1500)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--latency-samples", type=int, default=50)
    args = parser.parse_args()

    env = configure()
    print(f"database: {env['database']} ({env['vendor']}); redis: {env['redis']}")
    print(f"machine: {os.cpu_count()} CPU, {os.uname().sysname} {os.uname().release}")

    bare_commits = bare_insert_commit(args.commits)
    rate, sent, drain_rate = deliveries_per_second(args.notifications)
    print("\n1. Deliveries per second, one worker (sandbox SMS + sandbox e-mail)")
    print(f"   deliveries sent:             {sent}")
    print(f"   notification centre:         {rate:9.1f} deliveries/s")
    print(f"   bare INSERT+COMMIT:          {bare_commits:9.1f} commits/s")
    print(f"   ratio:                       {rate / bare_commits:9.2f} deliveries per bare commit")
    print(f"   outbox drain:                {drain_rate:9.1f} events/s (notification + deliveries)")

    latency = event_to_stream(args.latency_samples)
    print("\n2. Committed event -> inbox update on the SSE stream")
    print(
        f"   median {ms(statistics.median(latency))}, "
        f"p95 {ms(statistics.quantiles(latency, n=20, method='inclusive')[18])}, "
        f"max {ms(max(latency))}"
    )
    median_latency = statistics.median(latency)
    print(
        f"   in bare commits:             {median_latency * bare_commits:.1f} x one INSERT+COMMIT"
    )
    if os.environ["REDIS_URL"]:
        bare = bare_redis_round_trip(os.environ["REDIS_URL"], 200)
        bare_median = statistics.median(bare)
        print(
            f"   bare Redis publish->receive: median {ms(bare_median)}, "
            f"p95 {ms(statistics.quantiles(bare, n=20, method='inclusive')[18])}"
        )
        print(f"   ratio (medians):             {statistics.median(latency) / bare_median:.1f}x")


if __name__ == "__main__":
    main()

"""Benchmark of the audit log's appends and its sealer (issue 18, not a test).

Measures, in one run on this machine's PostgreSQL (127.0.0.1 only):

1. appends per second with 1 and 8 concurrent writers (processes, each with its own
   connection), each append ``audit.record()`` in its own transaction, as a view does;
2. the ceilings: a bare ``INSERT`` + ``COMMIT`` of the same row into a table of the
   same shape (``CREATE TABLE … (LIKE core_auditevent INCLUDING ALL)``), same writers,
   through a raw cursor and through a plain Django model on that table (the ORM's own
   cost, which on a CPU-bound machine is most of the gap);
3. for comparison, the previous design: the same insert behind ``SELECT … FOR UPDATE``
   of one chain-head row plus its ``UPDATE``, in bench tables of their own;
4. the sealer: rows sealed per second, and an inclusion and a consistency proof in a
   tree of ``--tree`` leaves (rows inserted by SQL, then sealed), with their queries.

Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gs_bench_audit \\
    .venv/bin/python bench/audit.py [--seconds 5] [--tree 1000000]

The database is created if missing and migrated; the run adds audit rows and bench
tables to it (use a database of its own).
"""

import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gs_bench_audit"
MODES = ("bare", "orm", "portal", "chain")


def prepare_database(url: str) -> None:
    import psycopg

    if "127.0.0.1" not in url and "localhost" not in url:
        raise SystemExit("the benchmark only targets a database on 127.0.0.1")
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gosportal.settings")
    import django

    django.setup()


ROW = (
    "now()",
    "bench.append",
    "thing",
    "42",
    '{"field": "phone", "n": 1}',
)


def _bare(cursor, table: str) -> None:
    cursor.execute(
        f"INSERT INTO {table} (occurred_at, actor_id, user_agent, request_id, action, "  # noqa: S608
        "object_type, object_id, details, prev_hash) "
        "VALUES (now(), 7, 'bench', 'req', 'bench.append', 'thing', '42', "
        """'{"field": "phone", "n": 1}', '')"""
    )


_MODEL = []


def _bench_model():
    """A plain model on the bench table: ``objects.create`` with nothing of ours."""
    if not _MODEL:
        from django.db import models
        from django.utils import timezone

        class BenchAuditRow(models.Model):
            occurred_at = models.DateTimeField(default=timezone.now)
            actor_id = models.BigIntegerField(null=True)
            acting_for_id = models.BigIntegerField(null=True)
            ip = models.GenericIPAddressField(null=True)
            user_agent = models.CharField(max_length=300, blank=True)
            request_id = models.CharField(max_length=64, blank=True)
            action = models.CharField(max_length=100)
            object_type = models.CharField(max_length=100, blank=True)
            object_id = models.CharField(max_length=100, blank=True)
            details = models.JSONField(default=dict)
            prev_hash = models.CharField(max_length=64, blank=True, default="")

            class Meta:
                app_label = "core"
                managed = False
                db_table = "bench_audit_bare"

            def __str__(self) -> str:
                return str(self.pk)

        _MODEL.append(BenchAuditRow)
    return _MODEL[0]


def writer(mode: str, start_at: float, stop_at: float, results) -> None:
    from django.db import connection, transaction

    from gosportal.core import audit

    connection.ensure_connection()
    count = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while time.time() < stop_at:
        if mode == "portal":
            with transaction.atomic():
                audit.record(
                    "bench.append",
                    actor=7,
                    object_type="thing",
                    object_id="42",
                    details={"field": "phone", "n": 1},
                )
        elif mode == "orm":
            with transaction.atomic():
                _bench_model().objects.create(
                    action="bench.append",
                    actor_id=7,
                    object_type="thing",
                    object_id="42",
                    details={"field": "phone", "n": 1},
                )
        elif mode == "bare":
            with transaction.atomic(), connection.cursor() as cursor:
                _bare(cursor, "bench_audit_bare")
        else:  # the previous design: one chain-head row locked for every append
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT last_hash FROM bench_audit_head WHERE id = 1 FOR UPDATE")
                cursor.fetchone()
                _bare(cursor, "bench_audit_chain")
                cursor.execute("UPDATE bench_audit_head SET last_hash = md5(random()::text)")
        count += 1
    connection.close()
    results.put(count)


def run_writers(mode: str, writers: int, seconds: float) -> float:
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start_at = time.time() + 1.0  # every process connected before the clock starts
    stop_at = start_at + seconds
    procs = [
        ctx.Process(target=writer, args=(mode, start_at, stop_at, results)) for _ in range(writers)
    ]
    for proc in procs:
        proc.start()
    total = sum(results.get(timeout=seconds + 120) for _ in procs)
    for proc in procs:
        proc.join()
    return total / seconds


def create_bench_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("bench_audit_bare", "bench_audit_chain"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} (LIKE core_auditevent INCLUDING ALL)")
        cursor.execute("DROP TABLE IF EXISTS bench_audit_head")
        cursor.execute("CREATE TABLE bench_audit_head (id int PRIMARY KEY, last_hash text)")
        cursor.execute("INSERT INTO bench_audit_head VALUES (1, '')")


def sealer_and_proofs(tree: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gosportal.core import audit, merkle
    from gosportal.core.models import AuditEvent, AuditTreeHead

    audit.seal()  # whatever the append phase left
    size = AuditTreeHead.objects.order_by("-tree_size").values_list("tree_size", flat=True)
    size = size.first() or 0
    missing = max(0, tree - size)
    figures = {"rows_sealed": missing}
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO core_auditevent (occurred_at, actor_id, user_agent, request_id, "
                "action, object_type, object_id, details, prev_hash) "
                "SELECT now(), g %% 1000, 'bench', 'req', 'bench.bulk', 'thing', g::text, "
                """'{"n": 1}', '' FROM generate_series(1, %s) g""",
                [missing],
            )
        started = time.perf_counter()
        audit.seal()
        figures["seal_rows_per_s"] = missing / (time.perf_counter() - started)
    head = audit.latest_head()
    n = head.tree_size
    row = AuditEvent.objects.get(leaf_index=n // 3)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        path = audit.inclusion_proof(row.leaf_index, n)
        figures["inclusion_ms"] = (time.perf_counter() - started) * 1000
    figures["inclusion_queries"] = len(queries)
    leaf = merkle.leaf_hash(audit.leaf_data(row))
    assert merkle.verify_inclusion(leaf, row.leaf_index, n, path, bytes(head.root_hash))
    old = AuditTreeHead.objects.filter(tree_size__lt=n).order_by("-tree_size").first()
    if old is not None:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            proof = audit.consistency_proof(old.tree_size, n)
            figures["consistency_ms"] = (time.perf_counter() - started) * 1000
        figures["consistency_queries"] = len(queries)
        assert merkle.verify_consistency(
            old.tree_size, n, bytes(old.root_hash), bytes(head.root_hash), proof
        )
    figures["tree_size"] = n
    figures["path_length"] = len(path)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--tree", type=int, default=100_000)
    parser.add_argument("--writers", default="1,8")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_PG)
    if not url.startswith("postgres"):
        raise SystemExit("PostgreSQL only: row-level concurrency is what is measured")
    prepare_database(url)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    create_bench_tables()
    _bench_model()

    print(f"load: {os.getloadavg()}")
    rates: dict[tuple[str, int], float] = {}
    for count in [int(w) for w in args.writers.split(",")]:
        for mode in MODES:
            rates[(mode, count)] = run_writers(mode, count, args.seconds)
            print(f"{mode:>6} × {count}: {rates[(mode, count)]:8.0f} appends/s", flush=True)
    counts = sorted({count for _, count in rates})
    print()
    print(
        "| writers | bare INSERT /s | ORM INSERT /s | audit.record /s | vs bare | vs ORM "
        "| chain lock (old) /s | vs bare |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for count in counts:
        bare, orm, portal, chain = (rates[(m, count)] for m in MODES)
        print(
            f"| {count} | {bare:.0f} | {orm:.0f} | {portal:.0f} | {portal / bare:.2f} "
            f"| {portal / orm:.2f} | {chain:.0f} | {chain / bare:.2f} |"
        )
    if len(counts) > 1:
        low, high = counts[0], counts[-1]
        for mode in MODES:
            print(
                f"scaling {mode} {low}→{high} writers: "
                f"{rates[(mode, high)] / rates[(mode, low)]:.2f}×"
            )
    print()
    print("sealer and proofs:", sealer_and_proofs(args.tree))
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()

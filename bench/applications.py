"""Benchmark of «Мои заявления» and the agency's queue at a million applications (not a test).

Fills a PostgreSQL database of its own with 1,000,000 applications (server-side
``INSERT … SELECT generate_series``): about 100,000 applicants, one of them with 2,000
applications, every agency of the seed catalogue, 30 % of the applications at one
agency, statuses by age over three years. Then, in the same run and through Django's
test client (signed in, the whole middleware stack), it measures the median and p95
latency of the list pages next to two bare pages: a view returning a plain
``HttpResponse`` and an empty page in the portal's layout. Each round requests every
page once, so the figures share the machine's state and compare as ratios. Last, it
prints ``EXPLAIN (ANALYZE)`` summaries of each page's main query.

Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gosportal_bench \\
    .venv/bin/python bench/applications.py [--applications 1000000] [--samples 40]

The database is created if missing and migrated; the rows are generated once and kept
for later runs (``--regenerate`` deletes and refills them). Its name must contain
``bench``: the run writes a million rows.
"""

import argparse
import html
import io
import os
import re
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gosportal_bench"
NUMBER_PREFIX = "BENCH-"
BENCH_NAME = "Bench "  # display name of the generated applicants
USERS_RANGE = "SELECT min(id), max(id) FROM accounts_user WHERE display_name LIKE %s"
HEAVY_EMAIL = "bench-heavy@example.ru"
OFFICER_EMAIL = "bench-officer-{n}@example.ru"
OFFICERS = 10  # officers per agency; applications in work are spread over them
FOREIGN_OFFICERS = 10**12  # made-up officer ids of the other agencies (no such users)
# The indexes the queue needs at this scale (every status, nearest deadline first; «Мне»,
# «Без исполнителя»; migration applications/0003). --without-queue-indexes measures the
# queue again without them, then builds them again exactly as the migration does.
QUEUE_INDEXES = {
    "application_queue_due_idx": "(agency_id, due_date, id) WHERE NOT (status = 'draft')",
    "application_queue_assignee_idx": (
        "(agency_id, assigned_officer_id, due_date, id) WHERE NOT (status = 'draft')"
    ),
    "application_queue_free_idx": (
        "(agency_id, due_date, id) WHERE assigned_officer_id IS NULL AND NOT (status = 'draft')"
    ),
}


def configure() -> str:
    import psycopg

    url = os.environ.get("DATABASE_URL", DEFAULT_PG)
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL (a million rows on SQLite say little).")
    base, name = url.rsplit("/", 1)
    if "bench" not in name:
        sys.exit(f"The database name must contain 'bench' (got {name!r}): the run fills it.")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("VAR_DIR", str(ROOT / "var"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "gosportal.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=io.StringIO())
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # pages as in production
    return url.split("@")[-1]


# --- data -----------------------------------------------------------------------------------


def _insert_select(model, *, series: str, overrides: dict[str, str], with_sql: str = "") -> int:
    """``INSERT INTO <model> SELECT … FROM <series>``: columns named in ``overrides`` take
    those SQL expressions, the rest their field's default (the same value on every row)
    or NULL, so fields added later are filled without touching this script."""
    from django.db import connection
    from django.db.models.fields import NOT_PROVIDED

    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in overrides:
            expressions.append(overrides[field.column])
        elif field.null and not field.has_default():
            expressions.append("NULL")
        elif field.get_default() is not None and not field.unique:
            expressions.append("%s")  # the default, or "" for a blank text field
            params.append(field.get_db_prep_save(field.get_default(), connection))
        else:
            raise RuntimeError(f"no value for {model.__name__}.{field.name}")
    # Every piece is this script's own SQL or integers from the database: nothing typed.
    sql = (
        f"{with_sql} INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {series}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _pick(ids, random_column: str) -> str:
    """SQL choosing one of ``ids`` (integers) by a random column in [0, 1)."""
    array = "ARRAY[" + ",".join(str(int(pk)) for pk in ids) + "]::bigint[]"
    return f"({array})[1 + floor({random_column} * {len(ids)})::int]"


def _one_of(values, random_column: str) -> str:
    array = "ARRAY[" + ",".join(f"'{value}'" for value in values) + "]"
    return f"({array})[1 + floor({random_column} * {len(values)})::int]"


# Statuses by age: a few weeks of work in progress, three years of decided applications.
STATUS_BY_AGE = (
    "CASE"
    f" WHEN age_days < 2 THEN {_one_of(['submitted', 'accepted'], 'r_status')}"
    " WHEN age_days < 20 THEN "
    + _one_of(
        ["accepted", "in_progress", "in_progress", "in_progress", "clarification", "resubmitted"],
        "r_status",
    )
    + " WHEN age_days < 45 THEN "
    + _one_of(
        ["in_progress", "approved", "ready", "ready", "clarification", "completed", "rejected"],
        "r_status",
    )
    + " WHEN r_status < 0.85 THEN 'completed' WHEN r_status < 0.95 THEN 'rejected'"
    " WHEN r_status < 0.99 THEN 'cancelled' ELSE 'appealed' END"
)


def _bench_users():
    """The signed-in people of the run: the heavy applicant and the big agency's officers."""
    from django.db.models import Count

    from gosportal.accounts.models import User, email_index
    from gosportal.catalog.models import Agency, Officer

    heavy = User.objects.filter(email_index=email_index(HEAVY_EMAIL)).first()
    if heavy is None:
        heavy = User.objects.create_user(
            email=HEAVY_EMAIL, password=None, email_confirmed=True, level="standard"
        )
        User.objects.filter(pk=heavy.pk).update(display_name="Частый заявитель")
    big = (
        Agency.objects.annotate(n=Count("services"))
        .order_by("-n", "pk")
        .only("pk", "slug", "short_name")
        .first()
    )
    officers = []
    for number in range(OFFICERS):
        email = OFFICER_EMAIL.format(n=number)
        user = User.objects.filter(email_index=email_index(email)).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=None,
                email_confirmed=True,
                kind="civil_servant",
                level="confirmed",
                display_name=f"Специалист {number + 1}",
            )
            Officer.objects.create(
                user=user,
                agency=big,
                role="officer",
                service_id=f"БЕНЧ-{number:05d}",
                staff_number=f"B{number:05d}",
                position="Главный специалист",
            )
        officers.append(user)
    return heavy, big, officers


def generate(applications: int, applicants: int, heavy_count: int, share: float) -> None:
    from django.db import connection

    from gosportal.accounts.models import User
    from gosportal.applications.models import Application
    from gosportal.catalog.models import Service

    heavy, big, officers = _bench_users()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(USERS_RANGE, [BENCH_NAME + "%"])
        low, high = cursor.fetchone()
    if low is None or high - low + 1 < applicants:
        _insert_select(
            User,
            series=f"generate_series(1, {applicants}) AS g",
            overrides={
                "public_id": "gen_random_uuid()",
                "password": "'!'",
                "display_name": f"'{BENCH_NAME}' || g",
                "level": "'standard'",
                "date_joined": "now() - (random() * interval '1200 days')",
            },
        )
        with connection.cursor() as cursor:
            cursor.execute(USERS_RANGE, [BENCH_NAME + "%"])
            low, high = cursor.fetchone()
        print(
            f"   {high - low + 1} applicants in {time.perf_counter() - started:.1f} s", flush=True
        )

    big_services = list(Service.objects.filter(agency=big).values_list("pk", flat=True))
    other_services = list(Service.objects.exclude(agency=big).values_list("pk", flat=True))
    service = (
        f"CASE WHEN r_agency < {float(share)} THEN {_pick(big_services, 'r_service')} "
        f"ELSE {_pick(other_services, 'r_service')} END"
    )
    officer = _pick([user.pk for user in officers], "a.r_officer")
    finished = "a.status IN ('completed', 'rejected', 'cancelled')"
    # One chunk per statement: progress shows and no single transaction grows huge.
    chunk = 100_000
    for first in range(1, applications + 1, chunk):
        last = min(first + chunk - 1, applications)
        series_with = (
            "WITH r AS ("  # noqa: S608 (integers and this script's SQL only)
            " SELECT g, random() AS r_age, random() AS r_agency, random() AS r_service,"
            " random() AS r_status, random() AS r_user, random() AS r_officer"
            f" FROM generate_series({int(first)}, {int(last)}) AS g"
            "), p AS ("
            " SELECT r.*, r_age * 1095 AS age_days, now() - r_age * interval '1095 days' AS at,"
            f" {service} AS service FROM r"
            "), a AS ("
            " SELECT p.*, s.agency_id AS agency, s.processing_days AS days,"
            f" {STATUS_BY_AGE} AS status"
            " FROM p JOIN catalog_service s ON s.id = p.service"
            ")"
        )
        inserted = _insert_select(
            Application,
            with_sql=series_with,
            series="a",
            overrides={
                "public_id": "gen_random_uuid()",
                "number": (
                    f"'{NUMBER_PREFIX}' || to_char(a.at, 'YYYY') || '-' || lpad(a.g::text, 7, '0')"
                ),
                "applicant_id": (
                    f"CASE WHEN a.g <= {int(heavy_count)} THEN {heavy.pk} "
                    f"ELSE {low} + floor(power(a.r_user, 1.5) * {high - low + 1})::bigint END"
                ),
                "service_id": "a.service",
                "agency_id": "a.agency",
                "status": "a.status",
                "version": "1",
                "created_at": "a.at - interval '20 minutes'",
                "updated_at": "a.at",
                "submitted_at": "a.at",
                "work_started_at": (
                    "CASE WHEN a.status IN ('submitted', 'accepted') THEN NULL "
                    "ELSE a.at + interval '1 day' END"
                ),
                "decided_at": f"CASE WHEN {finished} THEN a.at + interval '9 days' END",
                "cancelled_at": (
                    "CASE WHEN a.status = 'cancelled' THEN a.at + interval '2 days' END"
                ),
                # processing days are working days: about 7/5 calendar days each
                "due_date": "(a.at + (a.days * 7 / 5 + 1) * interval '1 day')::date",
                # Taken into work: one of the officers (the other agencies' officers are
                # not signed in here, so any ten ids of theirs do); waiting: nobody.
                "assigned_officer_id": (
                    "CASE WHEN a.status IN ('submitted', 'accepted') THEN NULL "
                    f"WHEN a.agency = {big.pk} THEN {officer} "
                    f"ELSE {FOREIGN_OFFICERS} + a.agency * {OFFICERS} "
                    f"+ floor(a.r_officer * {OFFICERS})::bigint END"
                ),
            },
        )
        print(
            f"   applications {first:>9,}–{last:>9,}: {inserted:,} rows "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE applications_application")
    print(f"   generated and analysed in {time.perf_counter() - started:.0f} s", flush=True)


def existing() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM applications_application WHERE number LIKE %s",
            [NUMBER_PREFIX + "%"],
        )
        return cursor.fetchone()[0]


def delete_generated() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM applications_application WHERE number LIKE %s", [NUMBER_PREFIX + "%"]
        )
        cursor.execute("DELETE FROM accounts_user WHERE display_name LIKE %s", [BENCH_NAME + "%"])
        cursor.execute("VACUUM ANALYZE applications_application")


# --- the pages ------------------------------------------------------------------------------


def install_bare_views() -> None:
    """The portal's URLs plus two bare pages behind the same middleware and sign-in."""
    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    import gosportal.urls

    layout = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<h1>Bench</h1>{% endblock %}'
    )

    @login_required
    def bare(request):
        return HttpResponse("ok")

    @login_required
    def layout_only(request):
        return HttpResponse(layout.render({}, request))

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [
        path("bench/bare/", bare),
        path("bench/layout/", layout_only),
        *gosportal.urls.urlpatterns,
    ]
    for name in ("handler400", "handler403", "handler404", "handler500"):
        setattr(module, name, getattr(gosportal.urls, name))
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


def signed_in(user):
    from django.test import Client

    from gosportal.accounts.models import UserSession

    client = Client()
    client.force_login(user)
    UserSession.objects.get_or_create(user=user, session_key=client.session.session_key)
    return client


NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next"')


def follow_next(client, url: str, pages: int) -> str:
    """The URL ``pages`` «Дальше →» links after ``url``."""
    for _ in range(pages):
        response = client.get(url)
        found = NEXT_LINK.search(response.content.decode())
        if not found:
            raise RuntimeError(f"no next page after {url}")
        href = html.unescape(found.group(1))
        url = href if href.startswith("/") else url.split("?")[0] + href
    return url


def measure(targets: list[tuple[str, object, str]], samples: int) -> dict[str, list[float]]:
    """Round-robin: each round requests every page once; the first rounds warm up."""
    timings = {name: [] for name, _client, _url in targets}
    for name, client, url in targets:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {url} answered {response.status_code}")
    for round_number in range(samples + 3):
        for name, client, url in targets:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (name, response.status_code)
            if round_number >= 3:
                timings[name].append(elapsed)
    return timings


def print_plans(targets) -> None:
    """Per page: its queries, their time, and a plan summary of each one that reads the
    applications table (``EXPLAIN (ANALYZE)``, run once more right after the request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name, client, url in targets:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = list(captured.captured_queries)
        total = sum(float(q["time"]) for q in queries)
        print(f"\n   {name}: {len(queries)} queries, {total * 1000:.0f} ms in SQL")
        for query in queries:
            if "applications_application" not in query["sql"]:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + query["sql"])
                lines = [row[0] for row in cursor.fetchall()]
            for line in summarize(lines):
                print(f"      {line}")


PLAN_NODE = re.compile(
    r"(Index Only Scan|Index Scan Backward|Index Scan|Bitmap Index Scan|Bitmap Heap Scan|"
    r"Seq Scan|Parallel Seq Scan|Incremental Sort|Sort|Limit|Hash Join|Nested Loop|"
    r"Merge Join|Unique|HashAggregate|Aggregate|Gather)"
)


def summarize(lines: list[str]) -> list[str]:
    summary = []
    for line in lines:
        text = line.strip().removeprefix("-> ").strip()
        if PLAN_NODE.match(text):
            node = re.sub(
                r"\s*\(actual time=[\d.]+\.\.([\d.]+) rows=(\d+) loops=(\d+)\)",
                lambda m: f" [{m[2]} rows, {m[1]} ms{f' × {m[3]} loops' if m[3] != '1' else ''}]",
                text,
            )
            summary.append(" " * (len(line) - len(line.lstrip())) + node)
        elif text.startswith(("Index Cond", "Filter", "Rows Removed", "Sort Key", "Presorted")):
            summary.append(" " * (len(line) - len(line.lstrip())) + text[:110])
        elif text.startswith("Execution Time"):
            summary.append(text)
    return summary


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(timings, baseline: str, layout: str) -> None:
    bare = statistics.median(timings[baseline])
    page = statistics.median(timings[layout])
    print(f"   {'page':<42} {'p50':>9} {'p95':>9} {'× bare':>8} {'× layout':>9}")
    for name, values in timings.items():
        median = statistics.median(values)
        print(
            f"   {name:<42} {median * 1000:7.2f}ms {pct(values, 95) * 1000:7.2f}ms "
            f"{median / bare:7.1f}× {median / page:8.2f}×"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--heavy", type=int, default=2_000, help="applications of one person")
    parser.add_argument("--share", type=float, default=0.30, help="the big agency's share")
    parser.add_argument("--samples", type=int, default=40, help="requests per page")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--without-queue-indexes",
        action="store_true",
        help="measure the queue again without QUEUE_INDEXES (rebuilt afterwards)",
    )
    args = parser.parse_args()

    database = configure()
    print(f"database: {database}")
    print(f"machine: {os.cpu_count()} CPU, {os.uname().sysname} {os.uname().release}")
    if args.regenerate:
        delete_generated()
    have = existing()
    if have < args.applications:
        if have:
            delete_generated()
        print(f"\n0. Generating {args.applications:,} applications", flush=True)
        generate(args.applications, args.applicants, args.heavy, args.share)
    heavy, big, officers = _bench_users()

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE agency_id = %s), "
            "count(*) FILTER (WHERE applicant_id = %s), "
            "pg_size_pretty(pg_total_relation_size('applications_application')) "
            "FROM applications_application",
            [big.pk, heavy.pk],
        )
        total, at_big, of_heavy, size = cursor.fetchone()
        cursor.execute(
            "SELECT status, count(*) FROM applications_application WHERE agency_id = %s "
            "GROUP BY status ORDER BY 2 DESC",
            [big.pk],
        )
        spread = ", ".join(f"{status} {count:,}" for status, count in cursor.fetchall())
    print(
        f"\napplications: {total:,} ({size} with indexes); {big.short_name}: {at_big:,}; "
        f"heavy applicant: {of_heavy:,}\n{big.short_name} by status: {spread}"
    )

    install_bare_views()
    citizen = signed_in(heavy)
    officer = signed_in(officers[0])
    some_number = heavy.applications.order_by("-submitted_at").values_list("number", flat=True)[50]
    targets = [
        ("bare view (HttpResponse)", citizen, "/bench/bare/"),
        ("empty page in the layout", citizen, "/bench/layout/"),
        ("Мои заявления: active, first page", citizen, "/applications/"),
        ("Мои заявления: finished, first page", citizen, "/applications/?tab=finished"),
        (
            "Мои заявления: finished, page 51 (keyset)",
            citizen,
            follow_next(citizen, "/applications/?tab=finished", 50),
        ),
        (
            "Мои заявления: finished, status=rejected",
            citizen,
            "/applications/?tab=finished&status=rejected",
        ),
        (
            "Мои заявления: search by number",
            citizen,
            f"/applications/?tab=finished&q={some_number}",
        ),
        ("officer bare view (HttpResponse)", officer, "/bench/bare/"),
        ("queue: first page", officer, "/desk/applications/"),
        ("queue: next page", officer, follow_next(officer, "/desk/applications/", 1)),
        ("queue: page 21", officer, follow_next(officer, "/desk/applications/", 20)),
        ("queue: status=in_progress", officer, "/desk/applications/?status=in_progress"),
        (
            "queue: status=in_progress, next page",
            officer,
            follow_next(officer, "/desk/applications/?status=in_progress", 1),
        ),
        ("queue: overdue only", officer, "/desk/applications/?overdue=on"),
        ("queue: assigned to me", officer, "/desk/applications/?assigned=me"),
        ("queue: without assignee", officer, "/desk/applications/?assigned=none"),
    ]
    print(f"\n1. Latency, {args.samples} requests per page, round-robin (signed in, test client)")
    timings = measure(targets, args.samples)
    report(timings, "bare view (HttpResponse)", "empty page in the layout")

    print("\n2. Queries per page; plans of the queries reading applications")
    print_plans(targets)

    if args.without_queue_indexes:
        print(f"\n3. The queue again without {', '.join(QUEUE_INDEXES)} (rebuilt afterwards)")
        with connection.cursor() as cursor:
            for name in QUEUE_INDEXES:
                cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
            cursor.execute("ANALYZE applications_application")
        try:
            queue = [t for t in targets if t[0].startswith(("queue", "officer bare", "empty"))]
            report(measure(queue, args.samples), "officer bare view (HttpResponse)", queue[0][0])
            print_plans([t for t in queue if t[0].startswith("queue")])
        finally:
            with connection.cursor() as cursor:
                for name, definition in QUEUE_INDEXES.items():
                    cursor.execute(
                        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
                        f"ON applications_application {definition}"
                    )
                cursor.execute("ANALYZE applications_application")


if __name__ == "__main__":
    main()

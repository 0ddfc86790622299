"""Scale-out on one machine (OPS-3; not a test): nginx in front of two web stacks.

Starts, all on 127.0.0.1 and on PostgreSQL + Redis: two web stacks (each a gunicorn
WSGI process for the pages and a uvicorn ASGI process for the live streams, as
docs/operations.md lays them out), two RQ task workers, and nginx (Debian package,
``scripts/system-deps.sh bench``) with a generated nginx.conf: two upstreams (pages,
streams; round robin), the SSE path unbuffered, ``X-Forwarded-For`` set by nginx and
trusted one hop (``BEHIND_PROXY=true TRUSTED_PROXY_COUNT=1``), and an ``X-Upstream``
header naming the process that answered. Sessions are ``cached_db`` in Redis, the
stream wake-ups Redis pub/sub, the task queue RQ; the alias ``replica``
(``DATABASE_REPLICA_URL``) points at the same database, so the routed lists go through
the router as with a real replica.

Then, through nginx only:

1. the check: the demo citizen Алёна Фёдорова and the demo officer sign in (password,
   then the SMS code read from the sandbox gateway's store), each request answered by
   whichever web process nginx picks — both must have answered while the sessions
   hold; the citizen opens the inbox stream; the officer takes one of her submitted
   applications into work; the «в работе» notification must arrive on her stream
   (the status change, the worker's delivery and the stream run in different
   processes, woken through Redis);
2. the page benchmark of bench/pages.py (``hey`` at c=8 and c=32, pages vs the bare
   view in the same round) through nginx.

Everything started is stopped at the end, or after ``--budget`` seconds at most.

    REDIS_URL=redis://127.0.0.1:6379/8 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gosportal_bench_scaleout \\
    .venv/bin/python bench/scaleout.py [--seconds 4] [--rounds 1] [--budget 900]

The database (its name must contain ``bench``) is dropped, created, migrated and filled
with the demo data on every run, and the Redis database is emptied: give the run its own.
"""

import argparse
import os
import pwd
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pages  # bench/pages.py: configuration, demo data, sessions and hey

ROOT = pages.ROOT
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gosportal_bench_scaleout"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"
CITIZEN = ("alena.fedorova@example.ru", "Demo-Citizen-2026!")
OFFICER = ("agency.officer@gosportal.local", "Demo-Officer-2026!")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

NGINX_CONF = """\
daemon off;
worker_processes 1;
{user}
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    upstream gosportal_pages {{
{pages}
        keepalive 16;
    }}
    upstream gosportal_streams {{
{streams}
    }}
    server {{
        listen 127.0.0.1:{port};
        location = /notifications/stream/ {{
            proxy_pass http://gosportal_streams;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_read_timeout 1h;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
        location / {{
            proxy_pass http://gosportal_pages;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Budget(Exception):
    pass


def fresh_database() -> None:
    import psycopg

    base, name = os.environ["DATABASE_URL"].rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # sessions, limits, queue
    pages.prepare_database()


def nginx_conf(run: Path, port: int, web_ports: list[int], stream_ports: list[int]) -> str:
    user = ""
    if os.geteuid() == 0:  # the workers keep the invoking user (the temp paths are its own)
        user = f"user {pwd.getpwuid(0).pw_name};"
    return NGINX_CONF.format(
        user=user,
        run=run,
        port=port,
        pages="\n".join(f"        server 127.0.0.1:{p};" for p in web_ports),
        streams="\n".join(f"        server 127.0.0.1:{p};" for p in stream_ports),
    )


def start_all(run: Path, env: dict[str, str], web_workers: int) -> tuple[dict, int, list]:
    """The processes by name, nginx's port and the web processes' addresses."""
    manage = str(ROOT / "manage.py")
    web_ports = [pages.free_port() for _ in range(2)]
    stream_ports = [pages.free_port() for _ in range(2)]
    commands = {}
    for i, (web, stream) in enumerate(zip(web_ports, stream_ports, strict=True), 1):
        commands[f"web{i}"] = [
            *(sys.executable, "-m", "gunicorn", "gosportal.wsgi:application"),
            *("--bind", f"127.0.0.1:{web}", "--workers", str(web_workers)),
            *("--forwarded-allow-ips", "", "--log-level", "warning"),
        ]
        commands[f"streams{i}"] = [
            *(sys.executable, "-m", "uvicorn", "gosportal.asgi:application"),
            *("--host", "127.0.0.1", "--port", str(stream), "--no-access-log"),
            "--no-proxy-headers",
        ]
        commands[f"worker{i}"] = [
            *(sys.executable, manage, "rqworker", "default"),
            *("--job-class", "django_tasks_rq.backend.Job"),
        ]
    port = pages.free_port()
    (run / "nginx.conf").write_text(nginx_conf(run, port, web_ports, stream_ports))
    commands["nginx"] = [NGINX, "-p", str(run), "-c", str(run / "nginx.conf")]
    processes = {}
    for name, command in commands.items():
        child_env = {**os.environ, **env, "PROMETHEUS_MULTIPROC_DIR": str(run / "metrics")}
        log = open(run / f"{name}.log", "wb")  # noqa: SIM115 (closed with the run directory)
        processes[name] = subprocess.Popen(command, env=child_env, cwd=ROOT, stdout=log, stderr=log)
    targets = [*web_ports, *stream_ports, port]
    deadline = time.monotonic() + 180
    while not all(pages.answers("127.0.0.1", p) for p in targets):
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} stopped: see {run / (name + '.log')}")
        if time.monotonic() > deadline:
            raise RuntimeError("the servers did not answer in 180 s")
        time.sleep(0.5)
    answering = {f"127.0.0.1:{p}" for p in web_ports}
    return processes, port, sorted(answering)


def stop_all(processes: dict) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the check --------------------------------------------------------------------


class Browser:
    """An httpx client through nginx that remembers which web process answered."""

    def __init__(self, port: int):
        import httpx

        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        self.upstreams: list[str] = []

    def request(self, verb: str, path: str, **data):
        if verb == "POST":
            data["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken", "")
            response = self.client.post(path, data=data)
        else:
            response = self.client.get(path)
        self.upstreams.append(response.headers.get("x-upstream", "?"))
        if response.status_code >= 400:
            raise RuntimeError(f"{verb} {path}: {response.status_code}")
        return response

    def sign_in(self, login: str, password: str) -> None:
        from gosportal.accounts import selectors
        from gosportal.integrations.models import SandboxMessage

        phone = selectors.user_by_login(login).phone
        last = SandboxMessage.objects.filter(recipient=phone).order_by("-pk").first()
        since = last.pk if last else 0
        self.request("GET", "/accounts/login/")
        step = self.request("POST", "/accounts/login/", login=login, password=password)
        if "second-factor" not in step.headers.get("location", ""):
            raise RuntimeError(f"{login}: the password step answered {step.status_code}")
        self.request("GET", "/accounts/login/second-factor/?method=sms")
        # A code issued for the same phone in the last minute (the demo data issues some)
        # makes the gateway refuse a new one for the rest of that minute: ask again
        # until the code arrives, within 90 s.
        code, deadline = None, time.monotonic() + 90
        while code is None:
            sent = self.request(
                "POST", "/accounts/login/second-factor/", method="sms", action="send"
            )
            try:
                code = wait_for(lambda: sms_code(phone, since), "the SMS code", 10)
            except RuntimeError:
                if time.monotonic() > deadline:
                    page = self.request("GET", sent.headers.get("location", "/")).text
                    raise RuntimeError(f"{login}: no SMS code; {messages_of(page)}") from None
        done = self.request("POST", "/accounts/login/second-factor/", method="sms", code=code)
        if done.status_code != 302 or "second-factor" in done.headers.get("location", ""):
            raise RuntimeError(f"{login}: the code was not accepted")
        if "Выйти" not in self.request("GET", "/").text:
            raise RuntimeError(f"{login}: not signed in after the code")


def messages_of(page: str) -> list[str]:
    return re.findall(r'class="[^"]*(?:message|alert|error)[^"]*"[^>]*>\s*([^<]+)', page)


def sms_code(phone: str, since: int) -> str | None:
    from gosportal.integrations.models import SandboxMessage

    message = SandboxMessage.objects.filter(recipient=phone, pk__gt=since).order_by("-pk").first()
    found = message and re.search(r"\b\d{6}\b", message.body)
    return found.group() if found else None


def wait_for(probe, what: str, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come within {seconds:.0f} s")


def listen(browser: Browser, events: queue.Queue, stop: threading.Event) -> None:
    """Reads the inbox stream through nginx, putting (event name, data) on ``events``."""
    with browser.client.stream("GET", "/notifications/stream/", timeout=None) as response:
        events.put(("open", response.headers.get("x-upstream", "?")))
        name = ""
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.put((name, line.split(":", 1)[1].strip()))


def check(port: int, web: list[str]) -> list[str]:
    from gosportal.accounts import selectors as accounts
    from gosportal.applications.models import Application, Status

    lines = []
    citizen, officer = Browser(port), Browser(port)
    citizen.sign_in(*CITIZEN)
    officer.sign_in(*OFFICER)
    for _ in range(4):  # a few more pages on each session, wherever they land
        citizen.request("GET", "/applications/")
        officer.request("GET", "/desk/applications/")
    for who, browser in (("citizen", citizen), ("officer", officer)):
        seen = sorted(set(browser.upstreams))
        lines.append(f"{who}: {len(browser.upstreams)} requests answered by {', '.join(seen)}")
        if set(seen) != set(web):
            raise RuntimeError(f"{who}: not every web process answered ({seen})")
    application = (
        Application.objects.filter(
            applicant=accounts.user_by_login(CITIZEN[0]), status=Status.SUBMITTED
        )
        .order_by("pk")
        .first()
    )
    if application is None:
        raise RuntimeError("no submitted application of the citizen in the demo data")
    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    reader = threading.Thread(target=listen, args=(citizen, events, stop), daemon=True)
    reader.start()
    name, stream_upstream = events.get(timeout=30)
    lines.append(f"citizen's stream opened on {stream_upstream}")
    officer.request("GET", f"/desk/applications/{application.number}/")
    started = time.monotonic()
    taken = officer.request("POST", f"/desk/applications/{application.number}/take/")
    lines.append(f"officer's status change answered by {taken.headers.get('x-upstream')}")
    application.refresh_from_db()
    if application.status != Status.IN_PROGRESS:
        raise RuntimeError(f"the application is {application.status}, not in progress")
    deadline = started + 60
    while True:
        try:
            name, data = events.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise RuntimeError("no notification on the stream within 60 s") from None
        if name == "notification" and application.number in data:
            break
    lines.append(
        f"the notification for {application.number} arrived on the stream "
        f"{time.monotonic() - started:.2f} s after the change"
    )
    stop.set()
    citizen.client.close()
    officer.client.close()
    return lines


# --- main -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--web-workers", type=int, default=1, help="gunicorn workers per stack")
    parser.add_argument("--budget", type=int, default=900, help="seconds before everything stops")
    parser.add_argument("--check-only", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(NGINX):
        sys.exit("nginx is missing: scripts/system-deps.sh bench")
    if not pages.answers("127.0.0.1", 6379):
        sys.exit("Redis does not answer on 127.0.0.1:6379")

    os.environ.setdefault("DATABASE_URL", DEFAULT_PG)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench-scaleout"))
    env = pages.configure(redis=True)
    env.update(
        BEHIND_PROXY="true",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_REPLICA_URL=env["DATABASE_URL"],
        TASK_BACKEND="rq",
    )
    os.environ.update(env)

    def out_of_time(*_):
        raise Budget

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(args.budget)
    run = Path(tempfile.mkdtemp(prefix="gosportal-scaleout-"))
    (run / "metrics").mkdir()
    processes: dict = {}
    try:
        fresh_database()
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gosportal.settings")
        django.setup()
        processes, port, web = start_all(run, env, args.web_workers)
        print(f"nginx on 127.0.0.1:{port}; web processes {', '.join(web)}", flush=True)
        print(f"load before: {os.getloadavg()}", flush=True)
        for line in check(port, web):
            print("check:", line, flush=True)
        if args.check_only:
            return
        targets, _cookie = pages.sessions_and_targets()
        for name, path, cookie in targets:
            if pages.status(port, path, cookie) != 200:
                raise RuntimeError(f"{name}: {path} does not answer 200 through nginx")
        for concurrency in pages.CONCURRENCY:
            results: dict[str, list] = {n: [] for n, _p, _c in targets}
            for _round in range(args.rounds):
                for name, path, cookie in targets:
                    results[name].append(pages.hey(port, path, cookie, concurrency, args.seconds))
            bare = [rps for rps, _p95 in results["bare view"]]
            # The ceiling of one stack: the bare view on one web process, without nginx.
            one = int(web[0].rsplit(":", 1)[1])
            _name, bare_path, bare_cookie = targets[0]
            results["bare view, one web process, no nginx"] = [
                pages.hey(one, bare_path, bare_cookie, concurrency, args.seconds)
                for _round in range(args.rounds)
            ]
            print(f"\nnginx → 2 web stacks, c={concurrency}, load {os.getloadavg()[0]:.2f}")
            print("| page | rps (rounds) | of bare | p95 ms |")
            print("| --- | --- | --- | --- |")
            for name, rounds in results.items():
                rps = " / ".join(f"{r:.0f}" for r, _p in rounds)
                ratio = " / ".join(f"{r / b:.2f}" for (r, _p), b in zip(rounds, bare, strict=True))
                p95 = " / ".join(f"{p:.0f}" for _r, p in rounds)
                print(f"| {name} | {rps} | {ratio} | {p95} |", flush=True)
        print(f"\nload after: {os.getloadavg()}")
    except Budget:
        stop_all(processes)
        sys.exit(f"stopped after the budget of {args.budget} s; logs in {run}")
    except BaseException:
        stop_all(processes)
        print(f"logs of the processes in {run}", file=sys.stderr)
        raise
    else:
        stop_all(processes)
        shutil.rmtree(run, ignore_errors=True)
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    main()

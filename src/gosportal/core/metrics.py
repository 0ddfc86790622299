"""Prometheus metrics (OPS-2) at ``/metrics`` for the bearer token ``METRICS_TOKEN``.

Counted in each process: request latency per view name (a middleware) and sign-in
outcomes (``count_signin`` on the accounts' success and failure paths). Under
``manage.py serve`` several processes count, so ``PROMETHEUS_MULTIPROC_DIR`` is set
for all of them and a scrape adds up their files; without it (a single process) the
default registry is used. Read from the database at scrape time: the outbox lag (age
of the oldest unprocessed event), the task queue depth and the notification
deliveries by channel and status.
"""

import hmac
import os
import time

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.decorators import sync_and_async_middleware
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_SECONDS = Histogram(
    "gosportal_request_seconds",
    "Time from the request to its response, by view name",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SIGNINS = Counter("gosportal_signins", "Sign-in attempts by outcome", ["result"])


def count_signin(result: str) -> None:
    SIGNINS.labels(result=str(result)).inc()


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unresolved>"
    return match.view_name or match._func_path


@sync_and_async_middleware
def request_metrics_middleware(get_response):
    """Observe each request's latency under its view name (not its path: bounded labels)."""
    from asgiref.sync import iscoroutinefunction

    def observe(request, started):
        REQUEST_SECONDS.labels(view=_view_name(request), method=request.method).observe(
            time.perf_counter() - started
        )

    if iscoroutinefunction(get_response):

        async def middleware(request):
            started = time.perf_counter()
            response = await get_response(request)
            observe(request, started)
            return response

    else:

        def middleware(request):
            started = time.perf_counter()
            response = get_response(request)
            observe(request, started)
            return response

    return middleware


_APP_COLLECTORS: list = []


def register_collector(collect) -> None:
    """Add an app's gauges, read at scrape time: ``collect()`` yields metric families.
    Apps call this from ``AppConfig.ready`` (the kernel names no app)."""
    if collect not in _APP_COLLECTORS:
        _APP_COLLECTORS.append(collect)


class DatabaseCollector:
    """Gauges read at scrape time, once for all processes."""

    def collect(self):
        from django_tasks_db.models import DBTaskResult

        from gosportal.core.models import OutboxEvent

        oldest = OutboxEvent.objects.filter(processed_at__isnull=True).aggregate(
            oldest=Min("occurred_at")
        )["oldest"]
        lag = GaugeMetricFamily(
            "gosportal_outbox_lag_seconds", "Age of the oldest unprocessed outbox event"
        )
        lag.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
        yield lag

        depth = GaugeMetricFamily(
            "gosportal_task_queue_depth", "Tasks waiting in the queue", labels=["queue"]
        )
        if settings.TASK_BACKEND == "rq":
            import django_rq

            depth.add_metric(["default"], len(django_rq.get_queue("default")))
        elif settings.TASK_BACKEND == "db":
            for row in (
                DBTaskResult.objects.filter(status="READY")
                .values("queue_name")
                .annotate(n=Count("id"))
                .order_by()
            ):
                depth.add_metric([row["queue_name"]], row["n"])
        yield depth

        for collect in _APP_COLLECTORS:
            yield from collect()


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
        registry.register(SIGNINS)
    registry.register(DatabaseCollector())
    return registry


@never_cache
def metrics_view(request):
    """404 when no token is configured, 401 without a bearer token, 403 for a wrong one."""
    if not settings.METRICS_TOKEN:
        raise Http404
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(token.encode(), settings.METRICS_TOKEN.encode()):
        return HttpResponse(status=403)
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)

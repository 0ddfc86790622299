"""Public pages of the kernel: home, health and readiness probes, the benchmarks' bare
view, error pages."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "core/home.html")


@never_cache
def healthz(request):
    """The process is alive and serving requests."""
    return JsonResponse({"status": "ok"})


def bench_bare(request):
    """The benchmarks' ceiling (bench/pages.py): a bare response through the same
    middleware as every page; 404 unless ``BENCH_BARE_VIEW`` is on."""
    if not settings.BENCH_BARE_VIEW:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache did not return the value it was given")


def _check_tasks() -> None:
    if settings.TASK_BACKEND == "rq":
        import django_rq

        django_rq.get_connection("default").ping()
    elif settings.TASK_BACKEND == "db":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()


@never_cache
def readyz(request):
    """Database, cache and task backend all answer; 503 names the one that does not."""
    checks = {}
    healthy = True
    for name, probe in (
        ("database", _check_database),
        ("cache", _check_cache),
        ("tasks", _check_tasks),
    ):
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:
            logger.warning("readiness check %s failed: %r", name, exc)
            checks[name] = "unavailable"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@requires_csrf_token
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    return render(request, "500.html", status=500)

"""Liveness, readiness and the Prometheus endpoint (OPS-2)."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from gosportal.core.models import OutboxEvent
from gosportal.notifications.models import Delivery, Notification
from tests.factories import UserFactory

TOKEN = "metrics-token-for-the-test-0123456789"


def sample(text: str, name: str, **labels) -> float | None:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no django_db mark: a query would raise
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database_cache_and_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "tasks": "ok"},
    }


@pytest.mark.django_db
def test_readyz_names_the_part_that_does_not_answer(client, settings):
    # A Redis cache on a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "unavailable",
        "tasks": "ok",
    }


@pytest.mark.django_db
def test_metrics_do_not_exist_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_right_bearer_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    anonymous = client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@pytest.mark.django_db
def test_metrics_report_latency_per_view_and_the_queues(client, settings):
    settings.METRICS_TOKEN = TOKEN
    before = REGISTRY.get_sample_value(
        "gosportal_request_seconds_count", {"view": "core:healthz", "method": "GET"}
    )
    client.get("/healthz")
    user = UserFactory()
    for channel, status in (("sms", "delivered"), ("sms", "delivered"), ("email", "queued")):
        notification = Notification.objects.create(
            user=user, event_type="system", source_event_id=uuid.uuid4(), title="t", text="t"
        )
        Delivery.objects.create(
            notification=notification, channel=channel, status=status, destination="x", body="b"
        )
    OutboxEvent.objects.create(
        name="test.metrics", occurred_at=timezone.now() - timedelta(minutes=10)
    )
    OutboxEvent.objects.create(
        name="test.metrics",
        occurred_at=timezone.now() - timedelta(hours=5),
        processed_at=timezone.now(),
    )

    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()

    count = sample(text, "gosportal_request_seconds_count", view="core:healthz", method="GET")
    assert count == (before or 0) + 1
    assert 600 <= sample(text, "gosportal_outbox_lag_seconds") < 3600
    assert sample(text, "gosportal_deliveries", channel="sms", status="delivered") == 2
    assert sample(text, "gosportal_deliveries", channel="email", status="queued") == 1
    assert "gosportal_task_queue_depth" in text


@pytest.mark.django_db
def test_sign_in_outcomes_are_counted(client):
    user = UserFactory()
    labels = {"result": "wrong_password"}
    before = REGISTRY.get_sample_value("gosportal_signins_total", labels) or 0
    client.post("/accounts/login/", {"login": user.email, "password": "not-the-password"})
    client.post("/accounts/login/", {"login": "nobody@example.ru", "password": "x-x-x-x-x"})
    assert REGISTRY.get_sample_value("gosportal_signins_total", labels) == before + 2


@pytest.mark.django_db
def test_the_bench_view_exists_only_when_switched_on(client, settings):
    settings.BENCH_BARE_VIEW = False
    assert client.get("/bench/bare").status_code == 404
    settings.BENCH_BARE_VIEW = True
    response = client.get("/bench/bare")
    assert response.status_code == 200
    assert response.content == b"ok"

"""Kernel HTTP behaviour: probes, request ids, error pages, security headers, deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory, override_settings

from gosportal.core.errors import Conflict, RateLimited
from gosportal.core.middleware import DomainErrorMiddleware

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "tasks": "ok"}


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
)
def test_readyz_answers_503_naming_the_unreachable_dependency(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == "unavailable"
    assert body["checks"]["database"] == "ok"


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_well_formed_incoming_request_id_is_kept_and_a_forged_one_replaced(client):
    assert (
        client.get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789")["X-Request-ID"] == "lb-0123456789"
    )
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>x</script>")["X-Request-ID"]
    assert "<" not in forged and len(forged) == 32


def test_unknown_page_shows_the_russian_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_server_error_shows_the_russian_500_page():
    from gosportal.core.views import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Ошибка на сервере" in response.content.decode()


@pytest.mark.parametrize(
    "error, status",
    [(Conflict("Заявление уже отправлено."), 409), (RateLimited(retry_after=30), 429)],
)
def test_domain_errors_become_pages_with_their_status_and_message(rf, error, status):
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = DomainErrorMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == status
    assert str(error.message) in response.content.decode()
    if status == 429:
        assert response["Retry-After"] == "30"


def test_other_exceptions_are_left_to_django(rf):
    assert (
        DomainErrorMiddleware(lambda r: None).process_exception(rf.get("/"), ValueError()) is None
    )


def test_pages_send_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_home_page_is_russian_by_default_and_english_on_request(client):
    assert '<html lang="ru">' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()


def test_admin_is_in_russian(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert 'lang="ru"' in html and "Администрирование сайта" in html


def test_admin_sign_in_goes_through_the_portal_sign_in(client):
    """Django's own admin login would skip lockout, the second factor and the history."""
    response = client.get("/admin/login/?next=/admin/core/auditevent/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/core/auditevent/"


def _check_deploy(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "FIELD_ENCRYPTION_KEYS",
            "BLIND_INDEX_KEY",
            "DEBUG",
            "HTTPS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process
        }
    }
    env.update(extra_env)
    env["VAR_DIR"] = str(Path(os.environ.get("VAR_DIR", ROOT / "var")) / "deploy-check")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": "x" * 20 + "A-very-long-random-production-secret-key-0123456789",
    "FIELD_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
    "BLIND_INDEX_KEY": "production-blind-index-key-0123456789",
    "ALLOWED_HOSTS": "gosportal.example",
}


@pytest.mark.subprocess
def test_check_deploy_passes_with_production_settings():
    result = _check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.subprocess
def test_check_deploy_refuses_secrets_generated_for_a_laptop():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "FIELD_ENCRYPTION_KEYS"}
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS was generated" in result.stdout + result.stderr


def test_browser_language_does_not_override_the_russian_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="ru">' in response.content.decode()
    assert response["Content-Language"] == "ru"


def test_unknown_language_cookie_falls_back_to_russian(client):
    client.cookies["django_language"] = "de"
    assert '<html lang="ru">' in client.get("/").content.decode()

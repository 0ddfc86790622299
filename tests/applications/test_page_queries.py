"""Each signed-in page's queries, pinned (issue 18): the chrome — session, user and at
most one more — and every page's total, so a query added per page or per row shows."""

import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gosportal.applications.models import Application
from tests.conftest import sign_in_as
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

# What every signed-in page reads besides its content: the session row, the user and,
# with a per-process cache, the unread count (with Redis the count is in the cache).
CHROME = 3
# Pages and their whole count with the default (local-memory) cache.
PAGES = {
    "home": 3,
    "applications": 5,  # + the services filter, the page of applications
    "inbox": 6,  # + the total, the newest id, the failed channels in one query, the unread tab
    "card": 9,  # + application, versions, history, attachments, documents, appeals
    "catalog": 6,  # + categories with counts, popular and new services
    "profile": 8,  # + profile, checks, documents, pending requests, passport scan
    "settings": 3,
}
QUEUE = 7  # + officer, services filter, the page of applications, the assignees' names


@pytest.fixture(autouse=True)
def still_clock():
    """No activity write (due once a minute) lands in a measured request on a slow run."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/2"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


def _urls(submitted) -> dict[str, str]:
    return {
        "home": "/",
        "applications": reverse("applications:list"),
        "inbox": reverse("notifications:inbox"),
        "card": reverse("applications:detail", kwargs={"ref": submitted.ref}),
        "catalog": reverse("catalog:home"),
        "profile": reverse("profiles:my_data"),
        "settings": reverse("profiles:settings"),
    }


def _warm(client, url) -> None:
    assert client.get(url).status_code == 200, url  # caches a page fills once


def _chrome(sql: list[str]) -> list[str]:
    chrome_tables = (
        '"django_session"',
        '"accounts_usersession"',
        '"organizations_',
        'FROM "accounts_user" WHERE "accounts_user"."id" = ',
    )
    counts = [s for s in sql if "COUNT(*)" in s and "read_at" in s and "in_inbox" in s]
    return [s for s in sql if any(t in s for t in chrome_tables)] + counts


@pytest.mark.parametrize("page", list(PAGES))
def test_each_citizen_page_is_pinned(client, citizen, submitted, page, django_assert_num_queries):
    sign_in_as(client, citizen)
    url = _urls(submitted)[page]
    _warm(client, url)
    with django_assert_num_queries(PAGES[page]) as queries:
        client.get(url)
    assert len(_chrome([q["sql"] for q in queries.captured_queries])) == CHROME


def test_the_officer_queue_is_pinned(client, agency, submitted, django_assert_num_queries):
    officer = OfficerFactory(agency=agency, role="officer")
    Application.objects.filter(pk=submitted.pk).update(assigned_officer_id=officer.user.pk)
    sign_in_as(client, officer.user)
    _warm(client, "/desk/applications/")
    with django_assert_num_queries(QUEUE) as queries:
        response = client.get("/desk/applications/")
    assert response.context["rows"][0]["assignee"] == str(officer.user)
    assert len(_chrome([q["sql"] for q in queries.captured_queries])) == CHROME


def test_with_redis_the_chrome_is_the_session_and_the_user(client, citizen, submitted, redis_cache):
    sign_in_as(client, citizen)
    for page, url in _urls(submitted).items():
        _warm(client, url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        sql = [q["sql"] for q in queries.captured_queries]
        assert len(sql) == PAGES[page] - 1, page
        assert len(_chrome(sql)) == CHROME - 1, page

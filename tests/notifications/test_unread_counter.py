"""The header's unread counter (NOT-1) kept in the cache by the inbox writers."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gosportal.accounts.deletion import delete_account
from gosportal.notifications import services, unread
from gosportal.notifications.models import Notification
from tests.factories import UserFactory
from tests.notifications.helpers import notification_for

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/2"


@pytest.fixture
def redis_cache(settings):
    """Django's cache on a local Redis server, under keys of this test only."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def user():
    return UserFactory(email_confirmed=True)


def _counting(queries) -> int:
    return sum("notifications_notification" in q["sql"] for q in queries.captured_queries)


def _count_without_query(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        number = unread.count(user.pk)
    assert _counting(queries) == 0
    return number


def _notify(user, capture):
    with capture(execute=True):
        return notification_for(user)


def test_a_new_inbox_notification_counts_without_a_query(
    redis_cache, user, django_capture_on_commit_callbacks
):
    _notify(user, django_capture_on_commit_callbacks)
    assert unread.count(user.pk) == 1  # rebuilt from the database once
    _notify(user, django_capture_on_commit_callbacks)
    _notify(user, django_capture_on_commit_callbacks)
    assert _count_without_query(user) == 3


def test_read_unread_and_read_all_move_the_count(
    redis_cache, user, django_capture_on_commit_callbacks
):
    first = _notify(user, django_capture_on_commit_callbacks)
    for _ in range(3):
        _notify(user, django_capture_on_commit_callbacks)
    assert unread.count(user.pk) == 4
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_read(user=user, notification_id=first.pk)
        services.mark_read(user=user, notification_id=first.pk)  # already read: no change
    assert _count_without_query(user) == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_unread(user=user, notification_id=first.pk)
    assert _count_without_query(user) == 4
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_all_read(user=user)
    assert _count_without_query(user) == 0
    _notify(user, django_capture_on_commit_callbacks)
    assert _count_without_query(user) == 1


def test_erasing_the_account_drops_the_count(redis_cache, user, django_capture_on_commit_callbacks):
    _notify(user, django_capture_on_commit_callbacks)
    assert unread.count(user.pk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user)
    assert unread.count(user.pk) == 0


def test_a_count_is_not_stored_while_a_change_waits_for_its_commit(
    redis_cache, user, django_capture_on_commit_callbacks
):
    """A page rebuilding the count between a change's write and its commit must not store
    a count the change then moves again (it would count it twice)."""
    with django_capture_on_commit_callbacks(execute=True):
        notification_for(user)
        assert unread.count(user.pk) == 1  # another page, meanwhile: its own read only
    # Committed: the change is applied to no stored count; the next read counts anew.
    assert unread.count(user.pk) == 1
    assert _count_without_query(user) == 1


def test_a_lost_cache_is_rebuilt_from_the_database(
    redis_cache, user, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    _notify(user, django_capture_on_commit_callbacks)
    _notify(user, django_capture_on_commit_callbacks)
    assert unread.count(user.pk) == 2
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert unread.count(user.pk) == 2
    assert _counting(queries) == 1


def test_the_header_shows_the_cached_count_without_a_query(
    client, redis_cache, user, django_capture_on_commit_callbacks
):
    from tests.conftest import sign_in_as

    _notify(user, django_capture_on_commit_callbacks)
    _notify(user, django_capture_on_commit_callbacks)
    sign_in_as(client, user)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert "data-notification-counter><span data-count>2</span>" in page
    assert _counting(queries) == 0


def test_with_a_per_process_cache_the_count_is_read_from_the_database(user):
    """Local memory is not shared by the web processes and the worker: count each time."""
    notification_for(user)
    Notification.objects.filter(user=user).update(read_at=None)  # as another process would
    with CaptureQueriesContext(connection) as queries:
        assert unread.count(user.pk) == 1
    assert _counting(queries) == 1
    notification_for(user)
    assert unread.count(user.pk) == 2

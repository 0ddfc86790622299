"""NOT-1: the live stream (Server-Sent Events) sends a signed-in user's new notifications
as they are created, replays what came after Last-Event-ID, and nobody else's."""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient
from django.urls import reverse

from gosportal.notifications import broadcast, stream
from tests.conftest import sign_in_as
from tests.factories import UserFactory
from tests.notifications.helpers import notification_for

pytestmark = pytest.mark.django_db(transaction=True)


def run(scenario):
    """Run an async scenario from this sync test, even in a worker where Playwright's
    sync API (tests/e2e) has left its event loop registered as running in this thread;
    database calls made through sync_to_async still come back to this thread."""
    playwright_loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        return async_to_sync(scenario)()
    finally:
        asyncio._set_running_loop(playwright_loop)


def async_client_for(user) -> AsyncClient:
    from django.test import Client

    client = sign_in_as(Client(HTTP_HOST="127.0.0.1"), user)
    async_client = AsyncClient(HTTP_HOST="127.0.0.1")
    async_client.cookies = client.cookies
    return async_client


async def read_until(chunks, marker: bytes, timeout: float = 5) -> bytes:
    received = b""
    while marker not in received:
        received += await asyncio.wait_for(chunks.__anext__(), timeout)
    return received


def test_a_new_notification_arrives_on_the_open_stream(settings):
    settings.REDIS_URL = ""  # the in-process broadcaster
    user, other = UserFactory(), UserFactory()

    client = async_client_for(user)

    async def scenario():
        response = await client.get(reverse("notifications:stream"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/event-stream")
        assert response["X-Accel-Buffering"] == "no"
        chunks = aiter(response.streaming_content)
        try:
            assert (await read_until(chunks, b"retry:")).startswith(b"retry: 3000")
            await sync_to_async(notification_for)(other, "document_ready", document="Чужая")
            created = await sync_to_async(notification_for)(
                user, "document_ready", document="Справка"
            )
            received = await read_until(chunks, b"event: unread")
        finally:
            await chunks.aclose()
        return created, received.decode()

    created, received = run(scenario)
    assert f"id: {created.pk}" in received
    assert "Документ готов: Справка" in received
    assert "Чужая" not in received
    assert '"unread": 1' in received


def test_reconnect_replays_what_came_after_last_event_id(settings):
    settings.REDIS_URL = ""
    user = UserFactory()
    first = notification_for(user, "document_ready", document="Первая")
    notification_for(user, "document_ready", document="Вторая")

    client = async_client_for(user)

    async def scenario():
        response = await client.get(
            reverse("notifications:stream"), headers={"Last-Event-ID": str(first.pk)}
        )
        chunks = aiter(response.streaming_content)
        try:
            return (await read_until(chunks, b"event: unread")).decode()
        finally:
            await chunks.aclose()

    received = run(scenario)
    assert "Вторая" in received
    assert "Первая" not in received


def test_stream_cleans_up_its_listener_when_closed(settings):
    settings.REDIS_URL = ""
    user = UserFactory()

    client = async_client_for(user)

    async def scenario():
        response = await client.get(reverse("notifications:stream"))
        chunks = aiter(response.streaming_content)
        await read_until(chunks, b"retry:")
        assert broadcast._listeners[user.pk]
        await chunks.aclose()

    run(scenario)
    assert not broadcast._listeners[user.pk]


def test_redis_fan_out_wakes_a_stream_in_another_process(settings):
    """With REDIS_URL the wake-up travels through Redis pub/sub (a local Redis server)."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip("no local Redis server")
    settings.REDIS_URL = url
    user = UserFactory()

    async def scenario():
        listener = await broadcast.AsyncListener(user.pk).open()
        try:
            await sync_to_async(broadcast.publish)(user.pk)
            return await listener.wait(5)
        finally:
            await listener.close()

    assert run(scenario) is True


def test_anonymous_stream_is_refused(client):
    async def scenario():
        return await AsyncClient(HTTP_HOST="127.0.0.1").get(reverse("notifications:stream"))

    assert run(scenario).status_code == 401


def test_after_id_accepts_only_numbers():
    class Request:
        def __init__(self, header):
            self.headers = {"Last-Event-ID": header}
            self.GET = {}

    assert stream._after_id(Request("42")) == 42
    assert stream._after_id(Request("42; drop")) is None
    assert stream._after_id(Request("٤٢")) is None


# --- polling fallback (NOT-1: browsers without a live stream) ---------------------------


def test_polling_returns_only_the_new_notifications_of_the_signed_in_person(client):
    user, stranger = UserFactory(), UserFactory()
    seen = notification_for(user, "document_ready", document="Справка 1")
    fresh = notification_for(user, "document_ready", document="Справка 2")
    notification_for(stranger, "document_ready", document="Чужая справка")
    sign_in_as(client, user)

    data = client.get(reverse("notifications:poll"), {"after": seen.pk}).json()

    assert [item["id"] for item in data["items"]] == [fresh.pk]
    assert data["last_id"] == fresh.pk and data["unread"] == 2


def test_polling_without_news_answers_the_same_last_id(client):
    user = UserFactory()
    seen = notification_for(user, "document_ready", document="Справка 1")
    sign_in_as(client, user)
    data = client.get(reverse("notifications:poll"), {"after": seen.pk}).json()
    assert data["items"] == [] and data["last_id"] == seen.pk


@pytest.mark.parametrize("after", ["", "abc", "-1", "9" * 30])
def test_polling_needs_a_valid_after(client, after):
    sign_in_as(client, UserFactory())
    response = client.get(reverse("notifications:poll"), {"after": after})
    assert response.status_code == 400 and "after" in response.json()["detail"]


def test_polling_is_refused_to_anonymous_visitors_and_to_posts(client):
    assert client.get(reverse("notifications:poll"), {"after": 0}).status_code == 401
    sign_in_as(client, UserFactory())
    assert client.post(reverse("notifications:poll"), {"after": 0}).status_code == 405


def test_wake_ups_are_published_on_one_pooled_redis_connection(settings):
    """A worker publishing many wake-ups keeps one connection instead of one each."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/3"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.skip("no local Redis server")
    settings.REDIS_URL = url
    admin = redis.Redis.from_url(url)
    subscriber = admin.pubsub()
    subscriber.subscribe(broadcast.channel_name(424242))
    try:
        assert subscriber.get_message(timeout=5)["type"] == "subscribe"
        for _ in range(5):
            broadcast.publish(424242)
        received = [subscriber.get_message(timeout=5) for _ in range(5)]
        publishers = [
            c for c in admin.client_list() if c["name"] == broadcast.CLIENT_NAME and c["db"] == "3"
        ]
    finally:
        subscriber.close()
        admin.close()
    assert [m["type"] if m else None for m in received] == ["message"] * 5
    assert len(publishers) == 1  # one connection, kept open for the next wake-up

"""The unread counter in the header (NOT-1), kept by the inbox writers in a shared cache.

With Redis as Django's cache (``REDIS_URL``) each person's count lives in it: the writers
of the inbox (a new inbox notification, read, unread, all read, erased) call
``changed()`` inside their transaction, and the count moves by that much once the
transaction commits; a page reads the count with one cache round trip and no query. A
missing count is rebuilt from the database. With a per-process cache (local memory,
the default) or the database cache, other processes' changes could not reach a
process's copy, so the count is read from the database each time (one indexed COUNT).

A rebuild must not store a count that a committed change is about to move again (it
would count that change twice) nor one that misses a change already applied. So every
change first raises the person's "pending" number in Redis, before its transaction
commits, and lowers it in the same Lua step that applies the change after commit; a
rebuild stores its count only if nothing was pending when it started and the pending
number did not move meanwhile (``WATCH``). A transaction that rolls back leaves its
pending mark until it expires (``PENDING_SECONDS``): counts are then read from the
database for that person until it does, never wrong.
"""

import contextlib
import logging

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from gosportal.notifications.models import Notification

logger = logging.getLogger(__name__)

COUNT_SECONDS = 24 * 3600  # a backstop: a count is rebuilt at least daily
PENDING_SECONDS = 300
REDIS_ERRORS = (redis.RedisError, OSError)

# KEYS: count, pending; ARGV: delta, or "" to drop the count (rebuilt on the next read).
_APPLY = """
if ARGV[1] == '' then
  redis.call('DEL', KEYS[1])
elseif redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('INCRBY', KEYS[1], ARGV[1]) < 0 then redis.call('DEL', KEYS[1]) end
end
if redis.call('DECR', KEYS[2]) <= 0 then redis.call('DEL', KEYS[2]) end
return 1
"""


def _redis():
    """The Redis client and a key maker when the cache is Redis, else None."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True), backend.make_and_validate_key


def _keys(make_key, user_id: int) -> tuple[str, str]:
    return (
        make_key(f"notifications:unread:{user_id}"),
        make_key(f"notifications:unread-pending:{user_id}"),
    )


def from_database(user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, in_inbox=True, read_at__isnull=True).count()


def count(user_id: int) -> int:
    """How many inbox notifications of the person are unread."""
    shared = _redis()
    if shared is None:
        return from_database(user_id)
    client, make_key = shared
    key, pending_key = _keys(make_key, user_id)
    try:
        stored = client.get(key)
        if stored is not None:
            return int(stored)
        with client.pipeline() as pipe:
            pipe.watch(pending_key, key)
            pending = pipe.get(pending_key)
            number = from_database(user_id)
            if pending is not None and int(pending) > 0:
                return number  # a change is on its way: do not store a count it may miss
            pipe.multi()
            pipe.set(key, number, ex=COUNT_SECONDS, nx=True)
            with contextlib.suppress(redis.WatchError):  # a change began: next read rebuilds
                pipe.execute()
            return number
    except REDIS_ERRORS as error:
        logger.warning("unread counter unavailable, counting in the database: %s", error)
        return from_database(user_id)


def changed(user_id: int, delta: int | None) -> None:
    """Call inside the writer's transaction, before it commits: the person's unread count
    moves by ``delta`` once it does (``None``: the count is rebuilt from the database)."""
    shared = _redis()
    if shared is None or delta == 0:
        return
    client, make_key = shared
    key, pending_key = _keys(make_key, user_id)
    try:
        with client.pipeline(transaction=True) as pipe:
            pipe.incr(pending_key)
            pipe.expire(pending_key, PENDING_SECONDS)
            pipe.execute()
    except REDIS_ERRORS as error:
        logger.warning("unread counter of %s not marked: %s", user_id, error)
        transaction.on_commit(lambda: _drop(client, key))
        return

    def apply() -> None:
        try:
            client.eval(_APPLY, 2, key, pending_key, "" if delta is None else str(delta))
        except REDIS_ERRORS as error:
            logger.warning("unread counter of %s not moved: %s", user_id, error)
            _drop(client, key)

    transaction.on_commit(apply)


def _drop(client, key: str) -> None:
    """Best effort after a failure: without the count the next read counts anew."""
    with contextlib.suppress(*REDIS_ERRORS):
        client.delete(key)

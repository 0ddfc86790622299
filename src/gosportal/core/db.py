"""Reads from a replica of the database, only where the code asks for it: the router
sends a read to the alias ``replica`` (``DATABASE_REPLICA_URL``) inside
``read_replica()`` and nowhere else, never while the primary holds a transaction
open (its reads must see its own writes), never for a browser whose request wrote
something in the last ``DATABASE_REPLICA_LAG`` seconds (``primary_pin_middleware``),
and never for writes, which always go to the primary; every other read (sessions,
the signed-in user, anything right after a write) stays on the primary."""

import contextlib
import contextvars

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.decorators import sync_and_async_middleware

REPLICA = "replica"
PIN_COOKIE = "db_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_replica_wanted = contextvars.ContextVar("replica_wanted", default=False)
_pinned = contextvars.ContextVar("pinned_to_primary", default=False)


def replica_enabled() -> bool:
    return bool(getattr(settings, "DATABASE_READ_REPLICA", False)) and REPLICA in settings.DATABASES


def reads_from_replica() -> bool:
    """Whether a read made now goes to the replica."""
    return (
        _replica_wanted.get()
        and not _pinned.get()
        and replica_enabled()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


class read_replica(contextlib.ContextDecorator):
    """Context manager and decorator: the reads made inside may go to the replica.
    For selectors that only read and evaluate their queries inside (a lazy QuerySet
    evaluated after the block reads from the primary)."""

    def __enter__(self):
        self._token = _replica_wanted.set(True)
        return self

    def __exit__(self, *exc):
        _replica_wanted.reset(self._token)
        return False


@contextlib.contextmanager
def primary_only():
    """Every read inside goes to the primary, even within ``read_replica()``."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads to the replica as ``reads_from_replica`` says,
    writes and migrations to the primary only."""

    def db_for_read(self, model, **hints):
        return REPLICA if reads_from_replica() else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two connections to it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False  # the replica follows the primary, it is never migrated
        return None


def _mark(request, response):
    if request.method not in SAFE_METHODS:
        response.set_cookie(
            PIN_COOKIE,
            "1",
            max_age=settings.DATABASE_REPLICA_LAG,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


@sync_and_async_middleware
def primary_pin_middleware(get_response):
    """Read-your-writes for a browser: a request that may write (not GET/HEAD/…) sets a
    short cookie, and the requests that carry it read only from the primary until the
    replica has caught up (``DATABASE_REPLICA_LAG`` seconds). Not used without a replica."""
    if not replica_enabled():
        raise MiddlewareNotUsed

    if iscoroutinefunction(get_response):

        async def middleware(request):
            token = _pinned.set(bool(request.COOKIES.get(PIN_COOKIE)))
            try:
                return _mark(request, await get_response(request))
            finally:
                _pinned.reset(token)

    else:

        def middleware(request):
            token = _pinned.set(bool(request.COOKIES.get(PIN_COOKIE)))
            try:
                return _mark(request, get_response(request))
            finally:
                _pinned.reset(token)

    return middleware

"""Rate limits as fixed-window counters in the cache, under explicit keys.

Keys say what is counted ("login:acct:<hash>", "otp:ip:<ip>"): per account, per
account and address, per phone across accounts, per address — never a bare address
where carrier NAT would lock out strangers together. Local memory by default, Redis
in production; both increment atomically.
"""

import functools
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from gosportal.core.errors import RateLimited

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """'20/h', '5/15m', '10/d' → Rate."""
        count, _, per = text.partition("/")
        multiplier = int(per[:-1]) if len(per) > 1 else 1
        return cls(int(count), multiplier * _UNITS[per[-1]])


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def _cache_key(key: str, rate: Rate) -> tuple[str, int]:
    now = time.time()
    window = int(now // rate.period)
    retry_after = max(1, math.ceil((window + 1) * rate.period - now))
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rl:{rate.period}:{window}:{digest}", retry_after


def hit(key: str, rate: Rate | str) -> Usage:
    """Count one event under ``key``; the result says whether the limit is now exceeded."""
    rate = Rate.parse(rate) if isinstance(rate, str) else rate
    cache_key, retry_after = _cache_key(key, rate)
    cache.add(cache_key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.period + 1)
        count = 1
    return Usage(count=count, limit=rate.limit, retry_after=retry_after)


def peek(key: str, rate: Rate | str) -> Usage:
    """How many events were counted in the current window, without counting one."""
    rate = Rate.parse(rate) if isinstance(rate, str) else rate
    cache_key, retry_after = _cache_key(key, rate)
    return Usage(count=cache.get(cache_key, 0), limit=rate.limit, retry_after=retry_after)


def reset(key: str, rate: Rate | str) -> None:
    rate = Rate.parse(rate) if isinstance(rate, str) else rate
    cache.delete(_cache_key(key, rate)[0])


def check(key: str, rate: Rate | str) -> Usage:
    """Count one event and raise ``RateLimited`` when it goes over the limit."""
    usage = hit(key, rate)
    if usage.exceeded:
        raise RateLimited(
            _("Слишком много запросов. Повторите через %(minutes)s мин.")
            % {"minutes": max(1, (usage.retry_after + 59) // 60)},
            retry_after=usage.retry_after,
        )
    return usage


def key_ip(request) -> str:
    return f"ip:{getattr(request, 'client_ip', None) or request.META.get('REMOTE_ADDR', '-')}"


def key_user_or_ip(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return key_ip(request)


def ratelimit(
    *,
    group: str,
    rate: str,
    key: Callable = key_user_or_ip,
    methods: tuple[str, ...] = ("POST",),
):
    """View decorator: count requests of ``methods`` under ``group:key(request)``.

    Over the limit the view is not called and ``RateLimited`` becomes a 429 page.
    """
    parsed = Rate.parse(rate)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                check(f"{group}:{key(request)}", parsed)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

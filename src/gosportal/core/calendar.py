"""Working-day arithmetic on the Russian production calendar (производственный календарь).

A day is non-working when it is a Saturday or a Sunday or a statutory non-working
holiday of Labour Code art. 112 (1–8 January, 23 February, 8 March, 1 and 9 May,
12 June, 4 November). A ``CalendarDay`` row overrides that rule in either direction:
``is_working=False`` makes a weekday a day off, ``is_working=True`` makes a Saturday a
working day. Transfers are never computed here — neither those of each year's
Government decree nor the move of a holiday that falls on a weekend to the next
working day (art. 112 part 2) — they are rows, seeded by migration and entered in the
admin from each new decree. Rows are read a year at a time, in one query per range of
years, into a per-process cache; every writer of ``CalendarDay`` calls
``calendar_changed()``, which stores a new version in Django's cache, so every
process drops its copy on its next call.
"""

import threading
import time
import uuid
from datetime import date, timedelta

from django.core.cache import cache
from django.db import transaction

from gosportal.core.models import CalendarDay

ONE_DAY = timedelta(days=1)

# Labour Code art. 112 part 1: (month, day).
STATUTORY_HOLIDAYS = frozenset(
    [(1, day) for day in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
)

VERSION_KEY = "core:calendar:version"
# A backstop only: a change that was rolled back after its writer re-read the
# calendar inside the same transaction is dropped after this long at the latest.
MAX_AGE_SECONDS = 300
# The longest run of days off in a year (the New Year break) is under a fortnight;
# reading this far ahead lets one query cover almost every computation.
LOOKAHEAD = timedelta(days=31)


class BeyondCalendar(ValueError):
    """The answer would fall after 31 December 9999, the last date there is."""


def _ahead(day: date, delta: timedelta) -> date:
    """``day + delta``, stopping at the last representable date instead of overflowing."""
    return day + delta if date.max - day > delta else date.max


def _next(day: date) -> date:
    if day == date.max:
        raise BeyondCalendar(f"no day follows {day}")
    return day + ONE_DAY


class _Years:
    """Overrides of the years read so far, valid for one version of the calendar."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.loaded_at = time.monotonic()
        self.overrides: dict[int, dict[date, bool]] = {}

    def load(self, first: date, last: date) -> None:
        """Read every year from ``first`` to ``last`` not yet read, in one query."""
        missing = [y for y in range(first.year, last.year + 1) if y not in self.overrides]
        if not missing:
            return
        low, high = min(missing), max(missing)
        years: dict[int, dict[date, bool]] = {year: {} for year in range(low, high + 1)}
        rows = CalendarDay.objects.filter(
            date__range=(date(low, 1, 1), date(high, 12, 31))
        ).values_list("date", "is_working")
        for day, is_working in rows:
            years[day.year][day] = is_working
        self.overrides.update(years)

    def is_working(self, day: date) -> bool:
        if day.year not in self.overrides:
            self.load(day, _ahead(day, LOOKAHEAD))
        override = self.overrides[day.year].get(day)
        if override is not None:
            return override
        return day.weekday() < 5 and (day.month, day.day) not in STATUTORY_HOLIDAYS


_lock = threading.Lock()
_current: _Years | None = None


def _new_version() -> str:
    return uuid.uuid4().hex


def _bump_version() -> None:
    cache.set(VERSION_KEY, _new_version(), timeout=None)


def _shared_version() -> str:
    # A random token rather than a counter: after the cache is cleared or evicted no
    # old version can become current again.
    version = cache.get(VERSION_KEY)
    if version is None:
        candidate = _new_version()
        cache.add(VERSION_KEY, candidate, timeout=None)
        version = cache.get(VERSION_KEY, candidate)
    return version


def _years() -> _Years:
    global _current
    version = _shared_version()
    with _lock:
        current = _current
        if (
            current is None
            or current.version != version
            or time.monotonic() - current.loaded_at > MAX_AGE_SECONDS
        ):
            current = _current = _Years(version)
    return current


def calendar_changed() -> None:
    """Make every process re-read ``CalendarDay``; call it after any write to the table.

    The version changes at once, so the writer sees its own change, and again after
    commit, so that no process keeps what it read before the change became visible.
    """
    _bump_version()
    transaction.on_commit(_bump_version)


def current() -> _Years:
    """The calendar as it is now, for many computations on one page: the shared version
    is read once (pass it as ``calendar=`` to the functions below)."""
    return _years()


def check_working_days(days: int) -> None:
    if days < 0:
        raise ValueError(f"the number of working days must not be negative, got {days}")


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day on the production calendar."""
    return _years().is_working(day)


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    return add_working_days(day, 1)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``; the first working day after it is 1.

    With ``days=0``: ``start`` itself if it is a working day, else the next working day.
    Raises ``BeyondCalendar`` when that day would fall after ``date.max``.
    """
    check_working_days(days)
    years = _years()
    # Five working days in seven, plus room for the holidays on the way.
    years.load(start, _ahead(start, timedelta(days=days * 7 // 5) + LOOKAHEAD))
    day = start
    if days == 0:
        while not years.is_working(day):
            day = _next(day)
        return day
    remaining = days
    while remaining:
        day = _next(day)
        if years.is_working(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, *, calendar: _Years | None = None) -> int:
    """How many working days lie in ``(start, end]``; zero when ``end == start``."""
    if end < start:
        raise ValueError(f"the end ({end}) precedes the start ({start})")
    years = calendar or _years()
    years.load(start, end)
    count = 0
    day = start
    while day < end:  # never steps past ``end``, so never past ``date.max``
        day += ONE_DAY
        if years.is_working(day):
            count += 1
    return count

"""How dates are shown to the person making the request (PROF-6).

The language middleware sets the signed-in person's chosen date format for the
duration of a request; templates read it through the ``user_date`` and
``user_datetime`` filters, so no page passes the user around to format a date.
"""

from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT_DATE_FORMAT = "d.m.Y"
_date_format: ContextVar[str] = ContextVar("date_format", default=DEFAULT_DATE_FORMAT)


def date_format() -> str:
    return _date_format.get()


@contextmanager
def date_format_of(fmt: str | None):
    """Use ``fmt`` (or the default) for dates shown within the block."""
    token = _date_format.set(fmt or DEFAULT_DATE_FORMAT)
    try:
        yield
    finally:
        _date_format.reset(token)

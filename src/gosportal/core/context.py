"""Who is acting and from where, for the current request or task (audit, logs)."""

import contextvars
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""
    actor_id: int | None = None
    acting_for_id: int | None = None


# RequestContext is frozen, so sharing one default instance is safe.
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "gosportal_request_context",
    default=RequestContext(),  # noqa: B039
)


def current() -> RequestContext:
    return _current.get()


def set_context(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def reset_context(token: contextvars.Token) -> None:
    _current.reset(token)


def update_context(**changes) -> None:
    _current.set(replace(_current.get(), **changes))

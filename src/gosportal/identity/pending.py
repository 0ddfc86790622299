"""Pending confirmations: each method keeps at most one open request per person.

Shared by every confirmation method: asking again cancels the earlier pending request
(its code or token stops working at once) and opens a new one.
"""

from datetime import timedelta

from django.utils import timezone

from gosportal.accounts.models import User
from gosportal.identity.models import Confirmation


def cancel_pending(*, user: User, method: str, reason: str = "") -> list[int]:
    """Cancel the person's pending requests of ``method`` (call inside a transaction)."""
    now = timezone.now()
    cancelled = []
    for old in Confirmation.objects.select_for_update().filter(
        user=user, method=method, status=Confirmation.Status.PENDING
    ):
        old.status = Confirmation.Status.CANCELLED
        old.code_hash = ""
        old.code_index = ""
        old.decided_at = now
        old.reason = reason
        old.save(update_fields=["status", "code_hash", "code_index", "decided_at", "reason"])
        cancelled.append(old.pk)
    return cancelled


def open_pending(
    *, user: User, method: str, code_hash: str, validity: timedelta, code_index: str = "", **extra
) -> Confirmation:
    """A new pending request whose secret is known only by its hash (and lookup index)."""
    now = timezone.now()
    return Confirmation.objects.create(
        user=user,
        method=method,
        status=Confirmation.Status.PENDING,
        code_hash=code_hash,
        code_index=code_index,
        created_at=now,
        expires_at=now + validity,
        **extra,
    )

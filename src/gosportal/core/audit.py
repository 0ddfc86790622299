"""Append-only audit log with a hash chain (SEC-4).

Each row stores the hash of the previous row and its own hash over its content, so
editing or deleting any row breaks the chain at that point; ``manage.py
verify_audit`` finds the first broken link. Appending locks the single chain-head
row, so concurrent writers (several web processes and workers) extend one chain.
Call ``record()`` inside the transaction of the change it describes; for events
that must survive a rollback (failed sign-ins) call it outside any transaction.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from gosportal.core import context
from gosportal.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(row: AuditEvent) -> bytes:
    body = {
        "occurred_at": row.occurred_at.isoformat(),
        "actor_id": row.actor_id,
        "acting_for_id": row.acting_for_id,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "request_id": row.request_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "details": row.details,
        "prev_hash": row.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


def compute_hash(row: AuditEvent) -> str:
    return hashlib.sha256(_canonical(row)).hexdigest()


def record(
    action: str,
    *,
    actor: Any = None,
    acting_for: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one audit row; actor and addresses default to the current request."""
    ctx = context.current()
    actor_id = getattr(actor, "pk", actor) if actor is not None else ctx.actor_id
    acting_for_id = (
        getattr(acting_for, "pk", acting_for) if acting_for is not None else ctx.acting_for_id
    )
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    # Round-trip details through JSON now so the hash covers exactly what is stored.
    details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        row = AuditEvent(
            occurred_at=timezone.now(),
            actor_id=actor_id,
            acting_for_id=acting_for_id,
            ip=ctx.ip,
            user_agent=ctx.user_agent[:300],
            request_id=ctx.request_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details,
            prev_hash=head.last_hash,
        )
        row.hash = compute_hash(row)
        row.save(force_insert=True)
        head.last_hash = row.hash
        head.save(update_fields=["last_hash"])
    return row


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain from the start; report the first row whose link or hash is wrong."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != expected_prev:
                return ChainReport(checked, row.pk, "the link to the previous row is broken")
            if compute_hash(row) != row.hash:
                return ChainReport(checked, row.pk, "the row's content does not match its hash")
            expected_prev = row.hash
            checked += 1
            last_id = row.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_prev:
        return ChainReport(checked, last_id + 1, "rows after the last one were deleted")
    return ChainReport(checked)

"""Append-only audit log sealed into a signed Merkle tree (SEC-4, RFC 6962).

``record()`` is a plain INSERT in the caller's transaction, so a row commits or rolls
back with the change it describes and concurrent writers never wait for each other;
for events that must survive a rollback (failed sign-ins) call it outside any
transaction. ``seal()`` (a scheduled task and ``manage.py seal_audit``) takes the
committed rows that have no leaf yet, under its own lock, gives them the next leaf
indexes in id order (a row that commits late simply gets a later index), stores every
perfect subtree's hash in ``AuditTreeNode`` and publishes a signed tree head. A leaf
is ``leaf_data(row)``: the row as JSON, keys sorted, no spaces, UTF-8 (see
docs/kernel.md). Inclusion and consistency proofs read O(log n) stored nodes;
``verify()`` (``manage.py verify_audit``) recomputes every leaf and every tree head.
"""

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.core import context, merkle
from gosportal.core.errors import DomainError, NotFound
from gosportal.core.models import (
    AuditEvent,
    AuditSigningKey,
    AuditTreeHead,
    AuditTreeNode,
    AuditTreeState,
)

LEAF_VERSION = 1
SEAL_BATCH = 5000


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
    # Round-trip details through JSON now so the row holds exactly what is stored.
    details = json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))
    return AuditEvent.objects.create(
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
    )


# --- leaves -------------------------------------------------------------------------


def entry_of(row: AuditEvent) -> dict:
    """The row's fields that a leaf covers, as JSON values (the proof bundle's entry)."""
    return {
        "v": LEAF_VERSION,
        "id": row.pk,
        "occurred_at": row.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": row.actor_id,
        "acting_for_id": row.acting_for_id,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "request_id": row.request_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "details": row.details,
    }


def canonical(entry: dict) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def leaf_data(row: AuditEvent) -> bytes:
    return canonical(entry_of(row))


# --- the stored tree ----------------------------------------------------------------


def perfect_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """(level, index) of the stored nodes whose hashes make MTH(leaves[start:end])."""
    size = end - start
    if size & (size - 1) == 0 and start % size == 0:
        level = size.bit_length() - 1
        return [(level, start >> level)]
    k = merkle.split_point(size)
    return perfect_nodes(start, start + k) + perfect_nodes(start + k, end)


def _fold(keys: list[tuple[int, int]], hashes: dict[tuple[int, int], bytes]) -> bytes:
    value = hashes[keys[-1]]
    for key in reversed(keys[:-1]):
        value = merkle.node_hash(hashes[key], value)
    return value


def _load_nodes(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    by_level: dict[int, list[int]] = {}
    for level, index in set(keys):
        by_level.setdefault(level, []).append(index)
    if not by_level:
        return {}
    condition = Q()
    for level, indexes in by_level.items():
        condition |= Q(level=level, index__in=indexes)
    return {
        (level, index): bytes(value)
        for level, index, value in AuditTreeNode.objects.filter(condition).values_list(
            "level", "index", "hash"
        )
    }


class StoredTree:
    """Subtree hashes for the proof algorithms, read from ``AuditTreeNode`` in one query.

    ``prepare`` runs a proof once with placeholder hashes to learn which stored nodes
    it touches (the proof's shape does not depend on hash values), then loads them.
    """

    def __init__(self) -> None:
        self.hashes: dict[tuple[int, int], bytes] = {}

    def _recording(self, wanted: list[tuple[int, int]]):
        def subtree(start: int, end: int) -> bytes:
            wanted.extend(perfect_nodes(start, end))
            return bytes(merkle.HASH_SIZE)

        return subtree

    def subtree(self, start: int, end: int) -> bytes:
        keys = perfect_nodes(start, end)
        missing = [key for key in keys if key not in self.hashes]
        if missing:
            self.hashes.update(_load_nodes(missing))
        try:
            return _fold(keys, self.hashes)
        except KeyError as error:
            raise TreeDamaged(f"stored node {error.args[0]} is missing") from error

    def prepare(self, prove, *args) -> list[bytes]:
        wanted: list[tuple[int, int]] = []
        prove(self._recording(wanted), *args)
        self.hashes.update(_load_nodes(wanted))
        return prove(self.subtree, *args)


class TreeDamaged(Exception):
    """Stored nodes are missing: the tree tables were tampered with."""


def inclusion_proof(leaf_index: int, tree_size: int) -> list[bytes]:
    return StoredTree().prepare(merkle.inclusion_path, leaf_index, tree_size)


def consistency_proof(old_size: int, new_size: int) -> list[bytes]:
    return StoredTree().prepare(merkle.consistency_path, old_size, new_size)


def stored_root(tree_size: int) -> bytes:
    if tree_size == 0:
        return merkle.EMPTY_ROOT
    return StoredTree().subtree(0, tree_size)


# --- signing ------------------------------------------------------------------------


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()


def signing_key() -> tuple[AuditSigningKey, Ed25519PrivateKey]:
    """The configured key (``AUDIT_SIGNING_KEY``) or the newest generated one."""
    if settings.AUDIT_SIGNING_KEY:
        private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.AUDIT_SIGNING_KEY))
        public = _raw_public(private.public_key())
        row, _ = AuditSigningKey.objects.get_or_create(
            key_id=key_id_of(public), defaults={"public_key": public}
        )
        return row, private
    generated = AuditSigningKey.objects.filter(private_key__isnull=False)
    row = generated.order_by("-created_at", "-id").first()
    if row is None:
        private = Ed25519PrivateKey.generate()
        public = _raw_public(private.public_key())
        row = AuditSigningKey.objects.create(
            key_id=key_id_of(public),
            public_key=public,
            private_key=base64.b64encode(private.private_bytes_raw()).decode(),
        )
        return row, private
    return row, Ed25519PrivateKey.from_private_bytes(base64.b64decode(row.private_key))


def signature_valid(head: AuditTreeHead) -> bool:
    public = Ed25519PublicKey.from_public_bytes(bytes(head.key.public_key))
    message = merkle.sth_message(head.tree_size, head.timestamp_ms, bytes(head.root_hash))
    try:
        public.verify(bytes(head.signature), message)
    except InvalidSignature:
        return False
    return True


def latest_head() -> AuditTreeHead | None:
    return AuditTreeHead.objects.select_related("key").order_by("-tree_size").first()


def head_json(head: AuditTreeHead) -> dict:
    return {
        "tree_size": head.tree_size,
        "timestamp": head.timestamp_ms,
        "root_hash": bytes(head.root_hash).hex(),
        "signature": base64.b64encode(bytes(head.signature)).decode(),
        "key_id": head.key.key_id,
        "public_key": base64.b64encode(bytes(head.key.public_key)).decode(),
    }


# --- sealing ------------------------------------------------------------------------


def _assign_leaves(rows: list[AuditEvent]) -> None:
    """Store the leaf indexes: one UPDATE per run of consecutive ids (no other row can
    sit between two consecutive ids, and in a run the index grows with the id)."""
    run_start = 0
    for position in range(1, len(rows) + 1):
        if position < len(rows) and rows[position].pk == rows[position - 1].pk + 1:
            continue
        first, last = rows[run_start], rows[position - 1]
        AuditEvent.objects.filter(pk__gte=first.pk, pk__lte=last.pk).update(
            leaf_index=F("id") + (first.leaf_index - first.pk)
        )
        run_start = position


def _seal_batch(batch_size: int) -> int:
    with transaction.atomic():
        state, _ = AuditTreeState.objects.select_for_update().get_or_create(pk=1)
        rows = list(AuditEvent.objects.filter(leaf_index__isnull=True).order_by("id")[:batch_size])
        if not rows:
            return 0
        size = state.size
        known = _load_nodes(perfect_nodes(0, size)) if size else {}
        new_nodes: list[AuditTreeNode] = []
        for row in rows:
            row.leaf_index = size
            level, index, value = 0, size, merkle.leaf_hash(leaf_data(row))
            while True:
                known[(level, index)] = value
                new_nodes.append(AuditTreeNode(level=level, index=index, hash=value))
                if not index & 1:
                    break
                value = merkle.node_hash(known[(level, index - 1)], value)
                level, index = level + 1, index >> 1
            size += 1
        AuditTreeNode.objects.bulk_create(new_nodes, batch_size=2000)
        _assign_leaves(rows)
        state.size = size
        state.save(update_fields=["size"])
        root = _fold(perfect_nodes(0, size), known)
        key, private = signing_key()
        timestamp_ms = int(timezone.now().timestamp() * 1000)
        AuditTreeHead.objects.create(
            tree_size=size,
            root_hash=root,
            timestamp_ms=timestamp_ms,
            signature=private.sign(merkle.sth_message(size, timestamp_ms, root)),
            key=key,
        )
        return len(rows)


def seal(*, batch_size: int = SEAL_BATCH) -> int:
    """Add every committed unsealed row to the tree; one signed head per batch."""
    total = 0
    while sealed := _seal_batch(batch_size):
        total += sealed
    return total


# --- proofs for people --------------------------------------------------------------


class NotSealedYet(DomainError):
    status = 409
    default_message = _("Запись ещё не внесена в защищённый журнал. Попробуйте через минуту.")


def proof_bundle(user: Any, event_id: int) -> dict:
    """Everything needed to check offline that the user's own entry is in the signed log:
    the entry, its leaf index, the inclusion path and the latest signed tree head."""
    row = AuditEvent.objects.filter(pk=event_id, actor_id=user.pk).first()
    if row is None:
        raise NotFound()
    head = latest_head()
    if row.leaf_index is None or head is None or head.tree_size <= row.leaf_index:
        raise NotSealedYet()
    path = inclusion_proof(row.leaf_index, head.tree_size)
    return {
        "format": "gosportal-audit-proof-v1",
        "entry": entry_of(row),
        "leaf_index": row.leaf_index,
        "inclusion_path": [node.hex() for node in path],
        "sth": head_json(head),
    }


# --- verification -------------------------------------------------------------------


@dataclass
class Report:
    sealed: int = 0
    unsealed: int = 0
    heads: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, batch_size: int = 5000, max_problems: int = 20) -> Report:
    """Recompute every leaf from its row and every tree head's root from the leaves;
    check the heads' signatures and the consistency proofs between consecutive heads."""
    report = Report()
    heads = list(AuditTreeHead.objects.select_related("key").order_by("tree_size"))
    report.heads = len(heads)
    head_at = {head.tree_size: head for head in heads}
    builder = merkle.RootBuilder()
    last = -1

    def problem(text: str) -> bool:
        report.problems.append(text)
        return len(report.problems) >= max_problems

    while True:
        rows = list(
            AuditEvent.objects.filter(leaf_index__gt=last).order_by("leaf_index")[:batch_size]
        )
        if not rows:
            break
        stored = dict(
            AuditTreeNode.objects.filter(
                level=0, index__gte=rows[0].leaf_index, index__lte=rows[-1].leaf_index
            ).values_list("index", "hash")
        )
        for row in rows:
            expected = builder.size
            if row.leaf_index != expected:
                # Every later root differs too: the first gap is the finding.
                problem(f"leaves {expected}–{row.leaf_index - 1} have no row (deleted)")
                return report
            leaf = merkle.leaf_hash(leaf_data(row))
            node = stored.get(row.leaf_index)
            if (node is None or bytes(node) != leaf) and problem(
                f"row #{row.pk} (leaf {row.leaf_index}) does not match its leaf"
            ):
                return report
            builder.append(leaf)
            head = head_at.get(builder.size)
            if (
                head is not None
                and bytes(head.root_hash) != builder.root()
                and problem(f"tree head of size {head.tree_size} does not match the rows")
            ):
                return report
            last = row.leaf_index
    report.sealed = builder.size
    state = AuditTreeState.objects.filter(pk=1).first()
    size = state.size if state else 0
    if heads and heads[-1].tree_size > size:
        problem(f"the last tree head has {heads[-1].tree_size} leaves, the tree {size}")
    if builder.size != size:
        problem(f"{size} leaves were sealed but {builder.size} rows are in the tree")
    previous = None
    for head in heads:
        if not signature_valid(head):
            problem(f"tree head of size {head.tree_size}: bad signature")
        if previous is not None:
            try:
                proof = consistency_proof(previous.tree_size, head.tree_size)
            except TreeDamaged as error:
                problem(f"tree heads {previous.tree_size}→{head.tree_size}: {error}")
            else:
                if not merkle.verify_consistency(
                    previous.tree_size,
                    head.tree_size,
                    bytes(previous.root_hash),
                    bytes(head.root_hash),
                    proof,
                ):
                    problem(f"tree heads {previous.tree_size}→{head.tree_size} are not consistent")
        previous = head
    report.unsealed = AuditEvent.objects.filter(leaf_index__isnull=True).count()
    return report

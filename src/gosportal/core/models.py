"""Tables of the shared kernel: outbox, audit log, working-day calendar, one-time codes."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.core.fields import EncryptedTextField


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change that caused it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("событие"), max_length=100)
    payload = models.JSONField(_("данные"), default=dict)
    occurred_at = models.DateTimeField(_("время"), default=timezone.now)
    processed_at = models.DateTimeField(_("доставлено"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("попыток"), default=0)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), default=timezone.now)
    last_error = models.TextField(_("последняя ошибка"), blank=True)

    class Meta:
        verbose_name = _("событие (outbox)")
        verbose_name_plural = _("события (outbox)")
        ordering = ["occurred_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "occurred_at"],
                name="outbox_pending_idx",
                condition=models.Q(processed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id}"


class OutboxDelivery(models.Model):
    """One subscriber has handled one event: the unique pair makes handling idempotent."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=200)
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="outbox_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id}"


class AuditEvent(models.Model):
    """Append-only journal of security-relevant and data-changing actions.

    An append is a plain INSERT; the sealer (``audit.seal``) later gives each committed
    row the next ``leaf_index`` of the Merkle tree (``AuditTreeNode``), and the signed
    tree heads (``AuditTreeHead``) make any later change or deletion provable. Rows
    written before the tree existed keep their old chain hashes (``prev_hash``,
    ``hash``), unused now. Rows hold ids, never personal data, so erasing an account
    leaves the log intact (REC-4: the trail keeps only a pseudonymous id).
    """

    occurred_at = models.DateTimeField(_("время"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("кто"), null=True, blank=True, db_index=True)
    acting_for_id = models.BigIntegerField(_("от чьего имени"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    user_agent = models.CharField(_("браузер"), max_length=300, blank=True)
    request_id = models.CharField(_("запрос"), max_length=64, blank=True)
    action = models.CharField(_("действие"), max_length=100, db_index=True)
    object_type = models.CharField(_("тип объекта"), max_length=100, blank=True)
    object_id = models.CharField(_("объект"), max_length=100, blank=True)
    details = models.JSONField(_("подробности"), default=dict, blank=True)
    leaf_index = models.BigIntegerField(_("лист дерева"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("запись журнала аудита")
        verbose_name_plural = _("журнал аудита")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The sealer's queue: only the few rows not in the tree yet.
            models.Index(
                fields=["id"], name="audit_unsealed_idx", condition=Q(leaf_index__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"


class AuditTreeState(models.Model):
    """The sealer's single row: its lock and the number of leaves in the tree."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.size)


class AuditTreeNode(models.Model):
    """The hash of a perfect subtree: leaves [index * 2**level, (index + 1) * 2**level)."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="audit_node_position_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.index}"


class AuditSigningKey(models.Model):
    """An Ed25519 key that signs tree heads; the private half is empty when it comes
    from ``AUDIT_SIGNING_KEY`` (null) and encrypted at rest when the portal generated it."""

    key_id = models.CharField(max_length=64, unique=True)  # SHA-256 of the public key
    public_key = models.BinaryField(max_length=32)
    private_key = EncryptedTextField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key_id


class AuditTreeHead(models.Model):
    """A signed tree head (RFC 6962 §3.5): the tree's size and root at a moment."""

    tree_size = models.BigIntegerField(unique=True)
    root_hash = models.BinaryField(max_length=32)
    timestamp_ms = models.BigIntegerField()
    signature = models.BinaryField(max_length=64)
    key = models.ForeignKey(AuditSigningKey, on_delete=models.PROTECT, related_name="heads")

    class Meta:
        ordering = ["tree_size"]

    def __str__(self) -> str:
        return f"{self.tree_size} {bytes(self.root_hash).hex()}"


class CalendarDay(models.Model):
    """An exception to the weekday rule: a holiday, a transferred day off or a working Saturday."""

    date = models.DateField(_("дата"), unique=True)
    is_working = models.BooleanField(_("рабочий день"))
    name = models.CharField(_("основание"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("день производственного календаря")
        verbose_name_plural = _("производственный календарь")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("рабочий") if self.is_working else _("нерабочий")
        return f"{self.date:%d.%m.%Y} — {kind}"


class OneTimeCode(models.Model):
    """A code sent to a phone or an e-mail address; only its keyed hash is kept (AUTH-4)."""

    purpose = models.CharField(max_length=50)
    destination_index = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["destination_index", "created_at"], name="otp_destination_idx"),
            models.Index(fields=["ip", "created_at"], name="otp_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"


class OneTimeCodeLock(models.Model):
    """Consecutive wrong codes for one purpose and destination, and the lock they cause."""

    purpose = models.CharField(max_length=50)
    destination_index = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["purpose", "destination_index"], name="otp_lock_unique")
        ]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.failures}"

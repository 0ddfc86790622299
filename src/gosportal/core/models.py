"""Tables of the shared kernel: outbox, audit chain, working-day calendar, one-time codes."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    """Append-only, hash-chained journal of security-relevant and data-changing actions.

    Rows hold ids, never personal data, so erasing an account leaves the chain intact
    (REC-4: the trail keeps only a pseudonymous id).
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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("запись журнала аудита")
        verbose_name_plural = _("журнал аудита")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers extend one chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash


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

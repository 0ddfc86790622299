"""Confirmation of identity (REG-3): each attempt to reach the confirmed level, by one method."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.models import User
from gosportal.core.fields import EncryptedTextField


class Confirmation(models.Model):
    class Method(models.TextChoices):
        SERVICE_CENTRE = "service_centre", _("В центре обслуживания (МФЦ)")
        POST_LETTER = "post_letter", _("Код в письме Почты России")
        BANK = "bank", _("Через онлайн-банк")
        CARD = "card", _("Банковской картой")
        REMOTE = "remote", _("Удалённая проверка паспорта")
        DEVICE = "device", _("С телефона, где выполнен вход")
        SIGNATURE = "signature", _("Электронной подписью")

    class Status(models.TextChoices):
        PENDING = "pending", _("Ожидает подтверждения")
        CONFIRMED = "confirmed", _("Личность подтверждена")
        REJECTED = "rejected", _("Отказано")
        EXPIRED = "expired", _("Срок истёк")
        CANCELLED = "cancelled", _("Отменено")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="confirmations")
    method = models.CharField(_("способ"), max_length=20, choices=Method.choices)
    status = models.CharField(
        _("статус"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # The secret the person or the operator presents (QR/short code, letter code): only
    # its keyed hash; code_index finds a pending confirmation by the code.
    code_hash = models.CharField(max_length=64, blank=True)
    code_index = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(_("действует до"))
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    tracking_number = models.CharField(_("почтовый идентификатор"), max_length=13, blank=True)
    address = EncryptedTextField(_("адрес"), blank=True, default="")
    operator_id = models.BigIntegerField(_("оператор"), null=True, blank=True)
    reason = models.CharField(_("причина"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    decided_at = models.DateTimeField(_("решение"), null=True, blank=True)

    class Meta:
        verbose_name = _("подтверждение личности")
        verbose_name_plural = _("подтверждения личности")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "method", "-created_at"], name="confirmation_user_idx")
        ]
        permissions = [
            ("confirm_in_service_centre", _("Подтверждать личность в центре обслуживания")),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_status_display()}"

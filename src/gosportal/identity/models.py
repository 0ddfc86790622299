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
    # Method-specific facts kept for the record (bank name, which fields matched …):
    # ids and outcomes only, never the personal data itself.
    details = models.JSONField(_("подробности"), default=dict, blank=True)
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


class RemoteCheck(models.Model):
    """REG-3 remote check: the passport page and a selfie with it, their OCR pre-check
    and the operator's review. Belongs to one Confirmation(method=REMOTE)."""

    class Ocr(models.TextChoices):
        PENDING = "pending", _("Проверка выполняется")
        MATCH = "match", _("Данные совпадают")
        MISMATCH = "mismatch", _("Есть расхождения")
        UNAVAILABLE = "unavailable", _("Распознавание не выполнено")

    class Mrz(models.TextChoices):
        ABSENT = "absent", _("Не найдена")
        VALID = "valid", _("Контрольные цифры верны")
        INVALID = "invalid", _("Контрольные цифры не сходятся")

    confirmation = models.OneToOneField(
        Confirmation, on_delete=models.CASCADE, related_name="remote_check"
    )
    # Names in core.vault (encrypted files); "" once the files are deleted.
    passport_file = models.CharField(max_length=64, blank=True)
    passport_kind = models.CharField(max_length=8)
    passport_size = models.PositiveIntegerField()
    selfie_file = models.CharField(max_length=64, blank=True)
    selfie_kind = models.CharField(max_length=8)
    selfie_size = models.PositiveIntegerField()
    ocr_status = models.CharField(
        _("распознавание"), max_length=12, choices=Ocr.choices, default=Ocr.PENDING
    )
    ocr_mrz = models.CharField(
        _("машиночитаемая зона"), max_length=8, choices=Mrz.choices, blank=True
    )
    # Names of the fields that differ (no personal data) …
    ocr_fields = models.JSONField(_("расхождения"), default=list, blank=True)
    # … and, encrypted, what was typed and what was read, and the fields read (JSON).
    ocr_mismatches = EncryptedTextField(blank=True, default="")
    ocr_reading = EncryptedTextField(blank=True, default="")
    ocr_finished_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("отправлено оператору"), null=True, blank=True)
    # A keyed hash of the person's identity data when sent for review: the operator
    # confirms only those data (identity.remote.identity_hash).
    identity_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("удалённая проверка паспорта")
        verbose_name_plural = _("удалённые проверки паспорта")
        indexes = [models.Index(fields=["submitted_at"], name="remote_check_queue_idx")]
        permissions = [
            ("review_remote_check", _("Проверять паспорт и фото, загруженные удалённо")),
        ]

    def __str__(self) -> str:
        return f"№ {self.confirmation_id}"

"""Tables of the sandbox adapters (they stand in for the outside systems' own records)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SandboxMessage(models.Model):
    """An SMS or e-mail that the sandbox gateway "sent": shown on /dev/outbox/."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("Электронная почта")
        POST = "post", _("Письмо Почты России")

    class Status(models.TextChoices):
        DELIVERED = "delivered", _("Доставлено")
        TEMPORARY_FAILURE = "temporary-failure", _("Временная ошибка")
        PERMANENT_FAILURE = "permanent-failure", _("Не доставлено")

    channel = models.CharField(_("канал"), max_length=10, choices=Channel.choices)
    provider_id = models.CharField(max_length=64, unique=True)
    recipient = models.CharField(_("получатель"), max_length=500)
    subject = models.CharField(_("тема"), max_length=300, blank=True)
    body = models.TextField(_("текст"))
    html_body = models.TextField(blank=True)
    status = models.CharField(_("статус"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("время"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("сообщение песочницы")
        verbose_name_plural = _("исходящие сообщения (песочница)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"


class SandboxPerson(models.Model):
    """A test person known to the sandbox registries (МВД, СФР, ФНС): docs/sandbox.md."""

    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()
    passport_series = models.CharField(max_length=4)
    passport_number = models.CharField(max_length=6)
    passport_valid = models.BooleanField(default=True)  # False: on the invalid-passport list
    snils = models.CharField(max_length=11, blank=True)
    inn = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = _("тестовый человек песочницы")
        verbose_name_plural = _("тестовые люди песочницы (реестры)")
        constraints = [
            models.UniqueConstraint(
                fields=["passport_series", "passport_number"], name="sandbox_person_passport"
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name}"

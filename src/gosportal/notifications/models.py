"""Tables of the notification centre: templates per event type and channel, the inbox
(``Notification``), one ``Delivery`` per channel with its lifecycle (NOT-4), and the
user's preferences (NOT-2). Rendered texts and contacts are personal data: encrypted.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.core.errors import InvalidInput
from gosportal.core.fields import EncryptedCharField, EncryptedTextField
from gosportal.notifications.types import EVENT_TYPE_CHOICES, Channel, Frequency


class NotificationTemplate(models.Model):
    """Russian text of one event type on one channel, in Django template syntax."""

    event_type = models.CharField(_("тип события"), max_length=40, choices=EVENT_TYPE_CHOICES)
    channel = models.CharField(_("канал"), max_length=10, choices=Channel.choices)
    subject = models.CharField(
        _("заголовок или тема"),
        max_length=300,
        blank=True,
        help_text=_("Заголовок в кабинете и push-уведомлении, тема письма."),
    )
    body = models.TextField(_("текст"))
    html_body = models.TextField(_("HTML-текст письма"), blank=True)
    link = models.CharField(_("ссылка"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("версия"), default=1)
    updated_at = models.DateTimeField(_("изменён"), default=timezone.now)

    class Meta:
        verbose_name = _("шаблон уведомления")
        verbose_name_plural = _("шаблоны уведомлений")
        ordering = ["event_type", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["event_type", "channel"], name="notification_template")
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} · {self.get_channel_display()}"

    def clean(self) -> None:
        """An edit renders its event type's sample, uses only harmless tags and links
        only to the portal (``notifications.rendering.check_template``); the refusal
        names the field."""
        from gosportal.notifications.rendering import check_template
        from gosportal.notifications.types import EVENT_TYPES

        try:
            check_template(self, EVENT_TYPES[self.event_type].sample)
        except InvalidInput as error:
            raise ValidationError({error.field or NON_FIELD_ERRORS: str(error.message)}) from error


class Notification(models.Model):
    """One message to one user: the inbox row and the parent of its deliveries."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event_type = models.CharField(_("тип"), max_length=40, choices=EVENT_TYPE_CHOICES)
    # The outbox event it came from: a second handling of the same event finds this row.
    source_event_id = models.UUIDField(unique=True)
    title = EncryptedTextField(_("заголовок"))
    text = EncryptedTextField(_("текст"))
    link = models.CharField(_("ссылка"), max_length=300, blank=True)
    in_inbox = models.BooleanField(_("показывать в кабинете"), default=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    read_at = models.DateTimeField(_("прочитано"), null=True, blank=True)

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "in_inbox", "read_at"], name="notification_unread"),
            models.Index(fields=["user", "-id"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} #{self.pk}"


class Delivery(models.Model):
    """A notification on one channel (NOT-4): queued → sending → delivered, or
    temporary failure → retried with back-off → delivered or permanent failure."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("В очереди")
        DIGEST = "digest", _("Ждёт ежедневной сводки")
        SENDING = "sending", _("Отправляется")
        DELIVERED = "delivered", _("Доставлено")
        TEMPORARY_FAILURE = "temporary-failure", _("Временная ошибка, повторим")
        PERMANENT_FAILURE = "permanent-failure", _("Не доставлено")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("канал"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("статус"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    destination = EncryptedCharField(_("получатель"), max_length=254)
    subject = EncryptedTextField(_("тема"), blank=True)
    body = EncryptedTextField(_("текст"))
    html_body = EncryptedTextField(_("HTML"), blank=True)
    template_version = models.PositiveIntegerField(_("версия шаблона"), default=1)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), default=timezone.now)
    provider_id = models.CharField(max_length=64, null=True, blank=True)
    failure_reason = models.CharField(_("причина"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    updated_at = models.DateTimeField(_("обновлено"), default=timezone.now)
    finished_at = models.DateTimeField(_("завершено"), null=True, blank=True)

    class Meta:
        verbose_name = _("доставка уведомления")
        verbose_name_plural = _("доставки уведомлений")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            ),
            models.UniqueConstraint(
                fields=["channel", "provider_id"],
                condition=models.Q(provider_id__isnull=False),
                name="delivery_provider_id",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class Preference(models.Model):
    """The user's choice for one event type (NOT-2); absent rows mean the defaults."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event_type = models.CharField(_("тип"), max_length=40, choices=EVENT_TYPE_CHOICES)
    inbox = models.BooleanField(_("в кабинете"), default=True)
    email = models.BooleanField(_("электронная почта"), default=False)
    sms = models.BooleanField(_("SMS"), default=False)
    push = models.BooleanField(_("push"), default=False)
    frequency = models.CharField(
        _("частота"), max_length=12, choices=Frequency.choices, default=Frequency.IMMEDIATELY
    )

    class Meta:
        verbose_name = _("настройка уведомлений")
        verbose_name_plural = _("настройки уведомлений")
        constraints = [
            models.UniqueConstraint(fields=["user", "event_type"], name="preference_per_type")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.get_event_type_display()}"

    def channels(self) -> set[str]:
        return {c for c in Channel.values if getattr(self, c)}


class QuietHours(models.Model):
    """Hours (in the user's zone) when non-critical SMS, e-mail and push wait."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    start = models.TimeField(_("начало тихих часов"))
    end = models.TimeField(_("конец тихих часов"))

    class Meta:
        verbose_name = _("тихие часы")
        verbose_name_plural = _("тихие часы")
        constraints = [
            models.CheckConstraint(condition=~models.Q(start=models.F("end")), name="quiet_hours")
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class PushSubscription(models.Model):
    """One browser or installed app the user allowed to receive web push (MOB-1).

    The endpoint URL and the keys identify the device to its push service: encrypted,
    with a blind index for the one-row-per-endpoint rule.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = EncryptedTextField(_("адрес подписки"))
    endpoint_index = models.CharField(max_length=64, unique=True)
    p256dh = EncryptedCharField(_("ключ p256dh"), max_length=200)
    auth = EncryptedCharField(_("ключ auth"), max_length=100)
    label = models.CharField(_("устройство"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("подключено"), default=timezone.now)
    last_success_at = models.DateTimeField(_("последняя доставка"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("ошибок подряд"), default=0)

    class Meta:
        verbose_name = _("push-подписка")
        verbose_name_plural = _("push-подписки")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.label}"


class ProviderReceipt(models.Model):
    """A delivery report pushed by a provider (NOT-4), kept once per report."""

    channel = models.CharField(_("канал"), max_length=10, choices=Channel.choices)
    provider_id = models.CharField(max_length=64)
    status = models.CharField(_("статус"), max_length=20)
    received_at = models.DateTimeField(_("получено"), default=timezone.now)

    class Meta:
        verbose_name = _("отчёт о доставке")
        verbose_name_plural = _("отчёты о доставке")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_id", "status"], name="provider_receipt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.provider_id} · {self.status}"

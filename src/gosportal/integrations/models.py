"""Tables of the sandbox adapters (they stand in for the outside systems' own records)."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.core.fields import EncryptedTextField


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


class SandboxBankKey(models.Model):
    """The signing key of one sandbox bank (its ID tokens are RS256 JWTs).

    Generated once per bank on first use; the private key is stored encrypted.
    """

    bank = models.CharField(max_length=30, unique=True)
    kid = models.CharField(max_length=64)
    private_pem = EncryptedTextField()
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ключ подписи банка песочницы")
        verbose_name_plural = _("ключи подписи банков песочницы")

    def __str__(self) -> str:
        return f"{self.bank}: {self.kid}"


class SandboxBankCustomer(models.Model):
    """A customer of a sandbox partner bank: online-bank login and one card (docs/sandbox.md)."""

    class CardState(models.TextChoices):
        ACTIVE = "active", _("Действует")
        BLOCKED = "blocked", _("Заблокирована")

    bank = models.CharField(max_length=30)
    login = models.CharField(max_length=50)
    password = models.CharField(max_length=200)  # make_password hash
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()
    passport_series = models.CharField(max_length=4, blank=True)
    passport_number = models.CharField(max_length=6, blank=True)
    snils = models.CharField(max_length=11, blank=True)
    phone = models.CharField(max_length=12)
    card_number = models.CharField(max_length=16, unique=True)
    card_expiry = models.DateField()  # the last day of the month printed on the card
    card_state = models.CharField(
        max_length=10, choices=CardState.choices, default=CardState.ACTIVE
    )

    class Meta:
        verbose_name = _("клиент банка песочницы")
        verbose_name_plural = _("клиенты банков песочницы")
        constraints = [
            models.UniqueConstraint(fields=["bank", "login"], name="sandbox_bank_customer_login")
        ]

    def __str__(self) -> str:
        return f"{self.bank}: {self.login}"


class SandboxBankAuthorization(models.Model):
    """An authorization code the sandbox bank issued (single use, 60 seconds)."""

    bank = models.CharField(max_length=30)
    code_hash = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=100)
    redirect_uri = models.CharField(max_length=500)
    customer = models.ForeignKey(SandboxBankCustomer, on_delete=models.CASCADE)
    scope = models.CharField(max_length=300)
    nonce = models.CharField(max_length=300, blank=True)
    code_challenge = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("код авторизации банка песочницы")
        verbose_name_plural = _("коды авторизации банков песочницы")

    def __str__(self) -> str:
        return f"{self.bank}: {self.pk}"


class SandboxCardCheck(models.Model):
    """A card check a client (the portal) asked the sandbox bank for: card page, 3-D Secure."""

    class Status(models.TextChoices):
        CREATED = "created", _("Ожидает ввода карты")
        AWAITING_CODE = "awaiting_code", _("Ожидает код 3-D Secure")
        SUCCEEDED = "succeeded", _("Карта подтверждена")
        DECLINED = "declined", _("Отказ")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bank = models.CharField(max_length=30)
    client_id = models.CharField(max_length=100)
    return_url = models.CharField(max_length=500)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.CREATED)
    decline_reason = models.CharField(max_length=30, blank=True)
    customer = models.ForeignKey(
        SandboxBankCustomer, on_delete=models.CASCADE, null=True, blank=True
    )
    code_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("проверка карты банка песочницы")
        verbose_name_plural = _("проверки карт банков песочницы")

    def __str__(self) -> str:
        return f"{self.bank}: {self.pk}"

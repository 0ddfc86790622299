"""Accounts: who can sign in. Contacts are encrypted; logins are found by blind index."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.core.crypto import blind_index
from gosportal.core.fields import EncryptedCharField


def phone_index(e164: str) -> str:
    return blind_index(e164, purpose="phone")


def email_index(email: str) -> str:
    return blind_index(email.strip().lower(), purpose="email")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        """Natural key is the e-mail (admin, createsuperuser); found through its index."""
        return self.get(email_index=email_index(username))

    def create_user(self, *, email=None, phone=None, password=None, **extra):
        from gosportal.accounts import services

        return services.create_user(email=email, phone=phone, password=password, **extra)

    def create_superuser(self, email=None, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email=email, password=password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person's account. Personal data beyond contacts lives in profiles (SEC-2)."""

    class Level(models.TextChoices):  # уровень учётной записи
        SIMPLIFIED = "simplified", _("Упрощённая")
        STANDARD = "standard", _("Стандартная")
        CONFIRMED = "confirmed", _("Подтверждённая")

    class Kind(models.TextChoices):  # тип учётной записи
        INDIVIDUAL = "individual", _("Физическое лицо")
        ENTREPRENEUR = "entrepreneur", _("Индивидуальный предприниматель")
        ORGANIZATION = "organization", _("Сотрудник организации")
        CIVIL_SERVANT = "civil_servant", _("Государственный служащий")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = EncryptedCharField(_("мобильный телефон"), max_length=16, null=True, blank=True)
    phone_index = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    email = EncryptedCharField(_("электронная почта"), max_length=254, null=True, blank=True)
    email_index = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    email_confirmed = models.BooleanField(_("почта подтверждена"), default=False)
    display_name = models.CharField(_("как обращаться"), max_length=150, blank=True)
    level = models.CharField(
        _("уровень"), max_length=20, choices=Level.choices, default=Level.SIMPLIFIED
    )
    kind = models.CharField(_("тип"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    is_active = models.BooleanField(_("активна"), default=True)
    is_staff = models.BooleanField(_("доступ к администрированию"), default=False)
    date_joined = models.DateTimeField(_("дата регистрации"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")

    def __str__(self) -> str:
        return self.display_name or self.masked_login()

    def masked_login(self) -> str:
        """A login safe to show on screen: +7 *** ***-**-67 or i***@example.ru."""
        if self.phone:
            return f"{self.phone[:2]} *** ***-**-{self.phone[-2:]}"
        if self.email:
            name, _, domain = self.email.partition("@")
            return f"{name[:1]}***@{domain}"
        return f"#{self.pk}"

    def save(self, *args, **kwargs):
        # Indexes follow the contacts, whoever set them.
        self.phone_index = phone_index(self.phone) if self.phone else None
        self.email_index = email_index(self.email) if self.email else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            if "phone" in fields:
                fields.add("phone_index")
            if "email" in fields:
                fields.add("email_index")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

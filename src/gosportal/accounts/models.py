"""Accounts: who can sign in. Contacts are encrypted; logins are found by blind index."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.core.crypto import blind_index
from gosportal.core.fields import EncryptedCharField, EncryptedTextField


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
    password_changed_at = models.DateTimeField(_("пароль изменён"), null=True, blank=True)
    must_change_password = models.BooleanField(_("сменить пароль при входе"), default=False)
    # AUTH-10: networks allowed to sign in, one address or CIDR per line; empty = any.
    ip_allowlist = models.TextField(_("разрешённые сети"), blank=True)
    deleted_at = models.DateTimeField(_("удалена"), null=True, blank=True)
    # PROF-6: personalisation, remembered per user.
    language = models.CharField(
        _("язык интерфейса"),
        max_length=5,
        choices=[("ru", "Русский"), ("en", "English")],
        default="ru",
    )
    time_zone = models.CharField(_("часовой пояс"), max_length=50, default="Europe/Moscow")
    date_format = models.CharField(
        _("формат даты"),
        max_length=10,
        choices=[("d.m.Y", "31.12.2026"), ("j E Y", "31 декабря 2026"), ("Y-m-d", "2026-12-31")],
        default="d.m.Y",
    )
    large_text = models.BooleanField(_("крупный шрифт"), default=False)
    high_contrast = models.BooleanField(_("высокий контраст"), default=False)

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


class LoginEvent(models.Model):
    """One sign-in attempt on a known account (AUTH-8): «История входов»."""

    class Result(models.TextChoices):
        SUCCESS = "success", _("Успешный вход")
        WRONG_PASSWORD = "wrong_password", _("Неверный пароль")
        WRONG_CODE = "wrong_code", _("Неверный код")
        LOCKED = "locked", _("Учётная запись временно заблокирована")
        CAPTCHA = "captcha", _("Не пройдена проверка «я не робот»")
        IP_REFUSED = "ip_refused", _("Вход из неразрешённой сети")
        INACTIVE = "inactive", _("Учётная запись отключена")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_events")
    occurred_at = models.DateTimeField(_("время"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    user_agent = models.CharField(_("браузер (полностью)"), max_length=300, blank=True)
    device_type = models.CharField(_("устройство"), max_length=30, blank=True)
    browser = models.CharField(_("браузер"), max_length=60, blank=True)
    os = models.CharField(_("система"), max_length=60, blank=True)
    method = models.CharField(_("способ входа"), max_length=30)
    result = models.CharField(_("результат"), max_length=20, choices=Result.choices)

    class Meta:
        verbose_name = _("вход в систему")
        verbose_name_plural = _("история входов")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-occurred_at", "-id"], name="login_event_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.result}"


class UserSession(models.Model):
    """A signed-in browser or device (AUTH-7): «Активные сеансы», revocable one by one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("вход"), default=timezone.now)
    last_activity = models.DateTimeField(_("последняя активность"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    device_type = models.CharField(_("устройство"), max_length=30, blank=True)
    browser = models.CharField(_("браузер"), max_length=60, blank=True)
    os = models.CharField(_("система"), max_length=60, blank=True)
    method = models.CharField(_("способ входа"), max_length=30, blank=True)
    ended_at = models.DateTimeField(_("завершён"), null=True, blank=True)
    end_reason = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name = _("сеанс")
        verbose_name_plural = _("сеансы")
        indexes = [
            models.Index(
                fields=["user", "-last_activity"],
                name="user_session_active_idx",
                condition=models.Q(ended_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.browser} {self.ip}"


class LoginThrottle(models.Model):
    """Failed password attempts under one key and the lock they caused (AUTH-5).

    Keys name what is counted: "acct:<user id>" and "acct-ip:<user id>:<address>",
    never an address alone (carrier NAT). Kept in the database so a lock survives
    restarts and holds across web processes.
    """

    key = models.CharField(max_length=120, unique=True)
    failures = models.PositiveIntegerField(default=0)
    lock_level = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class Authenticator(models.Model):
    """A second factor of a user (AUTH-3). Secrets live encrypted in ``data`` (JSON)."""

    class Kind(models.TextChoices):
        TOTP = "totp", _("Приложение-аутентификатор")
        SMS = "sms", _("Код по SMS")
        EMAIL = "email", _("Код по электронной почте")
        WEBAUTHN = "webauthn", _("Ключ безопасности или биометрия")
        RECOVERY_CODES = "recovery_codes", _("Резервные коды")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="authenticators")
    kind = models.CharField(_("способ"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("название"), max_length=100, blank=True)
    is_default = models.BooleanField(_("основной"), default=False)
    data = EncryptedTextField(_("секрет"), default="{}")
    # WebAuthn: the credential id, for the lookup at sign-in (not secret).
    credential_id = models.CharField(max_length=200, blank=True, db_index=True)
    # TOTP: the last accepted time step, so a code cannot be used twice.
    last_used_step = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("второй фактор")
        verbose_name_plural = _("вторые факторы")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="one_default_authenticator",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=~models.Q(kind="webauthn"),
                name="one_authenticator_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

"""Personal data of a person (SEC-2: every field encrypted, exact lookups by blind index).

For now the SNILS, which is also a login (AUTH-1); the full «Мои данные» comes next.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.models import User
from gosportal.core.crypto import blind_index
from gosportal.core.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField


def snils_index(digits: str) -> str:
    return blind_index(digits, purpose="snils")


def inn_index(digits: str) -> str:
    return blind_index(digits, purpose="inn")


class Sex(models.TextChoices):
    MALE = "male", _("мужской")
    FEMALE = "female", _("женский")


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    snils = EncryptedCharField(_("СНИЛС"), max_length=11, null=True, blank=True)
    snils_index = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # PROF-1 «Мои данные»; every personal field encrypted (SEC-2).
    last_name = EncryptedCharField(_("фамилия"), max_length=100, blank=True, default="")
    first_name = EncryptedCharField(_("имя"), max_length=100, blank=True, default="")
    middle_name = EncryptedCharField(_("отчество"), max_length=100, blank=True, default="")
    birth_date = EncryptedDateField(_("дата рождения"), null=True, blank=True)
    sex = models.CharField(_("пол"), max_length=6, choices=Sex.choices, blank=True)
    birthplace = EncryptedCharField(_("место рождения"), max_length=200, blank=True, default="")
    citizenship = models.CharField(_("гражданство"), max_length=2, default="RU")
    passport_series = EncryptedCharField(_("серия паспорта"), max_length=4, blank=True, default="")
    passport_number = EncryptedCharField(_("номер паспорта"), max_length=6, blank=True, default="")
    passport_issued_on = EncryptedDateField(_("дата выдачи паспорта"), null=True, blank=True)
    passport_issuer = EncryptedCharField(_("кем выдан"), max_length=300, blank=True, default="")
    passport_department_code = EncryptedCharField(
        _("код подразделения"), max_length=7, blank=True, default=""
    )
    inn = EncryptedCharField(_("ИНН"), max_length=12, null=True, blank=True)
    inn_index = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    registration_address = EncryptedTextField(_("адрес регистрации"), blank=True, default="")
    residence_address = EncryptedTextField(_("адрес проживания"), blank=True, default="")
    address_confirmed_at = models.DateTimeField(_("адрес подтверждён"), null=True, blank=True)
    updated_at = models.DateTimeField(_("изменено"), default=timezone.now)

    class Meta:
        verbose_name = _("профиль")
        verbose_name_plural = _("профили")

    def __str__(self) -> str:
        return str(self.user)

    def save(self, *args, **kwargs):
        self.snils_index = snils_index(self.snils) if self.snils else None
        self.inn_index = inn_index(self.inn) if self.inn else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"snils_index"} if "snils" in update_fields else set()
            extra |= {"inn_index"} if "inn" in update_fields else set()
            kwargs["update_fields"] = {*update_fields, *extra}
        super().save(*args, **kwargs)


class ProfileChange(models.Model):
    """PROF-4: one changed field — what, old → new (masked for display), when, who, how.

    The old value is kept encrypted so the last change can be undone within 30 minutes.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("личный кабинет")
        SUPPORT = "support", _("служба поддержки")
        REGISTRY = "registry", _("данные ведомства")
        UNDO = "undo", _("отмена изменения")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="profile_changes")
    field = models.CharField(_("поле"), max_length=50)
    old_display = models.CharField(_("было"), max_length=300, blank=True)
    new_display = models.CharField(_("стало"), max_length=300, blank=True)
    old_value = EncryptedTextField(blank=True, default="")
    changed_at = models.DateTimeField(_("когда"), default=timezone.now)
    actor_id = models.BigIntegerField(_("кто"), null=True, blank=True)
    channel = models.CharField(_("способ"), max_length=20, choices=Channel.choices)
    undone_at = models.DateTimeField(_("отменено"), null=True, blank=True)
    # PROF-1: a change of a further document names it; the id stays after the document
    # is deleted, so undoing the deletion brings it back under the same id.
    document_id = models.BigIntegerField(null=True, blank=True)
    document_action = models.CharField(
        max_length=10, blank=True, choices=[("add", "add"), ("edit", "edit"), ("delete", "delete")]
    )

    class Meta:
        verbose_name = _("изменение данных")
        verbose_name_plural = _("история изменений данных")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="profile_change_user_idx")]

    def __str__(self) -> str:
        return f"{self.field} {self.changed_at:%Y-%m-%d %H:%M}"


class RegistryCheck(models.Model):
    """REG-2: one check of the profile against a registry (МВД, СФР, ФНС), run by a task."""

    class Registry(models.TextChoices):
        MVD = "mvd", _("МВД: паспорт")
        SFR = "sfr", _("СФР: СНИЛС")
        FNS = "fns", _("ФНС: ИНН")

    class Status(models.TextChoices):
        PENDING = "pending", _("Проверка выполняется")
        PASSED = "passed", _("Данные подтверждены")
        MISMATCH = "mismatch", _("Данные не совпадают")
        FAILED = "failed", _("Проверка не выполнена")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="registry_checks")
    registry = models.CharField(_("реестр"), max_length=10, choices=Registry.choices)
    status = models.CharField(
        _("статус"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Hash of the data sent, so an answer about data changed meanwhile is ignored.
    data_hash = models.CharField(max_length=64)
    mismatch_field = models.CharField(_("поле"), max_length=50, blank=True)
    message = models.CharField(_("сообщение"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    requested_at = models.DateTimeField(_("запрошено"), default=timezone.now)
    completed_at = models.DateTimeField(_("завершено"), null=True, blank=True)

    class Meta:
        verbose_name = _("проверка в реестре")
        verbose_name_plural = _("проверки в реестрах")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["user", "registry", "-requested_at"], name="registry_check_idx")
        ]

    def __str__(self) -> str:
        return f"{self.registry}: {self.status}"


class Consent(models.Model):
    """PROF-5: a consent to the processing of personal data, with its scope; revocable."""

    class Scope(models.TextChoices):
        PROCESSING = "processing", _("Обработка персональных данных для оказания услуг")
        PARTNER_SITES = (
            "partner_sites",
            _("Передача данных сайтам-партнёрам при входе через Госпортал"),
        )
        NOTIFICATIONS = "notifications", _("Информационные рассылки о новых услугах")
        RESEARCH = "research", _("Использование обезличенных данных для улучшения портала")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("согласие"), max_length=20, choices=Scope.choices)
    version = models.CharField(_("редакция текста"), max_length=20, default="2026-11")
    granted_at = models.DateTimeField(_("дано"), default=timezone.now)
    revoked_at = models.DateTimeField(_("отозвано"), null=True, blank=True)

    class Meta:
        verbose_name = _("согласие")
        verbose_name_plural = _("согласия")
        ordering = ["scope", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_consent_per_scope",
            )
        ]

    def __str__(self) -> str:
        return self.get_scope_display()


class Reminder(models.Model):
    """PROF-8: a reminder already sent, so each one goes out once per occasion."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_reminders")
    kind = models.CharField(max_length=40)
    occasion = models.CharField(max_length=40)  # e.g. the passport's expiry date
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "occasion"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occasion}"


class PersonalDocument(models.Model):
    """PROF-1: a further document of the person; every value encrypted (SEC-2).

    One row per document; which fields are used depends on the kind. A person keeps one
    driver licence and one OMS policy, and any number of vehicles and children.
    """

    class Kind(models.TextChoices):
        DRIVER_LICENCE = "driver_licence", _("Водительское удостоверение")
        OMS_POLICY = "oms_policy", _("Полис ОМС")
        VEHICLE = "vehicle", _("Свидетельство о регистрации транспортного средства")
        BIRTH_CERTIFICATE = "birth_certificate", _("Свидетельство о рождении ребёнка")

    SINGLE_KINDS = (Kind.DRIVER_LICENCE, Kind.OMS_POLICY)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("документ"), max_length=20, choices=Kind.choices)
    series = EncryptedCharField(_("серия"), max_length=10, blank=True, default="")
    number = EncryptedCharField(_("номер"), max_length=16, blank=True, default="")
    issued_on = EncryptedDateField(_("дата выдачи"), null=True, blank=True)
    valid_until = EncryptedDateField(_("действительно до"), null=True, blank=True)
    categories = EncryptedCharField(_("категории"), max_length=100, blank=True, default="")
    vehicle_model = EncryptedCharField(_("марка и модель"), max_length=100, blank=True, default="")
    plate_number = EncryptedCharField(
        _("государственный номер"), max_length=12, blank=True, default=""
    )
    vin = EncryptedCharField(_("VIN"), max_length=17, blank=True, default="")
    child_last_name = EncryptedCharField(
        _("фамилия ребёнка"), max_length=100, blank=True, default=""
    )
    child_first_name = EncryptedCharField(_("имя ребёнка"), max_length=100, blank=True, default="")
    child_middle_name = EncryptedCharField(
        _("отчество ребёнка"), max_length=100, blank=True, default=""
    )
    child_birth_date = EncryptedDateField(_("дата рождения ребёнка"), null=True, blank=True)
    created_at = models.DateTimeField(_("добавлено"), default=timezone.now)
    updated_at = models.DateTimeField(_("изменено"), default=timezone.now)

    class Meta:
        verbose_name = _("документ")
        verbose_name_plural = _("документы")
        ordering = ["kind", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(kind__in=["driver_licence", "oms_policy"]),
                name="one_driver_licence_and_oms_policy",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class PassportScan(models.Model):
    """PROF-2: the scan or photo of a new passport, kept in the vault, and what the OCR
    read from it compared with what the person typed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Ожидает подтверждения кодом")
        PENDING = "pending", _("Проверка документа выполняется")
        MATCHED = "matched", _("Данные документа совпадают")
        MISMATCH = "mismatch", _("Данные документа не совпадают")
        FAILED = "failed", _("Документ не удалось проверить")

    VAULT_PURPOSE = "passport_scan"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passport_scans")
    vault_name = models.CharField(max_length=64)
    file_kind = models.CharField(max_length=10)  # core.files kind: pdf, jpeg, png
    size = models.PositiveIntegerField()
    status = models.CharField(
        _("статус"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # JSON list of {field, label, typed, read}: personal data, so encrypted.
    mismatches = EncryptedTextField(blank=True, default="")
    message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("скан паспорта")
        verbose_name_plural = _("сканы паспорта")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pk}: {self.status}"


class DataChangeRequest(models.Model):
    """PROF-3: a request to change the birth date or sex, decided by support."""

    class Field(models.TextChoices):
        BIRTH_DATE = "birth_date", _("Дата рождения")
        SEX = "sex", _("Пол")

    class Status(models.TextChoices):
        PENDING = "pending", _("На рассмотрении")
        APPROVED = "approved", _("Одобрена")
        REJECTED = "rejected", _("Отклонена")
        CANCELLED = "cancelled", _("Отозвана")

    ALLOWED = {Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.CANCELLED}}
    VAULT_PURPOSE = "data_change_document"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_requests")
    field = models.CharField(_("что изменить"), max_length=20, choices=Field.choices)
    new_value = EncryptedCharField(_("новое значение"), max_length=20)
    reason = EncryptedTextField(_("причина"))
    document_name = models.CharField(max_length=64)  # core.vault name
    document_kind = models.CharField(max_length=10)  # core.files kind
    document_filename = models.CharField(max_length=150)
    status = models.CharField(
        _("статус"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    operator_id = models.BigIntegerField(_("оператор"), null=True, blank=True)
    decision_reason = models.TextField(_("причина решения"), blank=True)
    created_at = models.DateTimeField(_("подана"), default=timezone.now)
    decided_at = models.DateTimeField(_("решение"), null=True, blank=True)

    class Meta:
        verbose_name = _("заявка на изменение данных")
        verbose_name_plural = _("заявки на изменение данных")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("review_data_change", "Рассмотрение заявок на изменение даты рождения и пола")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "field"],
                condition=models.Q(status="pending"),
                name="one_pending_data_request_per_field",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="data_request_queue_idx")]

    def __str__(self) -> str:
        return f"{self.field}: {self.status}"

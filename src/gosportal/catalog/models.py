"""Agencies (ведомства) and their staff (OFF-1, REG-5).

An ``Agency`` is a state body that provides services; the catalog of services will
hang off it. An ``Officer`` makes a civil-servant account a member of one agency with
one role; what a member may see and do is always limited to their own agency. An
``Invitation`` is the single-use activation link a new member gets by e-mail.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.models import User
from gosportal.catalog.regions import ALL_RUSSIA
from gosportal.core.crypto import blind_index
from gosportal.core.fields import EncryptedCharField
from gosportal.core.validators import check_ogrn, check_organization_inn


def service_id_index(value: str) -> str:
    """Keyed hash of a service ID number, for the per-agency uniqueness check."""
    return blind_index(value.strip().upper(), purpose="officer-service-id")


class Agency(models.Model):
    """A state body («ведомство»): the owner of services and of its officers' work."""

    full_name = models.CharField(_("полное наименование"), max_length=300)
    short_name = models.CharField(_("краткое наименование"), max_length=120)
    inn = models.CharField(
        _("ИНН"), max_length=10, unique=True, validators=[check_organization_inn]
    )
    ogrn = models.CharField(_("ОГРН"), max_length=13, unique=True, validators=[check_ogrn])
    region_code = models.CharField(
        _("код региона"),
        max_length=2,
        help_text=_("Две цифры, например 71 — Тульская область; 00 — федеральное ведомство."),
    )
    slug = models.SlugField(_("краткое имя в адресе"), max_length=60, unique=True)
    is_active = models.BooleanField(_("действует"), default=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)

    class Meta:
        verbose_name = _("ведомство")
        verbose_name_plural = _("ведомства")
        ordering = ["short_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region_code__regex=r"^[0-9]{2}$"),
                name="agency_region_code_two_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name


class Officer(models.Model):
    """Membership of a civil-servant account in an agency, with its role (OFF-1)."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Специалист")
        HEAD = "head", _("Руководитель")
        APPEAL_OFFICER = "appeal_officer", _("Специалист по обжалованию")
        ADMINISTRATOR = "administrator", _("Администратор ведомства")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")
    role = models.CharField(_("роль"), max_length=20, choices=Role.choices)
    # номер служебного удостоверения: a document number, so encrypted (SEC-2).
    service_id = EncryptedCharField(_("номер служебного удостоверения"), max_length=30)
    service_id_index = models.CharField(max_length=64, editable=False)
    staff_number = models.CharField(_("табельный номер"), max_length=20)  # табельный номер
    position = models.CharField(_("должность"), max_length=200)
    is_active = models.BooleanField(_("работает"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("добавлен"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("отключён"), null=True, blank=True)

    class Meta:
        verbose_name = _("сотрудник ведомства")
        verbose_name_plural = _("сотрудники ведомств")
        ordering = ["agency", "-is_active", "staff_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "staff_number"], name="officer_staff_number_per_agency"
            ),
            models.UniqueConstraint(
                fields=["agency", "service_id_index"], name="officer_service_id_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.staff_number}"

    def save(self, *args, **kwargs):
        self.service_id_index = service_id_index(self.service_id or "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "service_id" in update_fields:
            kwargs["update_fields"] = {*update_fields, "service_id_index"}
        super().save(*args, **kwargs)

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR


class Invitation(models.Model):
    """A single-use activation link for a new officer (REG-5); only its hash is stored."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("приглашение сотрудника")
        verbose_name_plural = _("приглашения сотрудников")
        indexes = [models.Index(fields=["officer", "-created_at"], name="invitation_officer_idx")]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.created_at:%Y-%m-%d}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


# --- the catalogue of services (CAT-1 … CAT-4) ------------------------------------------


class Category(models.Model):
    """A group of services on the catalogue's home page (CAT-1)."""

    name = models.CharField(_("название"), max_length=120)
    slug = models.SlugField(_("краткое имя в адресе"), max_length=60, unique=True)
    icon = models.CharField(_("значок"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("родительская категория"),
    )

    class Meta:
        verbose_name = _("категория услуг")
        verbose_name_plural = _("категории услуг")
        ordering = ["order", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A state service as data (CAT-4): card texts, terms and the application form."""

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Доступна")
        UNAVAILABLE = "unavailable", _("Временно недоступна")
        PLANNED = "planned", _("В разработке")

    class Type(models.TextChoices):  # тип услуги (CAT-1 filter)
        SOCIAL = "social", _("Социальная")
        FINANCIAL = "financial", _("Финансовая")
        LEGAL = "legal", _("Юридическая")

    class Cancellation(models.TextChoices):  # APP-8: when the applicant may cancel
        BEFORE_WORK = "before_work", _("Пока ведомство не начало работу")
        NEVER = "never", _("Нельзя после подачи (обязательное завершение)")
        WHILE_ACTIVE = "while_active", _("В любой момент, пока услуга действует")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", verbose_name=_("ведомство")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("категория")
    )
    slug = models.SlugField(_("краткое имя в адресе"), max_length=80, unique=True)
    title = models.CharField(_("название"), max_length=200)
    short_description = models.CharField(_("краткое описание"), max_length=300)
    description = models.TextField(_("описание"))
    result_description = models.TextField(_("результат услуги"), blank=True)
    # [{"title": str, "mandatory": bool, "formats": ["pdf", "jpg", …], "note": str}]
    required_documents = models.JSONField(_("необходимые документы"), default=list, blank=True)
    fee_kopecks = models.PositiveIntegerField(_("госпошлина, копеек"), default=0)
    fee_note = models.CharField(_("об оплате"), max_length=300, blank=True)
    processing_days = models.PositiveSmallIntegerField(_("срок, рабочих дней"))
    min_level = models.CharField(
        _("минимальный уровень учётной записи"),
        max_length=20,
        choices=User.Level.choices,
        default=User.Level.CONFIRMED,
    )
    # Who may apply (кто может подать); booleans so the filters can use plain indexes.
    for_individuals = models.BooleanField(_("физические лица"), default=True)
    for_entrepreneurs = models.BooleanField(_("индивидуальные предприниматели"), default=False)
    for_organizations = models.BooleanField(_("юридические лица"), default=False)
    service_type = models.CharField(
        _("тип услуги"), max_length=20, choices=Type.choices, default=Type.LEGAL
    )
    availability = models.CharField(
        _("доступность"), max_length=20, choices=Availability.choices, default="available"
    )
    availability_message = models.CharField(
        _("пояснение о доступности"), max_length=300, blank=True
    )
    region_code = models.CharField(
        _("регион"),
        max_length=2,
        default=ALL_RUSSIA,
        help_text=_("00 — вся Россия, иначе код региона, например 71."),
    )
    # APP-8: a workflow option (CAT-4); applications.cancellation applies it.
    cancellation_policy = models.CharField(
        _("отмена заявителем"),
        max_length=20,
        choices=Cancellation.choices,
        default=Cancellation.BEFORE_WORK,
        help_text=_(
            "«В любой момент» — для услуг, которые действуют после одобрения (пособие, "
            "субсидия, очередь): заявитель может прекратить их сам."
        ),
    )
    cancellation_note = models.CharField(
        _("пояснение об отмене"),
        max_length=300,
        blank=True,
        help_text=_(
            "Показывается заявителю на карточке заявления: почему отменить нельзя или что "
            "будет после отмены."
        ),
    )
    blank_form = models.FileField(_("бланк заявления"), upload_to="catalog/forms/", blank=True)
    form_definition = models.JSONField(_("описание формы заявления"), default=dict)
    is_published = models.BooleanField(_("опубликована"), default=False)
    popularity = models.PositiveIntegerField(_("популярность"), default=0)
    # Full-text search: on PostgreSQL a tsvector ('russian'), kept current by
    # catalog.search.index_service; on SQLite the FTS5 table catalog_service_fts.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    updated_at = models.DateTimeField(_("изменено"), default=timezone.now)

    class Meta:
        verbose_name = _("услуга")
        verbose_name_plural = _("услуги")
        ordering = ["-popularity", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region_code__regex=r"^[0-9]{2}$"),
                name="service_region_code_two_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(for_individuals=True)
                | models.Q(for_entrepreneurs=True)
                | models.Q(for_organizations=True),
                name="service_has_applicants",
            ),
        ]
        indexes = [
            models.Index(
                fields=["is_published", "category", "-popularity"], name="service_category_idx"
            ),
            models.Index(fields=["is_published", "-popularity"], name="service_popular_idx"),
            models.Index(fields=["availability"], name="service_availability_idx"),
            models.Index(fields=["region_code"], name="service_region_idx"),
            models.Index(fields=["fee_kopecks"], name="service_fee_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def applicant_kinds(self) -> list[str]:
        """User.Kind values that may apply."""
        kinds = []
        if self.for_individuals:
            kinds.append("individual")
        if self.for_entrepreneurs:
            kinds.append("entrepreneur")
        if self.for_organizations:
            kinds.append("organization")
        return kinds

    def may_apply(self, kind: str) -> bool:
        return kind in self.applicant_kinds


class Favourite(models.Model):
    """A service a person marked «В избранное» (CAT-3)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_services"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("избранная услуга")
        verbose_name_plural = _("избранные услуги")
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="favourite_once"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="favourite_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.service_id}"


RECENT_LIMIT = 10  # CAT-3: «Недавние» keeps the last ten


class RecentService(models.Model):
    """A service card a person opened recently (CAT-3, «Недавние»)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recent_services"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="recent_views")
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("недавно открытая услуга")
        verbose_name_plural = _("недавно открытые услуги")
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="recent_once"),
        ]
        indexes = [models.Index(fields=["user", "-viewed_at"], name="recent_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.service_id}"

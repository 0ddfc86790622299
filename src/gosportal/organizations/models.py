"""Organisations a person acts for (REG-5, ORG-1): entrepreneurs now, legal entities later.

An ``Organization`` is one entry of a state register (ЕГРИП for an entrepreneur, ЕГРЮЛ
for a legal entity) registered on the portal once, by anyone; ``Membership`` says who
acts for it and as what. The owner of an entrepreneur is the entrepreneur in person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.core.fields import EncryptedCharField


class Organization(models.Model):
    class Kind(models.TextChoices):
        ENTREPRENEUR = "entrepreneur", _("Индивидуальный предприниматель")
        LEGAL_ENTITY = "legal_entity", _("Юридическое лицо")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Действующий")
        CLOSED = "closed", _("Прекратил деятельность")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices)
    # «ИП Петров Иван Сергеевич»: an entrepreneur's name is a person's name (SEC-2).
    full_name = EncryptedCharField(_("полное наименование"), max_length=500)
    # ОГРНИП (15 digits) of an entrepreneur, ОГРН (13 digits) of a legal entity.
    ogrn = models.CharField(_("ОГРН / ОГРНИП"), max_length=15)
    # An entrepreneur's INN is the person's own INN (12 digits), so it is encrypted.
    inn = EncryptedCharField(_("ИНН"), max_length=12)
    registered_on = models.DateField(_("дата регистрации"))
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices)
    closed_on = models.DateField(_("дата прекращения деятельности"), null=True, blank=True)
    region_code = models.CharField(_("код региона"), max_length=2)
    region_name = models.CharField(_("регион"), max_length=100)
    okved_code = models.CharField(_("код ОКВЭД"), max_length=8)
    okved_name = models.CharField(_("основной вид деятельности"), max_length=300)
    # When the register last confirmed the entry.
    verified_at = models.DateTimeField(_("проверено в реестре"))
    created_at = models.DateTimeField(_("добавлено на портал"), default=timezone.now)

    class Meta:
        verbose_name = _("организация")
        verbose_name_plural = _("организации")
        constraints = [
            # REG-5: a register entry is on the portal at most once, whoever added it.
            models.UniqueConstraint(fields=["ogrn"], name="organization_unique_ogrn"),
            models.CheckConstraint(
                condition=Q(kind__in=["entrepreneur", "legal_entity"]),
                name="organization_known_kind",
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_on__isnull=True) | Q(status="closed"),
                name="organization_active_not_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Membership(models.Model):
    """A person acting for an organisation; ended memberships stay for the record."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Владелец")
        EMPLOYEE = "employee", _("Сотрудник")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("роль"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("действует с"), default=timezone.now)
    ended_at = models.DateTimeField(_("действует по"), null=True, blank=True)

    class Meta:
        verbose_name = _("участие в организации")
        verbose_name_plural = _("участие в организациях")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(role="owner", ended_at__isnull=True),
                name="membership_one_active_owner",
            ),
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(ended_at__isnull=True),
                name="membership_one_active_per_person",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.organization_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

"""Appeals (жалобы, обжалование решений) against an agency's refusal (APP-9).

An ``Appeal`` is the applicant's complaint against one refusal of one application: the
reason (encrypted, it is the person's own account of their case), the evidence files
(``AppealEvidence``, encrypted in the vault) and the agency's decision on it. Appeals
of an application are numbered 1, 2, … and read as ``<application number>/Ж-<n>``.
A dismissed appeal may be followed by another one with new evidence. The workflow is
in ``services.py``.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.applications.models import Application, StatusChange
from gosportal.catalog.models import Agency
from gosportal.core.fields import EncryptedTextField

VAULT_PURPOSE = "appeal"


class AppealStatus(models.TextChoices):
    REGISTERED = "registered", _("Зарегистрирована")
    IN_REVIEW = "in_review", _("На рассмотрении")
    UPHELD = "upheld", _("Удовлетворена")
    DISMISSED = "dismissed", _("Отклонена")


OPEN_STATUSES = (AppealStatus.REGISTERED, AppealStatus.IN_REVIEW)
DECIDED_STATUSES = (AppealStatus.UPHELD, AppealStatus.DISMISSED)


class Appeal(models.Model):
    """One complaint (жалоба) against the refusal ``refusal`` of ``application``."""

    Status = AppealStatus

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals")
    # The application's agency, kept here so the agency's queue is one indexed scan.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveSmallIntegerField()  # 1, 2, … within the application
    number = models.CharField(_("номер"), max_length=60, unique=True)  # MVD-2026-000042/Ж-1
    # The decision appealed against: the status change to «Отказано».
    refusal = models.ForeignKey(StatusChange, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("причина несогласия"))
    status = models.CharField(
        _("статус"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.REGISTERED
    )
    created_at = models.DateTimeField(default=timezone.now)
    assigned_to_id = models.BigIntegerField(null=True, blank=True)  # the reviewing officer's user
    taken_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_id = models.BigIntegerField(null=True, blank=True)
    decision = EncryptedTextField(_("решение по жалобе"), blank=True, default="")
    # The status change the decision made (back to work, or «Отказано» again).
    decision_change = models.ForeignKey(
        StatusChange, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("жалоба")
        verbose_name_plural = _("жалобы")
        ordering = ["application", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "sequence"], name="appeal_sequence_per_application"
            ),
            # One appeal under review per application at a time.
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=["registered", "in_review"]),
                name="appeal_one_open_per_application",
            ),
            # The decision's text is encrypted: the service checks it is not empty.
            models.CheckConstraint(
                condition=models.Q(status__in=["registered", "in_review"])
                | models.Q(decided_at__isnull=False),
                name="appeal_decided_has_date",
            ),
        ]
        indexes = [
            # The agency's queue: open ones first, oldest first.
            models.Index(fields=["agency", "status", "created_at"], name="appeal_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class AppealEvidence(models.Model):
    """A supporting document of an appeal, kept encrypted in the vault."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    vault_name = models.CharField(max_length=40)
    name = models.CharField(max_length=120)  # safe name, extension matching the content
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("доказательство по жалобе")
        verbose_name_plural = _("доказательства по жалобам")
        ordering = ["appeal", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

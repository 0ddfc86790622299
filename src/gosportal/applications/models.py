"""Applications (заявления) of citizens to agencies (APP-1 … APP-8, APP-11).

An ``Application`` starts as a draft of one service's form and, once submitted, gets a
readable registration number and an expected completion date. Its answers are kept
encrypted (they hold personal data); every submission's answers are kept as an
``ApplicationVersion`` (APP-7); every change of status is a ``StatusChange`` row
(APP-4); the files for the service's required documents are ``Attachment`` rows whose
bytes lie encrypted in the vault (APP-2). Workflows live in ``services.py``.
"""

import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gosportal.catalog.models import Agency, Service
from gosportal.core.fields import EncryptedTextField

VAULT_PURPOSE = "application"


class Status(models.TextChoices):
    """APP-4: the decided labels of the lifecycle."""

    DRAFT = "draft", _("Черновик")
    SUBMITTED = "submitted", _("Отправлено")
    ACCEPTED = "accepted", _("Принято ведомством")
    IN_PROGRESS = "in_progress", _("В работе")
    CLARIFICATION = "clarification", _("Требуется уточнение")
    RESUBMITTED = "resubmitted", _("Переподано")
    APPROVED = "approved", _("Одобрено")
    READY = "ready", _("Готово к выдаче")
    COMPLETED = "completed", _("Завершено")
    REJECTED = "rejected", _("Отказано")
    CANCELLED = "cancelled", _("Отменено")
    APPEALED = "appealed", _("Обжаловано")


ACTIVE_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.CLARIFICATION,
        Status.RESUBMITTED,
        Status.APPROVED,
        Status.READY,
        Status.APPEALED,
    }
)
FINISHED_STATUSES = frozenset({Status.COMPLETED, Status.REJECTED, Status.CANCELLED})


class NumberSequence(models.Model):
    """The last registration number given by one agency in one year."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="number_sequence_agency_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class Application(models.Model):
    """One person's application for one service, from draft to decision."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Registration number, e.g. MVD-2026-000042; empty while a draft.
    number = models.CharField(_("номер"), max_length=40, blank=True, default="")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    # APP-11: the organisation the applicant acted for (organizations.Organization pk).
    acting_for_id = models.BigIntegerField(null=True, blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="applications")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        _("статус"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Status before a cancellation, restored with it (APP-8).
    cancelled_from = models.CharField(max_length=20, choices=Status.choices, blank=True)
    # The answers as JSON text, encrypted (SEC-2): raw input while a draft.
    data = EncryptedTextField(default="{}")
    definition = models.JSONField(default=dict)  # the form as it was when submitted
    definition_version = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=0)  # submissions so far (APP-7)
    fee_kopecks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    work_started_at = models.DateTimeField(null=True, blank=True)  # first «В работе»
    cancelled_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)  # expected completion (APP-3)
    assigned_officer_id = models.BigIntegerField(null=True, blank=True)  # OFF-2
    # OFF-3: the last day to answer a clarification request; set only in «Требуется уточнение».
    clarification_due = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("заявление")
        verbose_name_plural = _("заявления")
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="application_number_unique",
            ),
            models.UniqueConstraint(
                fields=["applicant", "service"],
                condition=models.Q(status="draft"),
                name="application_one_draft_per_service",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | ~models.Q(number=""),
                name="application_number_after_draft",
            ),
        ]
        indexes = [
            # «Мои заявления»: tab (status) + newest first, keyset on (submitted_at, id).
            models.Index(
                fields=["applicant", "status", "-submitted_at", "-id"],
                name="application_mine_idx",
            ),
            models.Index(
                fields=["applicant", "-submitted_at", "-id"], name="application_mine_date_idx"
            ),
            models.Index(fields=["applicant", "service"], name="application_mine_service_idx"),
            models.Index(fields=["number"], name="application_number_idx"),
            # OFF-2: an agency's queue by status and deadline.
            models.Index(fields=["agency", "status", "due_date"], name="application_queue_idx"),
            # OFF-2: the whole queue, nearest deadline first, keyset pages on (due_date, id)
            # (bench/README.md: the first queue page at 1 M rows, 452 ms → 59 ms).
            models.Index(
                fields=["agency", "due_date", "id"],
                condition=~models.Q(status="draft"),
                name="application_queue_due_idx",
            ),
            # OFF-2: «Мне» in the same order.
            models.Index(
                fields=["agency", "assigned_officer_id", "due_date", "id"],
                condition=~models.Q(status="draft"),
                name="application_queue_assignee_idx",
            ),
            # OFF-2: «Без исполнителя» — few rows (the newest), which the planner would
            # otherwise look for along the whole due-date index (bench/README.md).
            models.Index(
                fields=["agency", "due_date", "id"],
                condition=models.Q(assigned_officer_id__isnull=True) & ~models.Q(status="draft"),
                name="application_queue_free_idx",
            ),
            # The daily deadline reminders (docs/applications.md).
            models.Index(fields=["status", "due_date"], name="application_status_due_idx"),
            models.Index(
                fields=["clarification_due"],
                condition=models.Q(clarification_due__isnull=False),
                name="application_clarify_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(self.public_id)

    @property
    def ref(self) -> str:
        """What the pages put into URLs: the number, or the draft's id."""
        return self.number or str(self.public_id)

    @property
    def answers(self) -> dict:
        return json.loads(self.data or "{}")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ApplicationVersion(models.Model):
    """The answers of one submission (APP-7), readable after later edits."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = EncryptedTextField(default="{}")
    definition = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="application_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} v{self.number}"

    @property
    def answers(self) -> dict:
        return json.loads(self.data or "{}")


class StatusChange(models.Model):
    """One transition of the lifecycle (APP-4): who, when, why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True, blank=True)
    # Officers' comments and applicants' answers may hold personal data (SEC-2).
    comment = EncryptedTextField(blank=True, default="")
    visible_to_applicant = models.BooleanField(default=True)

    class Meta:
        ordering = ["application", "at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="status_change_app_idx")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Attachment(models.Model):
    """A file for one of the service's required documents (APP-2), kept in the vault."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    document = models.CharField(max_length=300)  # the required document's title
    vault_name = models.CharField(max_length=40)
    name = models.CharField(max_length=120)  # safe name, extension matching the content
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Files of a submitted version stay; new ones belong to the next version.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["application", "document", "uploaded_at", "id"]
        indexes = [models.Index(fields=["application", "document"], name="attachment_doc_idx")]

    def __str__(self) -> str:
        return self.name


class DeadlineReminder(models.Model):
    """A deadline reminder already sent about one application, so that each goes out once
    per occasion (the deadline it is about) however often the daily job runs."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    kind = models.CharField(max_length=40)
    occasion = models.CharField(max_length=60)  # e.g. the deadline and the version
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "occasion"], name="application_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.kind} {self.occasion}"


class ApplicationTemplate(models.Model):
    """A filled form saved under a name to start new applications from (APP-10).

    Answers that come from the person's profile are kept as variables such as
    ``{{ last_name }}`` and filled with the profile's current values on use.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_templates"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("название шаблона"), max_length=100)
    data = EncryptedTextField(default="{}")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="application_template_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def answers(self) -> dict:
        return json.loads(self.data or "{}")

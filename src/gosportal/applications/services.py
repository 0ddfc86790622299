"""Writers of applications (APP-1 … APP-8): drafts, attachments, submission, lifecycle.

The lifecycle is the ``TRANSITIONS`` table: each allowed (from, to) pair names who may
make it — the applicant or the agency. ``change_status`` is the one place a status
changes: it checks the table, writes a ``StatusChange``, an audit row and emits the
``applications.status_changed`` domain event (``events.py``), from which the
notification centre tells the applicant after commit.
"""

import json
import logging
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.accounts.levels import check_level
from gosportal.applications import cancellation
from gosportal.applications.events import ApplicationEvent
from gosportal.applications.models import (
    VAULT_PURPOSE,
    Application,
    ApplicationTemplate,
    ApplicationVersion,
    Attachment,
    NumberSequence,
    Status,
    StatusChange,
)
from gosportal.catalog.external import external_site
from gosportal.catalog.form_render import prefill_initial
from gosportal.catalog.forms_schema import iter_fields
from gosportal.catalog.models import Service
from gosportal.core import audit, files, ratelimit, vault
from gosportal.core.calendar import add_working_days
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gosportal.core.events import Event, emit

logger = logging.getLogger(__name__)

APPLICANT = "applicant"
AGENCY = "agency"

# APP-4: who may move an application from one status to another.
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): APPLICANT,
    (Status.SUBMITTED, Status.ACCEPTED): AGENCY,
    (Status.SUBMITTED, Status.REJECTED): AGENCY,
    (Status.SUBMITTED, Status.RESUBMITTED): APPLICANT,
    (Status.SUBMITTED, Status.CANCELLED): APPLICANT,
    (Status.RESUBMITTED, Status.ACCEPTED): AGENCY,
    (Status.RESUBMITTED, Status.IN_PROGRESS): AGENCY,
    (Status.RESUBMITTED, Status.REJECTED): AGENCY,
    (Status.RESUBMITTED, Status.RESUBMITTED): APPLICANT,
    (Status.RESUBMITTED, Status.CANCELLED): APPLICANT,
    (Status.ACCEPTED, Status.IN_PROGRESS): AGENCY,
    (Status.ACCEPTED, Status.REJECTED): AGENCY,
    (Status.ACCEPTED, Status.RESUBMITTED): APPLICANT,
    (Status.ACCEPTED, Status.CANCELLED): APPLICANT,
    (Status.IN_PROGRESS, Status.CLARIFICATION): AGENCY,
    # APP-8: cancelling once work started needs the service's «while active» policy.
    (Status.IN_PROGRESS, Status.CANCELLED): APPLICANT,
    (Status.CLARIFICATION, Status.CANCELLED): APPLICANT,
    (Status.APPROVED, Status.CANCELLED): APPLICANT,
    (Status.READY, Status.CANCELLED): APPLICANT,
    (Status.IN_PROGRESS, Status.APPROVED): AGENCY,
    (Status.IN_PROGRESS, Status.REJECTED): AGENCY,
    (Status.CLARIFICATION, Status.RESUBMITTED): APPLICANT,  # the applicant answers
    (Status.CLARIFICATION, Status.REJECTED): AGENCY,  # no answer by the deadline
    (Status.APPROVED, Status.READY): AGENCY,
    (Status.APPROVED, Status.COMPLETED): AGENCY,
    (Status.READY, Status.COMPLETED): AGENCY,
    (Status.REJECTED, Status.APPEALED): APPLICANT,  # APP-9
    (Status.APPEALED, Status.IN_PROGRESS): AGENCY,
    (Status.APPEALED, Status.REJECTED): AGENCY,
    # APP-8: restored to the status it was cancelled from (checked by restore()).
    (Status.CANCELLED, Status.SUBMITTED): APPLICANT,
    (Status.CANCELLED, Status.ACCEPTED): APPLICANT,
    (Status.CANCELLED, Status.RESUBMITTED): APPLICANT,
    (Status.CANCELLED, Status.IN_PROGRESS): APPLICANT,
    (Status.CANCELLED, Status.CLARIFICATION): APPLICANT,
    (Status.CANCELLED, Status.APPROVED): APPLICANT,
    (Status.CANCELLED, Status.READY): APPLICANT,
}

# APP-7, APP-8: before the agency starts work the applicant may edit or cancel.
BEFORE_WORK = cancellation.BEFORE_WORK
RESTORE_DAYS = 30
ANSWER_MAX_LENGTH = 2000  # the applicant's comment when answering a clarification
FILES_PER_DOCUMENT = 20  # files waiting to be sent, per required document (APP-2)
FILES_RATE = "100/h"  # files a person may upload to applications in an hour

_REFUSED = {
    Status.CANCELLED: gettext_lazy(
        "Отменить заявление уже нельзя: ведомство начало работу по нему."
    ),
    Status.RESUBMITTED: gettext_lazy(
        "Изменить заявление уже нельзя: ведомство начало работу по нему."
    ),
}


def check_transition(application: Application, to: str, *, by: str) -> None:
    """Raise ``Conflict`` unless ``by`` may move ``application`` to ``to`` now."""
    current = application.status
    if by == APPLICANT and to == Status.CANCELLED:
        # APP-8: the service's cancellation policy and the registered checks (debt).
        cancellation.check_cancellable(application)
    allowed_by = TRANSITIONS.get((current, to))
    if allowed_by is None or allowed_by != by:
        message = _REFUSED.get(to) or _(
            "Заявление в статусе «%(current)s» нельзя перевести в статус «%(to)s»."
        ) % {"current": Status(current).label, "to": Status(to).label}
        raise Conflict(message, code="transition_refused")
    if (
        by == APPLICANT
        and to == Status.RESUBMITTED
        and current != Status.CLARIFICATION
        and application.work_started_at is not None
    ):
        raise Conflict(_REFUSED[to], code="work_started")


def change_status(
    application: Application,
    to: str,
    *,
    actor,
    by: str,
    comment: str = "",
    visible_to_applicant: bool = True,
    notice: str = "",
) -> StatusChange:
    """Move ``application`` to ``to`` after the table's check; record, audit and emit the
    status change.

    ``notice`` replaces the bare status label in the notification (e.g. an appeal's decision).
    """
    check_transition(application, to, by=by)
    now = timezone.now()
    previous = application.status
    application.status = to
    application.updated_at = now
    fields = ["status", "updated_at"]
    if to == Status.IN_PROGRESS and application.work_started_at is None:
        application.work_started_at = now
        fields.append("work_started_at")
    if to in (Status.APPROVED, Status.REJECTED):
        application.decided_at = now
        fields.append("decided_at")
    if (
        previous == Status.CLARIFICATION
        and to != Status.CANCELLED  # restored, it waits for the answer by the same day
        and application.clarification_due is not None
    ):
        application.clarification_due = None  # OFF-3: answered, refused or otherwise closed
        fields.append("clarification_due")
    application.save(update_fields=fields)
    change = StatusChange.objects.create(
        application=application,
        from_status=previous,
        to_status=to,
        at=now,
        actor_id=getattr(actor, "pk", actor),
        comment=comment,
        visible_to_applicant=visible_to_applicant,
    )
    audit.record(
        "application.status",
        actor=actor,
        acting_for=application.acting_for_id,
        obj=application,
        details={"from": previous, "to": to},
    )
    due = application.clarification_due if to == Status.CLARIFICATION else None
    emit(
        Event(
            ApplicationEvent.STATUS_CHANGED,
            {
                "application_id": application.pk,
                "applicant_id": application.applicant_id,
                "number": application.number,
                "service": application.service.title,
                "url": reverse("applications:detail", kwargs={"ref": application.ref}),
                "from_status": previous,
                "to_status": to,
                "visible_to_applicant": visible_to_applicant,
                "notice": notice,
                "question": comment if to == Status.CLARIFICATION else "",
                "clarification_due": due.isoformat() if due else "",
            },
        )
    )
    return change


# --- drafts ------------------------------------------------------------------------------


def applicant_kind(user, organization=None) -> str:
    """The kind of applicant (Service.applicant_kinds) the person applies as."""
    if organization is not None:
        return "entrepreneur" if organization.kind == "entrepreneur" else "organization"
    return "individual" if user.kind in ("civil_servant", "organization") else user.kind


def check_may_apply(*, user, service: Service, organization=None) -> None:
    """Raise unless ``user`` (acting for ``organization``) may apply for ``service``."""
    if service.availability != Service.Availability.AVAILABLE or not service.is_published:
        raise Conflict(_("Услуга сейчас недоступна для подачи заявлений."), code="unavailable")
    site = external_site(service)
    if site is not None:  # CAT-5: applied for on the partner's site, never here
        raise Conflict(
            _("Эту услугу оказывает сайт партнёра «%(site)s»: заявление подаётся там.")
            % {"site": site.name},
            code="external",
        )
    check_level(user, service.min_level)
    if not service.may_apply(applicant_kind(user, organization)):
        raise Forbidden(
            _("Эту услугу не могут получить заявители вашего типа."), code="applicant_kind"
        )


@transaction.atomic
def start_draft(*, user, service: Service, organization=None) -> Application:
    """The person's draft for ``service``: the open one, or a new one (APP-1)."""
    check_may_apply(user=user, service=service, organization=organization)
    existing = Application.objects.filter(
        applicant=user, service=service, status=Status.DRAFT
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                applicant=user,
                service=service,
                agency=service.agency,
                acting_for_id=getattr(organization, "pk", None),
                definition=service.form_definition,
                definition_version=int(service.form_definition.get("version", 1)),
                fee_kopecks=service.fee_kopecks,
            )
    except IntegrityError:  # a parallel request created it first
        return Application.objects.get(applicant=user, service=service, status=Status.DRAFT)
    audit.record("application.draft_created", actor=user, obj=application)
    return application


def check_editable(application: Application) -> None:
    """Raise ``Conflict`` unless the applicant may still change the answers (APP-7)."""
    if application.status == Status.DRAFT:
        return
    if application.status == Status.CLARIFICATION:
        return
    if application.status in BEFORE_WORK and application.work_started_at is None:
        return
    raise Conflict(_REFUSED[Status.RESUBMITTED], code="not_editable")


def save_draft(*, application: Application, raw: dict) -> Application:
    """Keep what the person typed, valid or not (autosave, «Сохранить черновик»)."""
    check_editable(application)
    clean = {
        str(k)[:100]: (str(v)[:5000] if not isinstance(v, bool) else v) for k, v in raw.items()
    }
    application.data = json.dumps(clean, ensure_ascii=False)
    application.updated_at = timezone.now()
    application.save(update_fields=["data", "updated_at"])
    return application


def document_titles(application: Application) -> list[str]:
    return [d["title"] for d in application.service.required_documents or []]


def _document(application: Application, title: str) -> dict:
    for document in application.service.required_documents or []:
        if document["title"] == title:
            return document
    raise InvalidInput(_("Такого документа нет в списке для этой услуги."), field="document")


@transaction.atomic
def add_attachment(*, application: Application, document: str, upload) -> Attachment:
    """Check a file by content (APP-2) and keep it encrypted for ``document``."""
    check_editable(application)
    spec = _document(application, document)
    pending = application.attachments.filter(document=document, version=0).count()
    if pending >= FILES_PER_DOCUMENT:
        raise InvalidInput(
            _("%(document)s: не более %(limit)d файлов. Удалите лишние.")
            % {"document": document, "limit": FILES_PER_DOCUMENT},
            field=document,
        )
    # Every file is scanned and encrypted: bounded per person, whatever the request.
    ratelimit.check(f"application-files:{application.applicant_id}", FILES_RATE)
    kinds = [k for k in spec.get("formats") or files.ATTACHMENT_KINDS if k in files.KINDS]
    checked = files.check_upload(upload, allowed=kinds or files.ATTACHMENT_KINDS, field=document)
    name = vault.store(checked.content, purpose=VAULT_PURPOSE)
    try:
        attachment = Attachment.objects.create(
            application=application,
            document=document,
            vault_name=name,
            name=checked.name[:120],
            kind=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
        )
    except Exception:
        vault.delete(name, purpose=VAULT_PURPOSE)  # no row will ever point to it
        raise
    audit.record("application.attachment_added", obj=application, details={"id": attachment.pk})
    return attachment


@transaction.atomic
def delete_attachment(*, application: Application, attachment_id) -> None:
    """Remove a file not yet submitted (APP-2: delete before submission)."""
    check_editable(application)
    attachment = application.attachments.filter(pk=attachment_id, version=0).first()
    if attachment is None:
        raise NotFound(_("Файл не найден или уже отправлен в ведомство."))
    name = attachment.vault_name
    attachment.delete()
    transaction.on_commit(lambda: vault.delete(name, purpose=VAULT_PURPOSE))
    audit.record("application.attachment_deleted", obj=application, details={"id": attachment_id})


def read_attachment(attachment: Attachment) -> bytes:
    return vault.read(attachment.vault_name, purpose=VAULT_PURPOSE)


# --- submission --------------------------------------------------------------------------


def allocate_number(agency) -> str:
    """The next registration number of ``agency`` this year, e.g. MVD-2026-000042.

    Must run inside a transaction: the counter row stays locked until it commits, so
    parallel submissions never share a number.
    """
    year = timezone.localdate().year
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(agency=agency, year=year)
    except IntegrityError:
        pass  # created by a parallel submission
    sequence = NumberSequence.objects.select_for_update().get(agency=agency, year=year)
    NumberSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    code = agency.slug.upper()
    return f"{code}-{year}-{sequence.last:06d}"


def _freeze(application: Application, answers: dict) -> None:
    application.version += 1
    application.data = json.dumps(answers, ensure_ascii=False)
    ApplicationVersion.objects.create(
        application=application,
        number=application.version,
        data=application.data,
        definition=application.definition,
        submitted_at=timezone.now(),
    )
    application.attachments.filter(version=0).update(version=application.version)


@transaction.atomic
def submit(*, application: Application, answers: dict, actor) -> Application:
    """Register a complete draft (APP-3): number, due date, status «Отправлено».

    ``answers`` are the validated answers (``forms.check_complete`` gives them).
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    check_transition(application, Status.SUBMITTED, by=APPLICANT)
    service = application.service
    if service.availability != Service.Availability.AVAILABLE or not service.is_published:
        raise Conflict(_("Услуга сейчас недоступна для подачи заявлений."), code="unavailable")
    check_level(application.applicant, service.min_level)  # the level may have dropped
    now = timezone.now()
    application.number = allocate_number(application.agency)
    application.submitted_at = now
    application.due_date = add_working_days(
        timezone.localdate(now), application.service.processing_days
    )
    application.definition = application.service.form_definition
    application.fee_kopecks = application.service.fee_kopecks
    _freeze(application, answers)
    application.save(
        update_fields=[
            "number",
            "submitted_at",
            "due_date",
            "definition",
            "fee_kopecks",
            "version",
            "data",
        ]
    )
    change_status(application, Status.SUBMITTED, actor=actor, by=APPLICANT)
    return application


@transaction.atomic
def resubmit(*, application: Application, answers: dict, actor, comment: str = "") -> Application:
    """Resubmit an edited application (APP-7): a new version, status «Переподано».

    ``comment`` is the applicant's answer to a clarification request (OFF-3), if any.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    check_transition(application, Status.RESUBMITTED, by=APPLICANT)
    comment = (comment or "").strip()
    if len(comment) > ANSWER_MAX_LENGTH:
        raise InvalidInput(
            _("Ответ ведомству: не более %(limit)d символов, сейчас %(length)d.")
            % {"limit": ANSWER_MAX_LENGTH, "length": len(comment)},
            field="clarification_answer",
        )
    _freeze(application, answers)
    # The agency checks it again: the term runs from the resubmission (seed).
    application.due_date = add_working_days(
        timezone.localdate(), application.service.processing_days
    )
    application.save(update_fields=["version", "data", "due_date"])
    change_status(
        application,
        Status.RESUBMITTED,
        actor=actor,
        by=APPLICANT,
        comment=comment,
    )
    return application


@transaction.atomic
def cancel(*, application: Application, actor, reason: str = "") -> Application:
    """Cancel as the service's policy allows (APP-8); restorable for 30 days."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    check_transition(application, Status.CANCELLED, by=APPLICANT)
    application.cancelled_from = application.status
    application.cancelled_at = timezone.now()
    application.save(update_fields=["cancelled_from", "cancelled_at"])
    change_status(application, Status.CANCELLED, actor=actor, by=APPLICANT, comment=reason[:500])
    return application


def restore_deadline(application: Application):
    if application.cancelled_at is None:
        return None
    return application.cancelled_at + timezone.timedelta(days=RESTORE_DAYS)


@transaction.atomic
def restore(*, application: Application, actor) -> Application:
    """Restore a cancelled application within 30 days, to where it was (APP-8)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Status.CANCELLED or not application.cancelled_from:
        raise Conflict(_("Восстановить можно только отменённое заявление."), code="not_cancelled")
    if timezone.now() > restore_deadline(application):
        raise Conflict(
            _("Прошло больше 30 дней после отмены: восстановить заявление нельзя."),
            code="restore_expired",
        )
    target = application.cancelled_from
    change_status(application, target, actor=actor, by=APPLICANT)
    application.cancelled_from = ""
    application.cancelled_at = None
    application.save(update_fields=["cancelled_from", "cancelled_at"])
    return application


# --- templates (APP-10) --------------------------------------------------------------------

TEMPLATES_PER_PERSON = 50
_VARIABLE = re.compile(r"^\{\{ ([a-z_]+) \}\}$")


def save_template(*, user, application: Application, name: str) -> ApplicationTemplate:
    """Keep the application's answers under ``name``; profile data become variables."""
    if application.applicant_id != user.pk:
        raise NotFound()
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Введите название шаблона."), field="name")
    if len(name) > 100:
        raise InvalidInput(_("Название шаблона — не более 100 символов."), field="name")
    if ApplicationTemplate.objects.filter(user=user).count() >= TEMPLATES_PER_PERSON:
        raise Conflict(_("Можно сохранить не более 50 шаблонов. Удалите ненужные."))
    if ApplicationTemplate.objects.filter(user=user, name=name).exists():
        raise InvalidInput(_("Шаблон с таким названием уже есть."), field="name")
    answers = application.answers
    data = {}
    for _section, spec in iter_fields(application.service.form_definition):
        key = spec["key"]
        if spec["type"] == "file":
            continue
        if spec.get("prefill"):
            data[key] = "{{ %s }}" % spec["prefill"]  # noqa: UP031 - the variable's syntax
        elif key in answers:
            data[key] = answers[key]
    try:
        with transaction.atomic():
            template = ApplicationTemplate.objects.create(
                user=user,
                service=application.service,
                name=name,
                data=json.dumps(data, ensure_ascii=False),
            )
    except IntegrityError:
        raise InvalidInput(_("Шаблон с таким названием уже есть."), field="name") from None
    audit.record("application.template_saved", actor=user, obj=template)
    return template


def template_values(template: ApplicationTemplate, *, user) -> dict:
    """The template's answers with variables replaced by the profile's current values."""
    current = prefill_initial(template.service.form_definition, user)
    values = {}
    for key, value in template.answers.items():
        if isinstance(value, str) and _VARIABLE.match(value):
            value = current.get(key, "")
        values[key] = value
    return values


@transaction.atomic
def start_from_template(*, user, template: ApplicationTemplate, organization=None) -> Application:
    """A draft filled from ``template`` (APP-10); an open draft with answers is kept."""
    if template.user_id != user.pk:
        raise NotFound()
    draft = start_draft(user=user, service=template.service, organization=organization)
    if any(v not in (None, "", False) for v in draft.answers.values()):
        raise Conflict(
            _(
                "У вас уже есть черновик этой услуги. Отправьте или удалите его, "
                "чтобы начать заявление по шаблону."
            ),
            code="draft_exists",
        )
    return save_draft(application=draft, raw=template_values(template, user=user))


def delete_template(*, user, template_id) -> None:
    deleted, _rows = ApplicationTemplate.objects.filter(user=user, pk=template_id).delete()
    if not deleted:
        raise NotFound()
    audit.record(
        "application.template_deleted",
        actor=user,
        object_type="applications.applicationtemplate",
        object_id=str(template_id),
    )


# --- the agency side (OFF-1 … OFF-3) -----------------------------------------------------

# Who may decide on an agency's applications; the administrator manages staff only.
DECIDING_ROLES = frozenset({"officer", "head", "appeal_officer"})
CLARIFICATION_MAX_DAYS = 30
APPEAL_RIGHTS = gettext_lazy(
    "Решение можно обжаловать на портале в течение 30 календарных дней со дня его получения: "
    "кнопка «Обжаловать решение» в карточке заявления. Жалобу рассмотрит ведомство; "
    "отказ по жалобе можно оспорить повторно с новыми доказательствами или в суде."
)


# No one decides on their own application (civil servants apply for services too).
_OWN_APPLICATION = gettext_lazy(
    "Это ваше собственное заявление: его рассматривает другой сотрудник ведомства."
)


def _agency_application(application: Application, officer) -> Application:
    """``application`` locked for update, when it belongs to ``officer``'s agency."""
    if officer is None or officer.agency_id != application.agency_id:
        raise NotFound()
    if application.applicant_id == officer.user_id:
        raise Forbidden(_OWN_APPLICATION, code="own_application")
    return Application.objects.select_related("service").select_for_update().get(pk=application.pk)


def _check_decides(officer) -> None:
    if officer.role not in DECIDING_ROLES:
        raise Forbidden(_("Ваша роль не позволяет работать с заявлениями."), code="role")


def _check_not_appealed(application: Application) -> None:
    """APP-9: an appealed application is decided by its appeal, on the appeal's page."""
    if application.status == Status.APPEALED:
        raise Conflict(
            _("На решение подана жалоба: решение принимается на странице жалобы."),
            code="appealed",
        )


@transaction.atomic
def take_into_work(*, application: Application, officer) -> Application:
    """OFF-2 «Взять в работу»: assign to ``officer`` and move to «В работе»."""
    _check_decides(officer)
    application = _agency_application(application, officer)
    _check_not_appealed(application)
    if application.status == Status.SUBMITTED:
        change_status(application, Status.ACCEPTED, actor=officer.user, by=AGENCY)
    change_status(application, Status.IN_PROGRESS, actor=officer.user, by=AGENCY)
    application.assigned_officer_id = officer.user_id
    application.save(update_fields=["assigned_officer_id"])
    audit.record("application.assigned", actor=officer.user, obj=application)
    return application


@transaction.atomic
def assign(*, application: Application, head, officer_id) -> Application:
    """OFF-2 «Назначить»: the head gives the application to an officer of the agency."""
    if head.role != "head":
        raise Forbidden(_("Назначать исполнителя может только руководитель."), code="role")
    application = _agency_application(application, head)
    from gosportal.catalog.models import Officer

    target = Officer.objects.filter(
        pk=officer_id,
        agency_id=head.agency_id,
        is_active=True,
        user__is_active=True,
        role__in=DECIDING_ROLES,
    ).first()
    if target is None:
        raise InvalidInput(_("Исполнитель: выберите сотрудника вашего ведомства."), field="officer")
    if target.user_id == application.applicant_id:
        raise InvalidInput(
            _("Исполнитель: сотрудник не может рассматривать собственное заявление."),
            field="officer",
        )
    if application.status not in (
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.RESUBMITTED,
        Status.IN_PROGRESS,
        Status.CLARIFICATION,
        Status.APPEALED,
    ):
        raise Conflict(_("По этому заявлению решение уже принято."), code="decided")
    application.assigned_officer_id = target.user_id
    application.save(update_fields=["assigned_officer_id"])
    audit.record(
        "application.assigned", actor=head.user, obj=application, details={"to": target.pk}
    )
    return application


@transaction.atomic
def request_clarification(*, application: Application, officer, comment: str, days) -> StatusChange:
    """OFF-3: ask the applicant to clarify within ``days`` working days."""
    _check_decides(officer)
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(_("Что уточнить: опишите, что нужно исправить."), field="comment")
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= CLARIFICATION_MAX_DAYS:
        raise InvalidInput(
            _("Срок ответа: укажите число рабочих дней от 1 до %(max)d.")
            % {"max": CLARIFICATION_MAX_DAYS},
            field="days",
        )
    application = _agency_application(application, officer)
    deadline = add_working_days(timezone.localdate(), days)
    text = _("%(comment)s\n\nОтветьте до %(date)s.") % {
        "comment": comment,
        "date": deadline.strftime("%d.%m.%Y"),
    }
    application.clarification_due = deadline  # the answer is due by the end of this day
    change = change_status(
        application, Status.CLARIFICATION, actor=officer.user, by=AGENCY, comment=text
    )
    application.save(update_fields=["clarification_due"])
    return change


def clarification_expired(application: Application, today=None) -> bool:
    """Whether the applicant let the clarification deadline pass without answering."""
    today = today or timezone.localdate()
    due = application.clarification_due
    return application.status == Status.CLARIFICATION and due is not None and due < today


def no_answer_reason(application: Application) -> str:
    """The prefilled reason of a refusal for a clarification not given in time (OFF-3)."""
    due = application.clarification_due
    return _(
        "Заявитель не представил уточнения в срок: ответ на запрос ведомства ожидался "
        "до %(date)s включительно."
    ) % {"date": due.strftime("%d.%m.%Y") if due else ""}


@transaction.atomic
def reject_for_no_answer(*, application: Application, officer) -> StatusChange:
    """OFF-3: refuse an application whose clarification deadline passed unanswered."""
    _check_decides(officer)
    application = _agency_application(application, officer)
    if application.status != Status.CLARIFICATION:
        raise Conflict(
            _("Заявление не ждёт уточнения: отказ за непредставление уточнений невозможен."),
            code="not_clarification",
        )
    if application.clarification_due is None:
        raise Conflict(
            _(
                "Срок ответа по этому запросу не записан: укажите причину отказа "
                "в форме «Отказать»."
            ),
            code="no_deadline",
        )
    if not clarification_expired(application):
        raise Conflict(
            _("Срок ответа заявителя ещё не истёк: он может ответить до %(date)s.")
            % {"date": application.clarification_due.strftime("%d.%m.%Y")},
            code="not_expired",
        )
    return reject(application=application, officer=officer, reason=no_answer_reason(application))


@transaction.atomic
def reject(*, application: Application, officer, reason: str) -> StatusChange:
    """OFF-3: refuse with a reason; the applicant is told how to appeal."""
    _check_decides(officer)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Причина отказа: укажите причину."), field="reason")
    application = _agency_application(application, officer)
    _check_not_appealed(application)
    text = f"{reason}\n\n{APPEAL_RIGHTS}"
    return change_status(application, Status.REJECTED, actor=officer.user, by=AGENCY, comment=text)


@transaction.atomic
def approve(*, application: Application, officer, comment: str = "") -> StatusChange:
    """OFF-3: approve; the desk issues the result document in the same transaction."""
    _check_decides(officer)
    application = _agency_application(application, officer)
    return change_status(
        application, Status.APPROVED, actor=officer.user, by=AGENCY, comment=comment.strip()
    )


# APP-4: what the agency does after approving.
READY_COMMENT_MAX = 2000


@transaction.atomic
def mark_ready(*, application: Application, officer, comment: str) -> StatusChange:
    """«Готово к выдаче»: the paper result waits for the applicant; ``comment`` says
    where and how to collect it (required)."""
    _check_decides(officer)
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(
            _("Где и как получить результат: укажите адрес, часы работы и что взять с собой."),
            field="comment",
        )
    if len(comment) > READY_COMMENT_MAX:
        raise InvalidInput(
            _("Где и как получить результат: не больше %(max)d символов.")
            % {"max": READY_COMMENT_MAX},
            field="comment",
        )
    application = _agency_application(application, officer)
    return change_status(application, Status.READY, actor=officer.user, by=AGENCY, comment=comment)


@transaction.atomic
def complete(*, application: Application, officer, comment: str = "") -> StatusChange:
    """«Завершено»: the result is delivered (from «Одобрено» or «Готово к выдаче»)."""
    _check_decides(officer)
    comment = (comment or "").strip()
    if len(comment) > READY_COMMENT_MAX:
        raise InvalidInput(
            _("Комментарий: не больше %(max)d символов.") % {"max": READY_COMMENT_MAX},
            field="comment",
        )
    application = _agency_application(application, officer)
    return change_status(
        application, Status.COMPLETED, actor=officer.user, by=AGENCY, comment=comment
    )

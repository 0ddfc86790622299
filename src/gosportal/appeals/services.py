"""Writers of appeals (APP-9): the applicant files, the agency takes and decides.

Filing is allowed on a refused application within 30 calendar days of the refusal (the
Moscow calendar: the day of the decision plus 30 days, the last one included). It
registers the appeal and moves the application to «Обжаловано». An appeal officer or
the head of the agency — never the officer who made the refusal — upholds it (the
application goes back to work, re-examined) or dismisses it (refused again, with the
appeal rights). A dismissed appeal may be repeated within 30 days of the dismissal
with at least one new evidence file (one whose content no earlier evidence had).
"""

import dataclasses
import datetime
import logging
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gosportal.appeals.events import AppealEvent
from gosportal.appeals.models import (
    VAULT_PURPOSE,
    Appeal,
    AppealEvidence,
    AppealStatus,
)
from gosportal.applications import services as applications
from gosportal.applications.models import Application, Status, StatusChange
from gosportal.core import audit, files, vault
from gosportal.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gosportal.core.events import Event, emit

logger = logging.getLogger(__name__)

APPEAL_DAYS = 30  # calendar days from the decision (seed: «Срок подачи апелляции»)
CALENDAR = ZoneInfo("Europe/Moscow")
REASON_MIN = 20
REASON_MAX = 5000
DECISION_MIN = 20
DECISION_MAX = 5000
MAX_FILES = 10
EVIDENCE_KINDS = files.ATTACHMENT_KINDS  # PDF, JPEG, PNG, DOC, DOCX
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# OFF-1: who reviews appeals; the ordinary officers decide applications only.
REVIEW_ROLES = frozenset({"appeal_officer", "head"})


# --- the applicant's side --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Window:
    """Whether the applicant may appeal the current refusal now, and until when."""

    open: bool
    last_day: datetime.date | None = None
    repeat: bool = False  # the refusal is a dismissed appeal: new evidence needed
    message: str = ""  # why not, when closed


def _calendar_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, CALENDAR).date()


def current_refusal(application: Application) -> StatusChange | None:
    """The status change that made the application «Отказано» now, if it is."""
    if application.status != Status.REJECTED:
        return None
    return (
        StatusChange.objects.filter(application=application, to_status=Status.REJECTED)
        .order_by("-at", "-id")
        .first()
    )


def window(application: Application) -> Window:
    """APP-9: may the applicant appeal the refusal today (Moscow calendar)?"""
    refusal = current_refusal(application)
    if refusal is None:
        return Window(open=False)
    decided = application.decided_at or refusal.at
    last_day = _calendar_date(decided) + datetime.timedelta(days=APPEAL_DAYS)
    repeat = Appeal.objects.filter(
        application=application, decision_change=refusal, status=AppealStatus.DISMISSED
    ).exists()
    if _calendar_date(timezone.now()) > last_day:
        return Window(
            open=False,
            last_day=last_day,
            repeat=repeat,
            message=_(
                "Срок обжалования истёк: жалобу можно было подать до %(date)s включительно "
                "(30 календарных дней со дня решения). Решение можно обжаловать в суде."
            )
            % {"date": last_day.strftime("%d.%m.%Y")},
        )
    return Window(open=True, last_day=last_day, repeat=repeat)


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            _("Причина несогласия: опишите, с чем в решении вы не согласны."), field="reason"
        )
    if len(reason) < REASON_MIN:
        raise InvalidInput(
            _("Причина несогласия: опишите подробнее — не меньше %(min)d символов.")
            % {"min": REASON_MIN},
            field="reason",
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            _("Причина несогласия: не больше %(max)d символов.") % {"max": REASON_MAX},
            field="reason",
        )
    return reason


def _check_files(uploads) -> list[files.CheckedFile]:
    uploads = [u for u in uploads or [] if u is not None]
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            _("Доказательства: можно приложить не больше %(max)d файлов.") % {"max": MAX_FILES},
            field="files",
        )
    checked = [
        files.check_upload(
            upload, allowed=EVIDENCE_KINDS, max_bytes=EVIDENCE_MAX_BYTES, field="files"
        )
        for upload in uploads
    ]
    seen = set()
    unique = []
    for item in checked:
        if item.sha256 not in seen:  # the same file chosen twice is kept once
            seen.add(item.sha256)
            unique.append(item)
    return unique


@transaction.atomic
def file_appeal(*, application: Application, actor, reason: str, uploads=()) -> Appeal:
    """Register the applicant's appeal against the current refusal (APP-9).

    Moves the application to «Обжаловано» with a comment the applicant sees; raises a
    ``DomainError`` naming the field (``reason``, ``files``) or the reason it is refused.
    """
    if application.applicant_id != getattr(actor, "pk", None):
        raise NotFound()
    application = (
        Application.objects.select_related("service").select_for_update().get(pk=application.pk)
    )
    if application.status == Status.APPEALED:
        raise Conflict(_("Жалоба на это решение уже подана и рассматривается."), code="appeal_open")
    if application.status != Status.REJECTED:
        raise Conflict(_("Обжаловать можно только решение об отказе."), code="not_refused")
    state = window(application)
    if not state.open:
        raise Conflict(state.message, code="appeal_expired")
    reason = check_reason(reason)
    checked = _check_files(uploads)
    if state.repeat:
        earlier = set(
            AppealEvidence.objects.filter(appeal__application=application).values_list(
                "sha256", flat=True
            )
        )
        if not any(item.sha256 not in earlier for item in checked):
            raise InvalidInput(
                _(
                    "Доказательства: повторную жалобу можно подать только с новыми "
                    "доказательствами — приложите хотя бы один документ, которого не было "
                    "в прежних жалобах."
                ),
                field="files",
            )
    refusal = current_refusal(application)
    sequence = (
        Appeal.objects.filter(application=application).aggregate(last=Max("sequence"))["last"] or 0
    ) + 1
    stored: list[str] = []
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                application=application,
                agency_id=application.agency_id,
                sequence=sequence,
                number=_number(application, sequence),
                refusal=refusal,
                reason=reason,
            )
            for item in checked:
                name = vault.store(item.content, purpose=VAULT_PURPOSE)
                stored.append(name)
                AppealEvidence.objects.create(
                    appeal=appeal,
                    vault_name=name,
                    name=item.name[:120],
                    kind=item.kind,
                    size=item.size,
                    sha256=item.sha256,
                )
    except IntegrityError:
        _forget(stored)
        raise Conflict(
            _("Жалоба на это решение уже подана и рассматривается."), code="appeal_open"
        ) from None
    except Exception:
        _forget(stored)
        raise
    applications.change_status(
        application,
        Status.APPEALED,
        actor=actor,
        by=applications.APPLICANT,
        comment=_(
            "Подана жалоба № %(number)s на решение об отказе. Ведомство рассмотрит её "
            "и сообщит о решении."
        )
        % {"number": appeal.number},
    )
    audit.record(
        "appeal.filed",
        actor=actor,
        acting_for=application.acting_for_id,
        obj=appeal,
        details={
            "application": application.number,
            "files": len(checked),
            "repeat": state.repeat,
        },
    )
    return appeal


def _number(application: Application, sequence: int) -> str:
    return f"{application.number}/Ж-{sequence}"


def _forget(names: list[str]) -> None:
    for name in names:
        vault.delete(name, purpose=VAULT_PURPOSE)


def read_evidence(evidence: AppealEvidence) -> bytes:
    return vault.read(evidence.vault_name, purpose=VAULT_PURPOSE)


# --- the agency's side (OFF-1) ---------------------------------------------------------


def may_review(officer) -> bool:
    """Whether ``officer`` (a catalog Officer or None) may review appeals."""
    return officer is not None and officer.role in REVIEW_ROLES


def _check_reviewer(officer) -> None:
    if not may_review(officer):
        raise Forbidden(
            _(
                "Рассматривать жалобы могут только специалист по обжалованию и "
                "руководитель ведомства."
            ),
            code="role",
        )


def _agency_appeal(appeal: Appeal, officer) -> Appeal:
    """``appeal`` locked for update, when it belongs to ``officer``'s agency."""
    if officer is None or officer.agency_id != appeal.agency_id:
        raise NotFound()
    return (
        Appeal.objects.select_related("application", "refusal")
        .select_for_update(of=("self",))
        .get(pk=appeal.pk)
    )


def conflicted_user_ids(appeal: Appeal) -> set[int]:
    """Who made the decisions this appeal is against (APP-9: independent review): the
    refusal appealed and the refusals of earlier appeals of the same application — and
    the applicant, who never reviews their own appeal."""
    deciders = set(
        StatusChange.objects.filter(
            pk__in=Appeal.objects.filter(
                application_id=appeal.application_id, sequence__lte=appeal.sequence
            ).values("refusal_id")
        )
        .exclude(actor_id=None)
        .values_list("actor_id", flat=True)
    )
    return deciders | {appeal.application.applicant_id}


def check_independent(appeal: Appeal, officer) -> None:
    if officer.user_id == appeal.application.applicant_id:
        raise Forbidden(
            _("Это жалоба на решение по вашему собственному заявлению: её рассмотрит коллега."),
            code="not_independent",
        )
    if officer.user_id in conflicted_user_ids(appeal):
        raise Forbidden(
            _(
                "Вы принимали обжалуемое решение и не можете рассматривать жалобу на него. "
                "Жалобу рассмотрит другой специалист по обжалованию или руководитель."
            ),
            code="not_independent",
        )


@transaction.atomic
def take_appeal(*, appeal: Appeal, officer) -> Appeal:
    """«Взять на рассмотрение»: the appeal is in review by ``officer``."""
    _check_reviewer(officer)
    appeal = _agency_appeal(appeal, officer)
    check_independent(appeal, officer)
    if appeal.status == AppealStatus.IN_REVIEW and appeal.assigned_to_id == officer.user_id:
        return appeal
    if appeal.status != AppealStatus.REGISTERED:
        raise Conflict(
            _("Жалобу уже рассматривает другой сотрудник или решение по ней принято."),
            code="taken",
        )
    appeal.status = AppealStatus.IN_REVIEW
    appeal.assigned_to_id = officer.user_id
    appeal.taken_at = timezone.now()
    appeal.save(update_fields=["status", "assigned_to_id", "taken_at"])
    audit.record("appeal.taken", actor=officer.user, obj=appeal)
    return appeal


UPHOLD = "uphold"
DISMISS = "dismiss"


def check_decision(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(
            _("Обоснование решения: изложите, почему жалоба удовлетворена или отклонена."),
            field="decision",
        )
    if len(text) < DECISION_MIN:
        raise InvalidInput(
            _("Обоснование решения: не меньше %(min)d символов.") % {"min": DECISION_MIN},
            field="decision",
        )
    if len(text) > DECISION_MAX:
        raise InvalidInput(
            _("Обоснование решения: не больше %(max)d символов.") % {"max": DECISION_MAX},
            field="decision",
        )
    return text


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@transaction.atomic
def decide_appeal(*, appeal: Appeal, officer, outcome: str, decision: str) -> Appeal:
    """Uphold (the application is examined again) or dismiss (refused again) an appeal.

    The applicant gets the decision in the application's history and a «status changed»
    notification that carries it (``applications.status_changed`` with the notice); the
    decision itself is the ``appeals.decided`` domain event.
    """
    _check_reviewer(officer)
    if outcome not in (UPHOLD, DISMISS):
        raise InvalidInput(_("Решение: выберите «Удовлетворить» или «Отклонить»."), field="outcome")
    decision = check_decision(decision)
    if officer.agency_id != appeal.agency_id:
        raise NotFound()
    # The application first, as filing does, then the appeal.
    application = (
        Application.objects.select_related("service")
        .select_for_update()
        .get(pk=appeal.application_id)
    )
    appeal = _agency_appeal(appeal, officer)
    check_independent(appeal, officer)
    if not appeal.is_open:
        raise Conflict(_("Решение по этой жалобе уже принято."), code="decided")
    if (
        appeal.status == AppealStatus.IN_REVIEW
        and appeal.assigned_to_id not in (None, officer.user_id)
        and officer.role != "head"
    ):
        raise Forbidden(
            _("Жалобу рассматривает другой сотрудник: решение принимает он или руководитель."),
            code="assigned_to_other",
        )
    if outcome == UPHOLD:
        comment = _(
            "Жалоба № %(number)s удовлетворена. Заявление рассматривается повторно.\n\n"
            "Решение по жалобе: %(decision)s"
        ) % {"number": appeal.number, "decision": decision}
        notice = _(
            "%(status)s — жалоба № %(number)s удовлетворена, заявление рассматривается "
            "повторно: %(decision)s"
        ) % {
            "status": Status.IN_PROGRESS.label,
            "number": appeal.number,
            "decision": _short(decision),
        }
        change = applications.change_status(
            application,
            Status.IN_PROGRESS,
            actor=officer.user,
            by=applications.AGENCY,
            comment=comment,
            notice=notice,
        )
        appeal.status = AppealStatus.UPHELD
    else:
        comment = _(
            "Жалоба № %(number)s отклонена. Решение об отказе оставлено в силе.\n\n"
            "Решение по жалобе: %(decision)s\n\n%(rights)s\n\n"
            "В течение 30 дней можно подать повторную жалобу с новыми доказательствами."
        ) % {
            "number": appeal.number,
            "decision": decision,
            "rights": applications.APPEAL_RIGHTS,
        }
        notice = _("%(status)s — жалоба № %(number)s отклонена: %(decision)s") % {
            "status": Status.REJECTED.label,
            "number": appeal.number,
            "decision": _short(decision),
        }
        change = applications.change_status(
            application,
            Status.REJECTED,
            actor=officer.user,
            by=applications.AGENCY,
            comment=comment,
            notice=notice,
        )
        appeal.status = AppealStatus.DISMISSED
    appeal.decision = decision
    appeal.decided_at = change.at
    appeal.decided_by_id = officer.user_id
    appeal.decision_change = change
    if appeal.assigned_to_id is None:
        appeal.assigned_to_id = officer.user_id
        appeal.taken_at = change.at
    appeal.save(
        update_fields=[
            "status",
            "decision",
            "decided_at",
            "decided_by_id",
            "decision_change",
            "assigned_to_id",
            "taken_at",
        ]
    )
    audit.record(
        "appeal.decided",
        actor=officer.user,
        obj=appeal,
        details={"outcome": outcome, "application": application.number},
    )
    emit(
        Event(
            AppealEvent.DECIDED,
            {
                "appeal_id": appeal.pk,
                "number": appeal.number,
                "application_id": application.pk,
                "applicant_id": application.applicant_id,
                "agency_id": appeal.agency_id,
                "outcome": outcome,
                "to_status": application.status,
            },
        )
    )
    return appeal

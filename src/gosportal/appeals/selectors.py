"""Reads of appeals (APP-9); each takes the applicant or the agency, so ownership and the
agency boundary are applied here: another's appeal or file is «not found»."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from gosportal.appeals.models import OPEN_STATUSES, Appeal, AppealEvidence
from gosportal.applications.models import Application
from gosportal.core.errors import NotFound

QUEUE_PAGE_SIZE = 50
QUEUE_FILTERS = ("open", "decided", "all")


def appeals_of(application: Application) -> list[Appeal]:
    """The appeals of an application the caller already owns, with their files."""
    return list(
        Appeal.objects.filter(application=application)
        .prefetch_related("evidence")
        .order_by("sequence")
    )


def evidence_for(user, application: Application, evidence_id) -> AppealEvidence:
    found = (
        AppealEvidence.objects.select_related("appeal")
        .filter(
            pk=evidence_id,
            appeal__application=application,
            appeal__application__applicant=user,
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def agency_queue(agency, *, show: str = "open") -> QuerySet[Appeal]:
    """The agency's appeals (never another agency's): open ones oldest first, then the
    decided ones newest first."""
    rows = Appeal.objects.filter(agency=agency).select_related("application__service")
    if show == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif show == "decided":
        rows = rows.exclude(status__in=OPEN_STATUSES)
    if show == "open":
        return rows.order_by("created_at", "id")
    if show == "decided":
        return rows.order_by("-decided_at", "-id")
    return rows.annotate(
        open_first=Case(
            When(status__in=OPEN_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("open_first", "created_at", "id")


def agency_appeal(agency, appeal_id) -> Appeal:
    """One appeal of ``agency`` with its application; another agency's is «not found»."""
    found = (
        Appeal.objects.select_related(
            "application__service", "application__applicant", "refusal", "decision_change"
        )
        .filter(agency=agency, pk=appeal_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def agency_evidence(agency, appeal: Appeal, evidence_id) -> AppealEvidence:
    found = AppealEvidence.objects.filter(
        pk=evidence_id, appeal=appeal, appeal__agency=agency
    ).first()
    if found is None:
        raise NotFound()
    return found


def open_appeal_of(application: Application) -> Appeal | None:
    return (
        Appeal.objects.filter(application=application, status__in=OPEN_STATUSES)
        .only("pk", "number", "status")
        .first()
    )

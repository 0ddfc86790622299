"""Reads of applications; every one takes the acting user, so ownership is applied here."""

import base64
import datetime
import json
import uuid

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from gosportal.applications.models import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    Application,
    ApplicationTemplate,
    Attachment,
    Status,
)
from gosportal.core.errors import NotFound

PAGE_SIZE = 20
TABS = ("active", "finished", "drafts")
SORTS = {
    # name: ordering columns as (field, descending)
    "new": (("sort_at", True), ("id", True)),
    "old": (("sort_at", False), ("id", False)),
    # lifecycle order (Status order), then newest first
    "status": (("status_rank", False), ("sort_at", True), ("id", True)),
}


def application_for(user, ref: str) -> Application:
    """The user's application by number or draft id; another's is «not found» (SEC)."""
    mine = Application.objects.select_related("service", "agency").filter(applicant=user)
    try:
        key = Q(public_id=uuid.UUID(str(ref)))
    except ValueError:
        key = Q(number=str(ref).upper()[:40])
    found = mine.filter(key).first()
    if found is None:
        raise NotFound()
    return found


def attachment_for(user, application: Application, attachment_id) -> Attachment:
    found = Attachment.objects.filter(
        pk=attachment_id, application=application, application__applicant=user
    ).first()
    if found is None:
        raise NotFound()
    return found


def applications_for(
    user,
    *,
    tab: str = "active",
    service_id: int | None = None,
    status: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    query: str = "",
) -> QuerySet[Application]:
    """«Мои заявления» (APP-5): one tab of the user's applications, filtered."""
    rows = Application.objects.filter(applicant=user)
    if tab == "drafts":
        rows = rows.filter(status=Status.DRAFT)
        date_field = "updated_at"
    else:
        statuses = FINISHED_STATUSES if tab == "finished" else ACTIVE_STATUSES
        rows = rows.filter(status__in=statuses)
        date_field = "submitted_at"
    if status:
        rows = rows.filter(status=status)
    if service_id:
        rows = rows.filter(service_id=service_id)
    if date_from:
        rows = rows.filter(**{f"{date_field}__date__gte": date_from})
    if date_to:
        rows = rows.filter(**{f"{date_field}__date__lte": date_to})
    query = (query or "").strip()
    if query:
        rows = rows.filter(Q(number=query.upper()) | Q(service__title__icontains=query))
    rank = Case(
        *[When(status=value, then=Value(i)) for i, value in enumerate(Status.values)],
        default=Value(len(Status.values)),
        output_field=IntegerField(),
    )
    return rows.annotate(sort_at=F(date_field), status_rank=rank).select_related(
        "service", "agency"
    )


def encode_cursor(row: Application, sort: str) -> str:
    values = []
    for field, _desc in SORTS[sort]:
        value = getattr(row, field)
        values.append(value.isoformat() if isinstance(value, datetime.datetime) else value)
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> list | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        return None
    columns = SORTS[sort]
    if not isinstance(values, list) or len(values) != len(columns):
        return None
    parsed = []
    for (field, _desc), value in zip(columns, values, strict=True):
        try:
            if field == "sort_at":
                value = datetime.datetime.fromisoformat(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                pass
            else:
                return None
        except (ValueError, TypeError):
            return None
        parsed.append(value)
    return parsed


def page_of(rows: QuerySet[Application], *, sort: str = "new", after: str = ""):
    """One keyset page (no OFFSET) and the cursor of the next one, or ''."""
    columns = SORTS.get(sort, SORTS["new"])
    ordering = [f"-{field}" if desc else field for field, desc in columns]
    rows = rows.order_by(*ordering)
    values = _decode_cursor(after, sort) if after else None
    if values is not None:
        condition = Q()
        for i, (field, desc) in enumerate(columns):
            same = Q(**{columns[j][0]: values[j] for j in range(i)})
            beyond = Q(**{f"{field}__{'lt' if desc else 'gt'}": values[i]})
            condition |= same & beyond
        rows = rows.filter(condition)
    page = list(rows[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return page, (encode_cursor(page[-1], sort) if more and page else "")


def services_applied_for(user):
    """(id, title) of the services the user has applications for, for the filter."""
    from gosportal.catalog.models import Service

    return list(
        Service.objects.filter(applications__applicant=user)
        .distinct()
        .order_by("title")
        .values_list("id", "title")
    )


def visible_changes(application: Application):
    return application.changes.filter(visible_to_applicant=True).order_by("at", "id")


def templates_for(user, *, service=None) -> list[ApplicationTemplate]:
    """The user's application templates (APP-10), for one service or all."""
    rows = ApplicationTemplate.objects.filter(user=user).select_related("service")
    if service is not None:
        rows = rows.filter(service=service)
    return list(rows.order_by("name", "id"))


# --- the agency side (OFF-1, OFF-2) --------------------------------------------------------

AGENCY_PAGE_SIZE = 50


def agency_queue(
    agency,
    *,
    officer_user_id: int | None = None,
    status: str | None = None,
    service_id: int | None = None,
    assigned: str = "",
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Application]:
    """The applications of one agency past draft (never another agency's), nearest
    deadline first. ``assigned`` is "me" (``officer_user_id``'s), "none" or "" (all)."""
    rows = (
        Application.objects.filter(agency=agency)
        .exclude(status=Status.DRAFT)
        .select_related("service")
    )
    if status:
        rows = rows.filter(status=status)
    if service_id:
        rows = rows.filter(service_id=service_id)
    if assigned == "me":
        rows = rows.filter(assigned_officer_id=officer_user_id)
    elif assigned == "none":
        rows = rows.filter(assigned_officer_id__isnull=True)
    if overdue:
        rows = rows.filter(status__in=ACTIVE_STATUSES, due_date__lt=today)
    return rows.order_by(F("due_date").asc(nulls_last=True), "id")


def agency_services(agency):
    """(id, title) of the services an agency has applications for, for the filter."""
    return list(
        Application.objects.filter(agency=agency)
        .exclude(status=Status.DRAFT)
        .values_list("service_id", "service__title")
        .distinct()
        .order_by("service__title")
    )


def agency_application(agency, number: str) -> Application:
    """One application of ``agency`` by its number; another agency's is «not found»."""
    found = (
        Application.objects.select_related("service", "agency", "applicant")
        .filter(agency=agency, number=str(number).upper()[:40])
        .exclude(status=Status.DRAFT)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def agency_attachment(agency, application: Application, attachment_id) -> Attachment:
    found = Attachment.objects.filter(
        pk=attachment_id, application=application, application__agency=agency
    ).first()
    if found is None:
        raise NotFound()
    return found

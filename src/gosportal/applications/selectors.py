"""Reads of applications; every one takes the acting user, so ownership is applied here."""

import base64
import dataclasses
import datetime
import json
import re
import uuid

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from gosportal.accounts.models import User
from gosportal.applications.models import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    Application,
    ApplicationTemplate,
    Attachment,
    Status,
)
from gosportal.catalog.models import Officer
from gosportal.core.calendar import current as current_calendar
from gosportal.core.calendar import working_days_between
from gosportal.core.db import read_replica
from gosportal.core.errors import NotFound
from gosportal.core.validators import format_snils
from gosportal.profiles.selectors import full_name

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


@read_replica()
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
        # The plain bound on the first column lets the index scan start at the cursor.
        first, desc = columns[0]
        rows = rows.filter(condition, **{f"{first}__{'lte' if desc else 'gte'}": values[0]})
    page = list(rows[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return page, (encode_cursor(page[-1], sort) if more and page else "")


@read_replica()
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


def responsible_officer(application: Application) -> str:
    """APP-6: the assigned officer as the applicant sees them — name and position —
    while they still serve the application's agency; empty otherwise."""
    if application.assigned_officer_id is None:
        return ""
    officer = (
        Officer.objects.filter(
            user_id=application.assigned_officer_id,
            agency_id=application.agency_id,
            is_active=True,
        )
        .select_related("user")
        .first()
    )
    if officer is None:
        return ""
    name = full_name(officer.user)
    return f"{name}, {officer.position}" if officer.position else name


def clarification_deadline(application, today: datetime.date, *, calendar=None) -> dict | None:
    """OFF-3: the open clarification's deadline as pages show it, or None.

    ``days_left`` counts working days after today up to the deadline (0 on the last
    day); ``expired`` once the last day has passed without an answer.
    """
    due = getattr(application, "clarification_due", None)
    if application.status != Status.CLARIFICATION or due is None:
        return None
    if due < today:
        return {"due": due, "expired": True, "last_day": False, "days_left": None}
    return {
        "due": due,
        "expired": False,
        "last_day": due == today,
        "days_left": working_days_between(today, due, calendar=calendar),
    }


def staff_names(user_ids) -> dict[int, str]:
    """The shown names of these accounts (officers, applicants), in one query."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return {}
    return {
        user.pk: str(user)
        for user in User.objects.filter(pk__in=ids).only("pk", "display_name", "phone", "email")
    }


def deadline(application, today: datetime.date, *, calendar=None) -> dict:
    """Working days left to the due date; «overdue» once it has passed (OFF-2); the open
    clarification's deadline, if any (OFF-3)."""
    clarification = clarification_deadline(application, today, calendar=calendar)
    if application.due_date is None or application.status not in ACTIVE_STATUSES:
        return {"overdue": False, "days_left": None, "clarification": clarification}
    if application.due_date < today:
        return {"overdue": True, "days_left": None, "clarification": clarification}
    return {
        "overdue": False,
        "days_left": working_days_between(today, application.due_date, calendar=calendar),
        "clarification": clarification,
    }


def queue_rows(applications, today: datetime.date) -> list[dict]:
    """OFF-2: a page of the queue as shown — each application with its assignee's name and
    its deadlines, from one read of the calendar and one query for the names."""
    applications = list(applications)
    names = staff_names(a.assigned_officer_id for a in applications)
    calendar = current_calendar()
    return [
        {
            "application": application,
            "assignee": names.get(application.assigned_officer_id, ""),
            **deadline(application, today, calendar=calendar),
        }
        for application in applications
    ]


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
    clarification_expired: bool = False,
) -> QuerySet[Application]:
    """The applications of one agency past draft (never another agency's), nearest
    deadline first. ``assigned`` is "me" (``officer_user_id``'s), "none" or "" (all);
    ``clarification_expired`` keeps those whose applicant let the answer's deadline pass."""
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
    if clarification_expired:
        rows = rows.filter(status=Status.CLARIFICATION, clarification_due__lt=today)
    return rows.order_by(F("due_date").asc(nulls_last=True), "id")


# A queue position: «<due date>.<id>», or «-.<id>» for a row without a due date.
_QUEUE_CURSOR = re.compile(r"(\d{4}-\d{2}-\d{2}|-)\.(\d{1,18})", re.ASCII)


@dataclasses.dataclass
class QueuePage:
    rows: list
    previous: str = ""  # cursor for ``before=``: the page above exists
    next: str = ""  # cursor for ``after=``: the page below exists
    cursor_refused: bool = False  # a cursor was given but is not one: the first page


def queue_cursor(application: Application) -> str:
    due = application.due_date.isoformat() if application.due_date else "-"
    return f"{due}.{application.pk}"


def _queue_position(cursor: str):
    found = _QUEUE_CURSOR.fullmatch(cursor)
    if not found:
        return None
    due, pk = found.groups()
    try:
        return (None if due == "-" else datetime.date.fromisoformat(due)), int(pk)
    except ValueError:
        return None


def _queue_segments(rows, position, *, backward: bool):
    """The queue as its dated rows then its undated ones (nulls last), each ordered so an
    index on the due date serves it, beyond ``position`` in the reading direction."""
    dated = rows.filter(due_date__isnull=False)
    undated = rows.filter(due_date__isnull=True)
    if backward:
        dated, undated = dated.order_by("-due_date", "-id"), undated.order_by("-id")
        due, pk = position
        if due is None:
            return [undated.filter(id__lt=pk), dated]
        # The plain bound (due_date <= …) is what the index scan starts from.
        return [dated.filter(Q(due_date__lt=due) | Q(id__lt=pk), due_date__lte=due)]
    dated, undated = dated.order_by("due_date", "id"), undated.order_by("id")
    if position is None:
        return [dated, undated]
    due, pk = position
    if due is None:
        return [undated.filter(id__gt=pk)]
    return [dated.filter(Q(due_date__gt=due) | Q(id__gt=pk), due_date__gte=due), undated]


def _queue_read(rows, position, *, backward: bool, limit: int) -> list:
    found = []
    for segment in _queue_segments(rows, position, backward=backward):
        found += list(segment[: limit - len(found)])
        if len(found) >= limit:
            break
    return found


@read_replica()
def queue_page(
    rows: QuerySet[Application], *, after: str = "", before: str = "", size: int = AGENCY_PAGE_SIZE
) -> QueuePage:
    """One keyset page of ``agency_queue(...)`` after or before a row's cursor (no OFFSET:
    a page deep in the queue costs what the first does). At most three queries; a cursor
    that is not one, or leads nowhere any more, gives the first page."""
    cursor = before or after
    position = _queue_position(cursor) if cursor else None
    refused = bool(cursor) and position is None
    found = []
    if before and position is not None:
        found = _queue_read(rows, position, backward=True, limit=size + 1)
        if len(found) > size:
            page = found[:size][::-1]
            return QueuePage(page, previous=queue_cursor(page[0]), next=queue_cursor(page[-1]))
        position = None  # nothing above the page before: that is the first page
    elif position is not None:
        found = _queue_read(rows, position, backward=False, limit=size + 1)
        if not found:
            position = None  # past the end (rows left the queue): back to the start
    if position is None:
        found = list(rows.order_by(F("due_date").asc(nulls_last=True), "id")[: size + 1])
    page = found[:size]
    return QueuePage(
        page,
        previous=queue_cursor(page[0]) if page and position is not None else "",
        next=queue_cursor(page[-1]) if len(found) > size else "",
        cursor_refused=refused,
    )


@read_replica()
def agency_services(agency):
    """(id, title) of the agency's services it has applications for, for the filter.

    Starts from the agency's own services (an application takes its service's agency), so
    it costs one index probe per service instead of a pass over the whole queue (bench/).
    """
    from gosportal.catalog.models import Service

    received = Application.objects.filter(service=OuterRef("pk"), agency=agency).exclude(
        status=Status.DRAFT
    )
    return list(
        Service.objects.filter(agency=agency)
        .filter(Exists(received))
        .order_by("title")
        .values_list("id", "title")
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


def labelled_answers(definition: dict, answers: dict) -> list[dict]:
    """The answers grouped by section with the definition's labels, as the applicant's
    card and the agency's page show them (APP-6, OFF-3)."""
    sections = []
    for section in definition.get("sections", []):
        rows = []
        for spec in section.get("fields", []):
            if spec["type"] == "file" or spec["key"] not in answers:
                continue
            value = answers[spec["key"]]
            if spec["type"] == "checkbox":
                value = _("да") if value else _("нет")
            elif spec.get("options"):
                value = {o["value"]: o["label"] for o in spec["options"]}.get(value, value)
            elif spec["type"] == "snils" and isinstance(value, str) and len(value) == 11:
                value = format_snils(value)
            elif spec["type"] == "date" and isinstance(value, str) and len(value) == 10:
                value = f"{value[8:10]}.{value[5:7]}.{value[0:4]}"
            rows.append({"label": spec["label"], "value": value})
        if rows:
            sections.append({"title": section["title"], "rows": rows})
    return sections

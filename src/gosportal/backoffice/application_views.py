"""The agency's application desk (OFF-1 … OFF-3): the work queue of one agency with
deadlines in working days, an application's page for the officer and the decisions.

Every active officer of an agency may open the desk and sees only that agency's
applications; another agency's number is simply not found (SEC-3). Deciding needs the
officer, head or appeal-officer role; assigning someone else needs the head's.
"""

import functools
import urllib.parse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts.models import User
from gosportal.accounts.reauth import reauth_required
from gosportal.applications import selectors, services
from gosportal.applications.models import ACTIVE_STATUSES, Status
from gosportal.applications.views import _labelled
from gosportal.backoffice.application_forms import (
    AssignForm,
    ClarificationForm,
    QueueFilterForm,
    RejectForm,
)
from gosportal.catalog.models import Officer
from gosportal.catalog.selectors import officer_of
from gosportal.core.calendar import working_days_between
from gosportal.core.errors import DomainError, NotFound, add_to_form
from gosportal.core.files import KINDS
from gosportal.documents.demo import DEMO_INN, DEMO_ISSUER_CODE, DEMO_ISSUER_NAME, DEMO_OGRN
from gosportal.documents.services import issue_document
from gosportal.signatures.selectors import current_certificate
from gosportal.signatures.services import create_signing_certificate

PAGE_SIZE = selectors.AGENCY_PAGE_SIZE
RESULT_TEMPLATE = "documents/pdf/letter.html"


def agency_officer_required(view):
    """Signed in and an active officer of an active agency (any role), else 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        officer = officer_of(request.user)
        if officer is None:
            raise PermissionDenied
        request.officer = officer
        return view(request, *args, **kwargs)

    return wrapped


def _ours(request, number: str):
    try:
        return selectors.agency_application(request.officer.agency, number)
    except NotFound as error:
        raise Http404 from error


def _names(user_ids) -> dict[int, str]:
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return {}
    return {
        user.pk: str(user)
        for user in User.objects.filter(pk__in=ids).only("pk", "display_name", "phone", "email")
    }


def _deadline(application, today) -> dict:
    """Working days left to the due date; «overdue» once it has passed (OFF-2)."""
    if application.due_date is None or application.status not in ACTIVE_STATUSES:
        return {"overdue": False, "days_left": None}
    if application.due_date < today:
        return {"overdue": True, "days_left": None}
    return {"overdue": False, "days_left": working_days_between(today, application.due_date)}


@require_GET
@agency_officer_required
def queue_view(request):
    """OFF-2: the agency's queue, nearest deadline first, with filters and a pager."""
    agency = request.officer.agency
    form = QueueFilterForm(request.GET or None, services=selectors.agency_services(agency))
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    rows = selectors.agency_queue(
        agency,
        officer_user_id=request.user.pk,
        status=filters.get("status") or None,
        service_id=filters.get("service"),
        assigned=filters.get("assigned") or "",
        overdue=bool(filters.get("overdue")),
        today=today,
    )
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    shown = found[:PAGE_SIZE]
    names = _names(a.assigned_officer_id for a in shown)
    query = {k: v for k, v in request.GET.items() if k != "page" and v}

    def page_url(number):
        return f"{request.path}?{urlencode({**query, 'page': number})}"

    context = {
        "agency": agency,
        "form": form,
        "rows": [
            {
                "application": application,
                "assignee": names.get(application.assigned_officer_id, ""),
                **_deadline(application, today),
            }
            for application in shown
        ],
        "next_url": page_url(page + 1) if len(found) > PAGE_SIZE else "",
        "previous_url": page_url(page - 1) if page > 1 else "",
    }
    return render(request, "backoffice/applications.html", context)


def _colleagues(officer):
    return (
        Officer.objects.filter(
            agency_id=officer.agency_id,
            is_active=True,
            user__is_active=True,
            role__in=services.DECIDING_ROLES,
        )
        .select_related("user")
        .order_by("staff_number", "pk")
    )


def _detail(request, application, *, status=200, **forms):
    officer = request.officer
    changes = list(application.changes.all().order_by("at", "id"))
    names = _names([c.actor_id for c in changes] + [application.assigned_officer_id])
    versions = list(application.versions.all())
    shown = versions[0] if versions else None
    may_decide = officer.role in services.DECIDING_ROLES
    context = {
        "agency": officer.agency,
        "officer": officer,
        "application": application,
        "sections": _labelled(shown.definition, shown.answers) if shown else [],
        "attachments": list(application.attachments.all()),
        "changes": [{"change": c, "actor": names.get(c.actor_id, "")} for c in changes],
        "assignee": names.get(application.assigned_officer_id, ""),
        **_deadline(application, timezone.localdate()),
        "may_decide": may_decide,
        "may_assign": officer.role == "head" and application.is_active,
        "may_take": may_decide
        and application.status
        in (Status.SUBMITTED, Status.ACCEPTED, Status.RESUBMITTED, Status.APPEALED),
        "may_clarify": may_decide and application.status == Status.IN_PROGRESS,
        "may_approve": may_decide and application.status == Status.IN_PROGRESS,
        "may_reject": may_decide
        and services.TRANSITIONS.get((application.status, Status.REJECTED)) == services.AGENCY,
        "clarify_form": forms.get("clarify_form") or ClarificationForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "assign_form": forms.get("assign_form") or AssignForm(officers=_colleagues(officer)),
        "appeal_rights": services.APPEAL_RIGHTS,
    }
    return render(request, "backoffice/application_detail.html", context, status=status)


@require_GET
@agency_officer_required
def detail_view(request, number: str):
    """OFF-3: the applicant's data, files, the whole timeline and the actions."""
    return _detail(request, _ours(request, number))


def _done(request, application, message: str):
    messages.success(request, message)
    return redirect("backoffice:application", number=application.number)


def _refused(request, application, error: DomainError):
    messages.error(request, str(error))
    return redirect("backoffice:application", number=application.number)


@require_POST
@agency_officer_required
def take_view(request, number: str):
    application = _ours(request, number)
    try:
        services.take_into_work(application=application, officer=request.officer)
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("Заявление взято в работу."))


@require_POST
@agency_officer_required
def assign_view(request, number: str):
    application = _ours(request, number)
    if request.officer.role != "head":
        raise PermissionDenied
    form = AssignForm(request.POST, officers=_colleagues(request.officer))
    if form.is_valid():
        try:
            services.assign(
                application=application,
                head=request.officer,
                officer_id=form.cleaned_data["officer"],
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return _done(request, application, _("Исполнитель назначен."))
    return _detail(request, application, status=400, assign_form=form)


@require_POST
@agency_officer_required
def clarify_view(request, number: str):
    application = _ours(request, number)
    if request.officer.role not in services.DECIDING_ROLES:
        raise PermissionDenied
    form = ClarificationForm(request.POST)
    if form.is_valid():
        try:
            services.request_clarification(
                application=application,
                officer=request.officer,
                comment=form.cleaned_data["comment"],
                days=form.cleaned_data["days"],
            )
        except DomainError as error:
            if error.field is None:
                return _refused(request, application, error)
            add_to_form(form, error)
        else:
            return _done(request, application, _("Запрос уточнения отправлен заявителю."))
    return _detail(request, application, status=400, clarify_form=form)


@require_http_methods(["GET", "POST"])
@agency_officer_required
@reauth_required
def reject_view(request, number: str):
    application = _ours(request, number)
    if request.method == "GET":  # back from the re-authentication page: decide again
        return redirect("backoffice:application", number=application.number)
    if request.officer.role not in services.DECIDING_ROLES:
        raise PermissionDenied
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.reject(
                application=application,
                officer=request.officer,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            if error.field is None:
                return _refused(request, application, error)
            add_to_form(form, error)
        else:
            return _done(request, application, _("Отказ направлен заявителю."))
    return _detail(request, application, status=400, reject_form=form)


def signing_certificate(agency):
    """The agency's own signing certificate, else the portal's demo one (created once).

    Agencies have no certificates of their own yet, so results are signed by the demo
    portal's certificate; the document names its issuer, so nobody is misled.
    """
    return (
        current_certificate(f"agency-{agency.slug}")
        or current_certificate(DEMO_ISSUER_CODE)
        or create_signing_certificate(
            issuer_code=DEMO_ISSUER_CODE,
            issuer_name=DEMO_ISSUER_NAME,
            inn=DEMO_INN,
            ogrn=DEMO_OGRN,
        )
    )


@require_http_methods(["GET", "POST"])
@agency_officer_required
@reauth_required
def approve_view(request, number: str):
    """OFF-3: approve and issue the signed result document to the applicant."""
    application = _ours(request, number)
    if request.method == "GET":
        return redirect("backoffice:application", number=application.number)
    if request.officer.role not in services.DECIDING_ROLES:
        raise PermissionDenied
    try:
        with transaction.atomic():
            services.approve(application=application, officer=request.officer)
            document = issue_document(
                owner=application.applicant,
                title=_("Решение по заявлению %(number)s") % {"number": application.number},
                template_name=RESULT_TEMPLATE,
                context={
                    "recipient": application.applicant.display_name,
                    "paragraphs": [
                        _("Заявление %(number)s на услугу «%(service)s» одобрено.")
                        % {"number": application.number, "service": application.service.title},
                    ],
                    "facts": [
                        (_("Ведомство"), application.agency.full_name),
                        (_("Номер заявления"), application.number),
                    ],
                },
                certificate=signing_certificate(application.agency),
                actor=request.user,
            )
    except DomainError as error:
        return _refused(request, application, error)
    return _done(
        request,
        application,
        _("Заявление одобрено, заявителю выдан документ № %(number)s.")
        % {"number": document.number},
    )


@require_GET
@agency_officer_required
def attachment_view(request, number: str, attachment_id: int):
    """One of the applicant's files, for the agency's officers only, never cached."""
    application = _ours(request, number)
    try:
        attachment = selectors.agency_attachment(request.officer.agency, application, attachment_id)
    except NotFound:
        raise Http404 from None
    content = services.read_attachment(attachment)
    response = HttpResponse(content, content_type=KINDS[attachment.kind].mime_type)
    quoted = urllib.parse.quote(attachment.name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quoted}"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

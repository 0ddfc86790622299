"""The agency's application desk (OFF-1 … OFF-3): the work queue of one agency with
deadlines in working days, an application's page for the officer and the decisions.

Every active officer of an agency may open the desk and sees only that agency's
applications; another agency's number is simply not found (SEC-3). Deciding needs the
officer, head or appeal-officer role; assigning someone else needs the head's.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts.reauth import reauth_required
from gosportal.applications import selectors, services
from gosportal.applications.models import Status
from gosportal.backoffice.application_forms import (
    ApproveForm,
    AssignForm,
    ClarificationForm,
    CompleteForm,
    QueueFilterForm,
    ReadyForm,
    RejectForm,
)
from gosportal.backoffice.results import approve_with_result
from gosportal.catalog.models import Officer
from gosportal.catalog.selectors import officer_of
from gosportal.core import audit
from gosportal.core.errors import DomainError, NotFound, add_to_form
from gosportal.core.files import private_download
from gosportal.signatures.agencies import agency_certificate

PAGE_SIZE = selectors.AGENCY_PAGE_SIZE


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


# The appeal desk shows staff names the same way.
staff_names = selectors.staff_names


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
        clarification_expired=bool(filters.get("clarification_expired")),
        today=today,
    )
    # Keyset pages (no OFFSET): the cursor is a row's position, the filters ride along.
    page = selectors.queue_page(
        rows,
        after=request.GET.get("after", "")[:40],
        before=request.GET.get("before", "")[:40],
        size=PAGE_SIZE,
    )
    query = {name: request.GET[name] for name in form.fields if request.GET.get(name)}

    def page_url(**cursor):
        return f"{request.path}?{urlencode({**query, **cursor})}"

    context = {
        "agency": agency,
        "form": form,
        "rows": selectors.queue_rows(page.rows, today),
        "next_url": page_url(after=page.next) if page.next else "",
        "previous_url": page_url(before=page.previous) if page.previous else "",
        "first_url": page_url() if page.previous else "",
        "cursor_refused": page.cursor_refused,
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


def _reject_initial(application) -> dict:
    if services.clarification_expired(application):
        return {"reason": services.no_answer_reason(application)}
    return {}


def _detail(request, application, *, status=200, **forms):
    officer = request.officer
    changes = list(application.changes.all().order_by("at", "id"))
    names = staff_names([c.actor_id for c in changes] + [application.assigned_officer_id])
    versions = list(application.versions.all())
    shown = versions[0] if versions else None
    own = application.applicant_id == officer.user_id  # decided by a colleague only
    may_decide = officer.role in services.DECIDING_ROLES and not own
    context = {
        "own_application": own,
        "agency": officer.agency,
        "officer": officer,
        "application": application,
        "sections": selectors.labelled_answers(shown.definition, shown.answers) if shown else [],
        "attachments": list(application.attachments.all()),
        "changes": [{"change": c, "actor": names.get(c.actor_id, "")} for c in changes],
        "assignee": names.get(application.assigned_officer_id, ""),
        **selectors.deadline(application, timezone.localdate()),
        "may_decide": may_decide,
        "may_assign": officer.role == "head" and application.is_active and not own,
        "may_take": may_decide
        and application.status in (Status.SUBMITTED, Status.ACCEPTED, Status.RESUBMITTED),
        "may_clarify": may_decide and application.status == Status.IN_PROGRESS,
        "may_approve": may_decide and application.status == Status.IN_PROGRESS,
        "may_reject": may_decide
        and application.status != Status.APPEALED  # APP-9: decided on the appeal's page
        and services.TRANSITIONS.get((application.status, Status.REJECTED)) == services.AGENCY,
        "clarify_form": forms.get("clarify_form") or ClarificationForm(),
        "reject_form": forms.get("reject_form") or RejectForm(initial=_reject_initial(application)),
        # OFF-3: refuse in one step once the applicant let the answer's deadline pass.
        "may_reject_no_answer": may_decide and services.clarification_expired(application),
        "no_answer_reason": _reject_initial(application).get("reason", ""),
        "assign_form": forms.get("assign_form") or AssignForm(officers=_colleagues(officer)),
        # OFF-3: approving signs with the agency's own certificate; APP-4: after approval.
        "has_certificate": may_decide
        and application.status == Status.IN_PROGRESS
        and agency_certificate(officer.agency) is not None,
        "may_ready": may_decide and application.status == Status.APPROVED,
        "may_complete": may_decide and application.status in (Status.APPROVED, Status.READY),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "ready_form": forms.get("ready_form") or ReadyForm(),
        "complete_form": forms.get("complete_form") or CompleteForm(),
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


def _form_step(request, number: str, *, form_class, act, form_name: str):
    """One officer's action with a form (OFF-3, APP-4): the role check, the form, the
    service call ``act(application, officer, cleaned_data)`` returning the success
    message, refusals as a message on the page or on the form's field. A GET comes
    back from the re-authentication page and shows the application again."""
    application = _ours(request, number)
    if request.method == "GET":
        return redirect("backoffice:application", number=application.number)
    if request.officer.role not in services.DECIDING_ROLES:
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            done = act(application, request.officer, form.cleaned_data)
        except DomainError as error:
            if error.field is None:
                return _refused(request, application, error)
            add_to_form(form, error)
        else:
            return _done(request, application, done)
    return _detail(request, application, status=400, **{form_name: form})


@require_POST
@agency_officer_required
def clarify_view(request, number: str):
    """OFF-3 «Запросить уточнение»: what is missing and the working days to answer."""

    def act(application, officer, data):
        services.request_clarification(
            application=application, officer=officer, comment=data["comment"], days=data["days"]
        )
        return _("Запрос уточнения отправлен заявителю.")

    return _form_step(
        request, number, form_class=ClarificationForm, act=act, form_name="clarify_form"
    )


@require_http_methods(["GET", "POST"])
@agency_officer_required
@reauth_required
def reject_view(request, number: str):
    """OFF-3 «Отказать»: the reason, with the appeal rights added for the applicant."""

    def act(application, officer, data):
        services.reject(application=application, officer=officer, reason=data["reason"])
        return _("Отказ направлен заявителю.")

    return _form_step(request, number, form_class=RejectForm, act=act, form_name="reject_form")


@require_http_methods(["GET", "POST"])
@agency_officer_required
@reauth_required
def reject_no_answer_view(request, number: str):
    """OFF-3: refuse, with the prefilled reason, when no clarification came in time."""
    application = _ours(request, number)
    if request.method == "GET":  # back from the re-authentication page: decide again
        return redirect("backoffice:application", number=application.number)
    if request.officer.role not in services.DECIDING_ROLES:
        raise PermissionDenied
    try:
        services.reject_for_no_answer(application=application, officer=request.officer)
    except DomainError as error:
        return _refused(request, application, error)
    return _done(request, application, _("Отказ направлен заявителю."))


@require_http_methods(["GET", "POST"])
@agency_officer_required
@reauth_required
def approve_view(request, number: str):
    """OFF-3: approve and issue the signed result document to the applicant."""

    def act(application, officer, data):
        document = approve_with_result(
            application=application, officer=officer, comment=data["comment"]
        )
        return _("Заявление одобрено, заявителю выдан документ № %(number)s.") % {
            "number": document.number
        }

    return _form_step(request, number, form_class=ApproveForm, act=act, form_name="approve_form")


@require_http_methods(["GET", "POST"])
@agency_officer_required
@reauth_required
def ready_view(request, number: str):
    """APP-4 «Готово к выдаче»: the paper result waits; the applicant learns where."""

    def act(application, officer, data):
        services.mark_ready(application=application, officer=officer, comment=data["comment"])
        return _("Заявителю сообщено, что результат готов к выдаче.")

    return _form_step(request, number, form_class=ReadyForm, act=act, form_name="ready_form")


@require_http_methods(["GET", "POST"])
@agency_officer_required
@reauth_required
def complete_view(request, number: str):
    """APP-4 «Завершить»: the result is delivered; the application is finished."""

    def act(application, officer, data):
        services.complete(application=application, officer=officer, comment=data["comment"])
        return _("Заявление завершено.")

    return _form_step(request, number, form_class=CompleteForm, act=act, form_name="complete_form")


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
    # SEC-4: staff reading a person's documents leaves a trace.
    audit.record(
        "application.attachment_viewed",
        actor=request.user,
        obj=application,
        details={"attachment": attachment.pk},
    )
    return private_download(content, name=attachment.name, kind=attachment.kind)

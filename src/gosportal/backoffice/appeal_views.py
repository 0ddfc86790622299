"""The agency's appeal desk (APP-9, OFF-1): the queue of appeals against the agency's
refusals and an appeal's page with the decision.

Only the agency's appeal officers and its head may open it (others: 403); another
agency's appeal is simply not found (404). The officer who made the refusal cannot
take or decide the appeal against it; deciding needs a fresh re-authentication.
"""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts.reauth import reauth_required
from gosportal.appeals import selectors, services
from gosportal.appeals.forms import DecisionForm
from gosportal.appeals.models import AppealStatus
from gosportal.appeals.views import file_response
from gosportal.applications.models import Status
from gosportal.backoffice.application_views import agency_officer_required, staff_names
from gosportal.catalog.models import Officer
from gosportal.core import audit
from gosportal.core.errors import DomainError, NotFound, add_to_form

PAGE_SIZE = selectors.QUEUE_PAGE_SIZE
MAX_PAGE = 10_000  # appeals are few; deeper pages are empty anyway
SHOW_CHOICES = (
    ("open", gettext_lazy("Ожидают решения")),
    ("decided", gettext_lazy("Рассмотренные")),
    ("all", gettext_lazy("Все")),
)


def appeal_reviewer_required(view):
    """An active officer of the agency with the appeal-officer or head role, else 403."""

    @functools.wraps(view)
    @agency_officer_required
    def wrapped(request, *args, **kwargs):
        if not services.may_review(request.officer):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _ours(request, appeal_id: int):
    try:
        return selectors.agency_appeal(request.officer.agency, appeal_id)
    except NotFound as error:
        raise Http404 from error


@require_GET
@appeal_reviewer_required
def queue_view(request):
    """The agency's appeals: those awaiting a decision first, oldest first."""
    agency = request.officer.agency
    show = request.GET.get("show", "open")
    if show not in selectors.QUEUE_FILTERS:
        show = "open"
    try:  # bounded: a huge number would overflow the database's OFFSET
        page = min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    found = list(selectors.agency_queue(agency, show=show)[start : start + PAGE_SIZE + 1])
    shown = found[:PAGE_SIZE]
    names = staff_names(a.assigned_to_id for a in shown)

    def page_url(number):
        return f"{request.path}?{urlencode({'show': show, 'page': number})}"

    tabs = [
        (key, label, f"{request.path}?{urlencode({'show': key})}") for key, label in SHOW_CHOICES
    ]
    return render(
        request,
        "backoffice/appeals.html",
        {
            "agency": agency,
            "show": show,
            "tabs": tabs,
            "rows": [{"appeal": a, "assignee": names.get(a.assigned_to_id, "")} for a in shown],
            "next_url": page_url(page + 1) if len(found) > PAGE_SIZE else "",
            "previous_url": page_url(page - 1) if page > 1 else "",
        },
    )


def _detail(request, appeal, *, status=200, decision_form=None):
    officer = request.officer
    application = appeal.application
    changes = list(application.changes.all().order_by("at", "id"))
    names = staff_names(
        [c.actor_id for c in changes]
        + [appeal.refusal.actor_id, appeal.assigned_to_id, appeal.decided_by_id]
    )
    refuser = (
        Officer.objects.filter(user_id=appeal.refusal.actor_id).only("position").first()
        if appeal.refusal.actor_id
        else None
    )
    conflicted = officer.user_id in services.conflicted_user_ids(appeal)
    assigned_to_other = appeal.assigned_to_id not in (None, officer.user_id)
    may_decide = (
        appeal.is_open and not conflicted and (not assigned_to_other or officer.role == "head")
    )
    context = {
        "agency": officer.agency,
        "appeal": appeal,
        "application": application,
        "evidence": list(appeal.evidence.all()),
        "changes": [{"change": c, "actor": names.get(c.actor_id, "")} for c in changes],
        "refuser": names.get(appeal.refusal.actor_id, ""),
        "refuser_position": refuser.position if refuser else "",
        "assignee": names.get(appeal.assigned_to_id, ""),
        "decided_by": names.get(appeal.decided_by_id, ""),
        "conflicted": conflicted and appeal.is_open,
        "own_appeal": application.applicant_id == officer.user_id,
        "may_take": appeal.status == AppealStatus.REGISTERED and not conflicted,
        "may_decide": may_decide,
        "decision_form": decision_form or DecisionForm(),
        "appealed": application.status == Status.APPEALED,
    }
    return render(request, "backoffice/appeal_detail.html", context, status=status)


@require_GET
@appeal_reviewer_required
def detail_view(request, appeal_id: int):
    """The appeal: the application, its history, the refusal and who made it, the reason,
    the evidence and the decision."""
    return _detail(request, _ours(request, appeal_id))


def _back(request, appeal, *, success: str = "", error: DomainError | None = None):
    if error is not None:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("backoffice:appeal", appeal_id=appeal.pk)


@require_POST
@appeal_reviewer_required
def take_view(request, appeal_id: int):
    appeal = _ours(request, appeal_id)
    try:
        services.take_appeal(appeal=appeal, officer=request.officer)
    except DomainError as error:
        return _back(request, appeal, error=error)
    return _back(request, appeal, success=_("Жалоба взята на рассмотрение."))


@require_http_methods(["GET", "POST"])
@appeal_reviewer_required
@reauth_required
def decide_view(request, appeal_id: int):
    """Uphold or dismiss with a reasoned decision; a critical action (re-authentication)."""
    appeal = _ours(request, appeal_id)
    if request.method == "GET":  # back from the re-authentication page: decide again
        return redirect("backoffice:appeal", appeal_id=appeal.pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decided = services.decide_appeal(
                appeal=appeal,
                officer=request.officer,
                outcome=form.cleaned_data["outcome"],
                decision=form.cleaned_data["decision"],
            )
        except DomainError as error:
            if error.field is None:
                return _back(request, appeal, error=error)
            add_to_form(form, error)
        else:
            if decided.status == AppealStatus.UPHELD:
                text = _("Жалоба удовлетворена: заявление возвращено на повторное рассмотрение.")
            else:
                text = _("Жалоба отклонена: отказ оставлен в силе, заявитель уведомлён.")
            return _back(request, appeal, success=text)
    return _detail(request, appeal, status=400, decision_form=form)


@require_GET
@appeal_reviewer_required
def evidence_view(request, appeal_id: int, evidence_id: int):
    """One evidence file, for the agency's reviewers only, never cached."""
    appeal = _ours(request, appeal_id)
    try:
        evidence = selectors.agency_evidence(request.officer.agency, appeal, evidence_id)
    except NotFound:
        raise Http404 from None
    audit.record(  # SEC-4: staff reading a person's documents leaves a trace
        "appeal.evidence_viewed", actor=request.user, obj=appeal, details={"evidence": evidence.pk}
    )
    return file_response(evidence)

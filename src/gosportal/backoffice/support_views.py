"""Support desk (PROF-3): the queue of birth date and sex change requests, a request's
card with the current and the requested value and the supporting document, and the
decision. Only operators with ``profiles.review_data_change`` get in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.core.errors import DomainError, Forbidden, NotFound, add_to_form
from gosportal.profiles import data_requests, selectors
from gosportal.profiles.forms import DecisionForm
from gosportal.profiles.models import DataChangeRequest


def _reviewer_only(request) -> None:
    if not request.user.has_perm(data_requests.PERMISSION):
        raise PermissionDenied


def _request_or_404(request, request_id: int) -> DataChangeRequest:
    try:
        return data_requests.request_for_review(operator=request.user, request_id=request_id)
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied from exc


@login_required
@require_GET
def queue_view(request):
    _reviewer_only(request)
    status = request.GET.get("status") or DataChangeRequest.Status.PENDING
    if status not in DataChangeRequest.Status.values:
        status = DataChangeRequest.Status.PENDING
    rows = [
        {
            "request": item,
            "value": data_requests.shown_value(item.field, item.new_value),
        }
        for item in selectors.data_request_queue(status=status)[:200]
    ]
    context = {"rows": rows, "status": status, "statuses": DataChangeRequest.Status.choices}
    return render(request, "backoffice/data_requests.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def detail_view(request, request_id: int):
    _reviewer_only(request)
    item = _request_or_404(request, request_id)
    form = DecisionForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                data_requests.approve_data_change_request(operator=request.user, request_id=item.pk)
                messages.success(request, _("Заявка одобрена, данные изменены."))
            else:
                data_requests.reject_data_change_request(
                    operator=request.user, request_id=item.pk, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Заявка отклонена."))
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect("backoffice:data_requests")
    context = {
        "item": item,
        "form": form,
        "current": data_requests.shown_value(
            item.field, data_requests.current_value(item.user, item.field)
        ),
        "requested": data_requests.shown_value(item.field, item.new_value),
        "own": item.user_id == request.user.pk,
        "is_pdf": item.document_kind == "pdf",
    }
    return render(request, "backoffice/data_request_detail.html", context)


@login_required
@require_GET
def document_view(request, request_id: int):
    _reviewer_only(request)
    try:
        content, mime_type, filename = data_requests.request_document(
            operator=request.user, request_id=request_id
        )
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied from exc
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type=mime_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

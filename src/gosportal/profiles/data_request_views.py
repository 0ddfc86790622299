"""Pages of the birth date and sex change requests (PROF-3): the person's list, a new
request with a supporting document, withdrawal of a pending one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.core.errors import DomainError, NotFound, add_to_form
from gosportal.profiles import data_requests, selectors
from gosportal.profiles.forms import DataChangeRequestForm
from gosportal.profiles.models import DataChangeRequest


@login_required
@require_GET
def requests_view(request):
    rows = [
        {
            "request": item,
            "value": data_requests.shown_value(item.field, item.new_value),
            "tone": {
                DataChangeRequest.Status.PENDING: "info",
                DataChangeRequest.Status.APPROVED: "success",
                DataChangeRequest.Status.REJECTED: "danger",
            }.get(item.status, "neutral"),
        }
        for item in selectors.data_requests_of(request.user)
    ]
    return render(request, "profiles/data_requests.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def new_request_view(request):
    field = request.GET.get("field") or request.POST.get("field") or ""
    if field not in DataChangeRequest.Field.values:
        raise Http404
    try:
        data_requests.check_can_request(request.user, field)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("profiles:data_requests")
    form = DataChangeRequestForm(
        data=request.POST or None, files=request.FILES or None, field=field
    )
    if request.method == "POST" and form.is_valid():
        try:
            data_requests.submit_data_change_request(
                user=request.user,
                field=field,
                value=form.new_value(),
                reason=form.cleaned_data["reason"],
                upload=form.cleaned_data["document"],
            )
        except DomainError as error:
            if error.field == "new_value":
                error.field = "new_birth_date" if field == "birth_date" else "new_sex"
            add_to_form(form, error)
        else:
            messages.success(
                request, _("Заявка отправлена. О решении мы сообщим по телефону или почте.")
            )
            return redirect("profiles:data_requests")
    context = {
        "form": form,
        "field": field,
        "field_label": DataChangeRequest.Field(field).label,
        "current": data_requests.shown_value(
            field, data_requests.current_value(request.user, field)
        ),
    }
    return render(request, "profiles/data_request_form.html", context)


@login_required
@require_POST
def cancel_view(request, request_id: int):
    try:
        data_requests.cancel_data_change_request(user=request.user, request_id=request_id)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Заявка отозвана."))
    return redirect("profiles:data_requests")

"""Operator desks. Service centre (OFF-4): the operator types or scans a person's code,
sees only what that code unlocks and confirms or refuses the identity."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gosportal.backoffice.forms import CONFIRM, CodeForm, DecisionForm
from gosportal.core.errors import DomainError, RateLimited, add_to_form
from gosportal.identity import service_centre


def _operator_only(request) -> None:
    if not request.user.has_perm(service_centre.PERMISSION):
        raise PermissionDenied


def _person_page(request, confirmation, form):
    context = {"person": service_centre.person_card(confirmation), "form": form}
    return render(request, "backoffice/service_centre_person.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_centre_view(request):
    _operator_only(request)
    form = CodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            confirmation = service_centre.look_up_code(operator=request.user, code=code)
        except RateLimited:
            raise
        except DomainError as error:
            add_to_form(form, error)
        else:
            decision = DecisionForm(initial={"code": service_centre.format_code(code)})
            return _person_page(request, confirmation, decision)
    return render(request, "backoffice/service_centre.html", {"form": form})


@login_required
@require_POST
def service_centre_decide_view(request):
    _operator_only(request)
    form = DecisionForm(data=request.POST)
    if not form.is_valid() and form.has_error("code"):
        messages.error(request, str(service_centre.CodeNotValid.default_message))
        return redirect("backoffice:service_centre")
    try:
        if not form.is_valid():
            # The code is still shown only while valid: look it up again to redraw the card.
            confirmation = service_centre.look_up_code(
                operator=request.user, code=form.cleaned_data["code"]
            )
            return _person_page(request, confirmation, form)
        code = form.cleaned_data["code"]
        if form.cleaned_data["decision"] == CONFIRM:
            service_centre.confirm_in_service_centre(operator=request.user, code=code)
            messages.success(request, _("Личность подтверждена. Заявитель получит уведомление."))
        else:
            service_centre.reject_in_service_centre(
                operator=request.user, code=code, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("В подтверждении отказано. Заявитель получит уведомление."))
    except RateLimited:
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("backoffice:service_centre")

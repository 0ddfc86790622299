"""Remote-check desk (REG-3): the queue of remote identity checks sent for review, a
request's card with the typed data, the OCR pre-check and both pictures, and the
decision. Only operators with ``identity.review_remote_check`` get in; nobody reviews
their own request."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.core.errors import Conflict, DomainError, Forbidden, NotFound, add_to_form
from gosportal.identity import remote
from gosportal.identity.service_centre import person_card

CONFIRM = "confirm"
REJECT = "reject"
QUEUE_LIMIT = 200


class RemoteDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(CONFIRM, gettext_lazy("Подтвердить")), (REJECT, gettext_lazy("Отказать"))],
        error_messages={
            "required": gettext_lazy("Выберите решение."),
            "invalid_choice": gettext_lazy("Выберите решение."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Причина отказа"),
        required=False,
        max_length=remote.REASON_MAX,
        help_text=gettext_lazy(
            "Обязательна при отказе, от 5 до 300 символов. Её увидит заявитель."
        ),
        error_messages={"max_length": gettext_lazy("Причина отказа — не больше 300 символов.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == REJECT and not self.has_error("reason"):
            try:
                data["reason"] = remote.check_reason(data.get("reason"))
            except DomainError as error:
                add_to_form(self, error)
        return data


def _operator_only(request) -> None:
    if not request.user.has_perm(remote.PERMISSION):
        raise PermissionDenied


@login_required
@require_GET
def queue_view(request):
    _operator_only(request)
    rows = list(remote.review_queue(request.user)[:QUEUE_LIMIT])
    return render(request, "backoffice/remote_checks.html", {"rows": rows})


def _open(request, check_id: int):
    try:
        return remote.open_for_review(operator=request.user, check_id=check_id)
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied from exc
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def detail_view(request, check_id: int):
    _operator_only(request)
    form = RemoteDecisionForm(data=request.POST or None)
    check = _open(request, check_id)
    if check is None:
        return redirect("backoffice:remote_checks")
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == CONFIRM:
                remote.confirm_remote_check(operator=request.user, check_id=check.pk)
                messages.success(
                    request, _("Личность подтверждена. Заявитель получит уведомление.")
                )
            else:
                remote.reject_remote_check(
                    operator=request.user, check_id=check.pk, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("В подтверждении отказано. Заявитель получит уведомление.")
                )
        except Conflict as error:
            messages.error(request, str(error.message))
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect("backoffice:remote_checks")
        if not form.errors:
            return redirect("backoffice:remote_checks")
    context = {
        "check": check,
        "person": person_card(check.confirmation),
        "mismatches": remote.mismatches_of(check),
        "form": form,
    }
    response = render(
        request, "backoffice/remote_check.html", context, status=400 if form.errors else 200
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def image_view(request, check_id: int, which: str):
    _operator_only(request)
    try:
        content, content_type = remote.image_for_review(
            operator=request.user, check_id=check_id, which=which
        )
    except (NotFound, Conflict) as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied from exc
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response

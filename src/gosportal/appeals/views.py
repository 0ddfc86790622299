"""The applicant's appeal pages (APP-9), under ``/applications/<number>/appeal/``.

Filing is a critical action: the form page and its submission need a fresh
re-authentication (AUTH-7), and submissions are rate-limited per account. Another
person's number is a 404. The appeals themselves are shown on the application's card
by the ``appeals_card`` template tag.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.accounts.reauth import kept_input, reauth_required
from gosportal.appeals import selectors, services
from gosportal.appeals.forms import AppealForm
from gosportal.applications import selectors as application_selectors
from gosportal.applications.models import Status
from gosportal.core.errors import DomainError, NotFound, add_to_form
from gosportal.core.files import private_download
from gosportal.core.ratelimit import ratelimit


def _mine(request, ref: str):
    try:
        return application_selectors.application_for(request.user, ref)
    except NotFound:
        raise Http404 from None


def _closed_message(application, state) -> str:
    if application.status == Status.APPEALED:
        return _("Жалоба на это решение уже подана и рассматривается.")
    if application.status != Status.REJECTED:
        return _("Обжаловать можно только решение об отказе.")
    return state.message


@reauth_required(keep_input=True)  # the reason may take longer than the window
@require_http_methods(["GET", "POST"])
@ratelimit(group="appeal-file", rate="10/h")
def new_view(request, ref: str):
    """«Обжаловать решение»: the reason and the evidence files (APP-9)."""
    application = _mine(request, ref)
    state = services.window(application)
    if not state.open:
        messages.error(request, _closed_message(application, state))
        return redirect("applications:detail", ref=application.ref)
    form = AppealForm(request.POST or None, request.FILES or None)
    status = 200
    kept = kept_input(request) if request.method == "GET" else None
    if kept is not None:  # typed before the re-authentication: not lost
        data, had_files = kept
        form = AppealForm(initial={"reason": data.get("reason", "")})
        if had_files:
            messages.warning(request, _("Текст жалобы сохранён. Приложите файлы ещё раз."))
    if request.method == "POST":
        if form.is_valid():
            try:
                appeal = services.file_appeal(
                    application=application,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    uploads=form.cleaned_data["files"],
                )
            except DomainError as error:
                add_to_form(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _(
                        "Жалоба № %(number)s зарегистрирована. Ведомство рассмотрит её "
                        "и сообщит о решении."
                    )
                    % {"number": appeal.number},
                )
                return redirect("applications:detail", ref=application.ref)
        else:
            status = 400
    refusal = services.current_refusal(application)
    return render(
        request,
        "appeals/new.html",
        {
            "application": application,
            "window": state,
            "refusal": refusal,
            "form": form,
            "max_files": services.MAX_FILES,
        },
        status=status,
    )


@login_required
@require_GET
def evidence_view(request, ref: str, evidence_id: int):
    """One evidence file of the person's own appeal, never cached."""
    application = _mine(request, ref)
    try:
        evidence = selectors.evidence_for(request.user, application, evidence_id)
    except NotFound:
        raise Http404 from None
    return file_response(evidence)


def file_response(evidence) -> HttpResponse:
    return private_download(
        services.read_evidence(evidence), name=evidence.name, kind=evidence.kind
    )

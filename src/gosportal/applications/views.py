"""Pages of the citizen's applications (APP-1 … APP-8): start, fill, submit, list, card.

Every page works without JavaScript; ``static/js/applications.js`` adds the autosave
and the upload progress. Ownership is applied by the selectors: another person's
application is a 404.
"""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.accounts.levels import LevelTooLow, next_step
from gosportal.accounts.models import User
from gosportal.accounts.reauth import reauth_required
from gosportal.applications import cancellation, forms, selectors, services
from gosportal.applications.list_forms import ListFilterForm
from gosportal.applications.models import Status
from gosportal.catalog.models import Service
from gosportal.core.errors import DomainError, NotFound
from gosportal.core.files import private_download
from gosportal.organizations.selectors import acting_organization

CSV_MAX_ROWS = 10_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _mine(request, ref: str):
    try:
        return selectors.application_for(request.user, ref)
    except NotFound:
        raise Http404 from None


def _service(slug: str) -> Service:
    return get_object_or_404(Service, slug=slug, is_published=True)


def _level_page(request, error: LevelTooLow):
    return render(
        request,
        "accounts/level_required.html",
        {
            "needed": User.Level(error.needed).label,
            "current": User.Level(error.current).label,
            "step": next_step(request.user),
        },
        status=403,
    )


@login_required
@require_http_methods(["GET", "POST"])
def start_view(request, slug: str):
    """«Получить услугу»: reopen the draft, or confirm the terms and start one (APP-1)."""
    service = _service(slug)
    organization = acting_organization(request)
    try:
        services.check_may_apply(user=request.user, service=service, organization=organization)
    except LevelTooLow as error:
        return _level_page(request, error)
    except DomainError as error:
        return render(
            request, "applications/start.html", {"service": service, "error": error}, status=403
        )
    templates = selectors.templates_for(request.user, service=service)
    draft = service.applications.filter(applicant=request.user, status=Status.DRAFT).first()
    if request.method == "POST" and request.POST.get("template"):
        template = next((t for t in templates if str(t.pk) == request.POST["template"][:20]), None)
        if template is None:
            raise Http404
        try:
            draft = services.start_from_template(
                user=request.user, template=template, organization=organization
            )
        except DomainError as refused:
            messages.error(request, str(refused))
            return redirect("applications:start", slug=service.slug)
        return redirect("applications:edit", ref=draft.ref)
    if draft is None and request.method == "POST":
        draft = services.start_draft(user=request.user, service=service, organization=organization)
    if draft is not None and not (request.method == "GET" and templates):
        return redirect("applications:edit", ref=draft.ref)
    return render(
        request,
        "applications/start.html",
        {"service": service, "organization": organization, "templates": templates, "draft": draft},
    )


@login_required
@require_http_methods(["GET", "POST"])
def templates_view(request):
    """The person's templates (APP-10): which service each is for, delete."""
    if request.method == "POST":
        try:
            services.delete_template(
                user=request.user, template_id=request.POST.get("delete", "")[:20]
            )
        except (DomainError, ValueError):
            raise Http404 from None
        messages.success(request, _("Шаблон удалён."))
        return redirect("applications:templates")
    return render(
        request,
        "applications/templates.html",
        {"templates": selectors.templates_for(request.user)},
    )


def _clarification(application, changes=None) -> dict | None:
    """OFF-3, APP-6: the open clarification request — what the agency asked, by when."""
    clarification = selectors.clarification_deadline(application, timezone.localdate())
    if clarification is not None:
        if changes is None:
            changes = selectors.visible_changes(application).filter(to_status=Status.CLARIFICATION)
        asked = [c for c in changes if c.to_status == Status.CLARIFICATION]
        clarification["request"] = asked[-1].comment if asked else ""
    return clarification


def _edit_context(application, form):
    titles = services.document_titles(application)
    links = forms.file_fields(application.service.form_definition)
    by_document = {title: [] for title in titles}
    for attachment in application.attachments.all():
        by_document.setdefault(attachment.document, []).append(attachment)
    documents = [
        {
            "index": i,
            "spec": spec,
            "files": by_document.get(spec["title"], []),
            "inline": spec["title"] in links.values(),
        }
        for i, spec in enumerate(application.service.required_documents or [])
    ]
    return {
        "application": application,
        "service": application.service,
        "form": form,
        "documents": documents,
        "file_documents": {
            key: next(d for d in documents if d["spec"]["title"] == title)
            for key, title in links.items()
            if title in by_document
        },
        "is_draft": application.status == Status.DRAFT,
        "clarification": _clarification(application),
    }


def _upload(request, application, index: str) -> None:
    titles = services.document_titles(application)
    try:
        title = titles[int(index)]
    except (ValueError, IndexError):
        raise DomainError(_("Такого документа нет в списке для этой услуги.")) from None
    uploads = request.FILES.getlist(f"files_{index}")
    if not uploads:
        raise DomainError(_("Выберите файл для документа «%(title)s».") % {"title": title})
    for upload in uploads:
        services.add_attachment(application=application, document=title, upload=upload)


def _upload_chosen(request, application) -> None:
    for index, title in enumerate(services.document_titles(application)):
        for upload in request.FILES.getlist(f"files_{index}"):
            services.add_attachment(application=application, document=title, upload=upload)


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request, ref: str):
    """Fill in the form (APP-1), attach files (APP-2), submit (APP-3) or resubmit (APP-7)."""
    application = _mine(request, ref)
    try:
        services.check_editable(application)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("applications:detail", ref=application.ref)
    if request.method == "GET":
        form = forms.form_for(application, user=request.user)
        return render(
            request,
            "applications/edit.html",
            _edit_context(application, form),
        )
    definition = application.service.form_definition
    raw = forms.raw_input(definition, request.POST)
    action = request.POST.get("action", "save")
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    services.save_draft(application=application, raw=raw)
    if action == "autosave":
        return JsonResponse({"saved_at": timezone.localtime().strftime("%H:%M:%S")})
    error = None
    try:
        if action.startswith("upload:"):
            _upload(request, application, action.partition(":")[2])
        elif action.startswith("delete:"):
            services.delete_attachment(
                application=application, attachment_id=action.partition(":")[2][:20]
            )
    except DomainError as refused:
        error = refused
    if action.startswith(("upload:", "delete:")):
        if wants_json:
            status = 400 if error else 200
            return JsonResponse({"error": str(error) if error else ""}, status=status)
        if error is None:
            messages.success(request, _("Файлы сохранены в заявлении."))
            return redirect(
                reverse("applications:edit", kwargs={"ref": application.ref}) + "#documents"
            )
        form = forms.form_for(application, user=request.user, raw=raw)
        context = _edit_context(application, form)
        context["upload_error"] = error
        return render(request, "applications/edit.html", context, status=400)
    if action == "template":
        try:
            services.save_template(
                user=request.user, application=application, name=request.POST.get("name", "")
            )
        except DomainError as refused:
            form = forms.form_for(application, user=request.user, raw=raw)
            context = _edit_context(application, form)
            context["template_error"] = refused
            context["template_name"] = request.POST.get("name", "")[:100]
            return render(request, "applications/edit.html", context, status=400)
        messages.success(request, _("Шаблон сохранён. Он появится при следующем заявлении."))
        return redirect("applications:edit", ref=application.ref)
    if action in ("submit", "save") and request.FILES:
        try:  # files chosen without pressing «Загрузить» go with the form (APP-2, APP-6)
            _upload_chosen(request, application)
        except DomainError as refused:
            form = forms.form_for(application, user=request.user, raw=raw)
            context = _edit_context(application, form)
            context["upload_error"] = refused
            return render(request, "applications/edit.html", context, status=400)
    if action != "submit":
        messages.success(request, _("Черновик сохранён."))
        return redirect("applications:edit", ref=application.ref)
    form, answers = forms.check_complete(application, user=request.user, raw=raw)
    if answers is None:
        return render(
            request,
            "applications/edit.html",
            _edit_context(application, form),
            status=400,
        )
    try:
        if application.status == Status.DRAFT:
            services.submit(application=application, answers=answers, actor=request.user)
        else:
            services.resubmit(
                application=application,
                answers=answers,
                actor=request.user,
                comment=request.POST.get("clarification_answer", "")
                if application.status == Status.CLARIFICATION
                else "",
            )
    except DomainError as refused:
        if refused.field == "clarification_answer":  # the answer stays in the textarea
            context = _edit_context(application, form)
            context["answer_error"] = refused
            return render(request, "applications/edit.html", context, status=400)
        messages.error(request, str(refused))
        return redirect("applications:detail", ref=application.ref)
    application.refresh_from_db()
    return redirect("applications:submitted", ref=application.ref)


@login_required
@require_GET
def submitted_view(request, ref: str):
    """The confirmation with the registration number (APP-3)."""
    application = _mine(request, ref)
    if application.status == Status.DRAFT:
        return redirect("applications:edit", ref=application.ref)
    return render(request, "applications/submitted.html", {"application": application})


def _list_params(request):
    form = ListFilterForm(request.GET, user=request.user)
    form.is_valid()
    data = form.cleaned_data
    tab = data.get("tab") or "active"
    sort = data.get("sort") or "new"
    rows = selectors.applications_for(
        request.user,
        tab=tab,
        service_id=data.get("service") or None,
        status=data.get("status") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        query=data.get("q") or "",
    )
    return form, tab, sort, rows


@login_required
@require_GET
def list_view(request):
    """«Мои заявления» (APP-5): tabs, filters, search, sort, keyset pages."""
    form, tab, sort, rows = _list_params(request)
    page, next_cursor = selectors.page_of(rows, sort=sort, after=request.GET.get("after", ""))
    params = {k: v for k, v in request.GET.items() if k in form.fields and v}
    params["tab"] = tab

    def tab_url(name):
        return "?" + urlencode({**{k: v for k, v in params.items() if k != "status"}, "tab": name})

    return render(
        request,
        "applications/list.html",
        {
            "form": form,
            "tab": tab,
            "tabs": [
                ("active", _("Активные"), tab_url("active")),
                ("finished", _("Завершённые"), tab_url("finished")),
                ("drafts", _("Черновики"), tab_url("drafts")),
            ],
            "applications": page,
            "today": timezone.localdate(),
            "next_url": "?" + urlencode({**params, "after": next_cursor}) if next_cursor else "",
            "first_url": "?" + urlencode(params) if request.GET.get("after") else "",
            "csv_url": reverse("applications:export") + "?" + urlencode(params),
        },
    )


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@login_required
@require_GET
def export_view(request):
    """The filtered list as CSV (APP-5); cells never start a spreadsheet formula."""
    _form, _tab, sort, rows = _list_params(request)
    columns = selectors.SORTS.get(sort, selectors.SORTS["new"])
    rows = rows.order_by(*[f"-{f}" if desc else f for f, desc in columns])[:CSV_MAX_ROWS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [_("Номер"), _("Услуга"), _("Ведомство"), _("Дата подачи"), _("Статус"), _("Срок")]
    )
    for row in rows:
        submitted = (
            timezone.localtime(row.submitted_at).strftime("%d.%m.%Y") if row.submitted_at else ""
        )
        due = row.due_date.strftime("%d.%m.%Y") if row.due_date else ""
        writer.writerow(
            [
                _csv_cell(cell)
                for cell in (
                    row.number,
                    row.service.title,
                    row.agency.short_name,
                    submitted,
                    row.get_status_display(),
                    due,
                )
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applications.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def detail_view(request, ref: str):
    """The application card (APP-6): status, timeline, data, files, versions, actions."""
    application = _mine(request, ref)
    if application.status == Status.DRAFT:
        return redirect("applications:edit", ref=application.ref)
    versions = list(application.versions.all())
    shown = versions[0] if versions else None
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        shown = next((v for v in versions if v.number == int(wanted)), shown)
    can_change = application.status in services.BEFORE_WORK and application.work_started_at is None
    cancelling = cancellation.decide(application)  # APP-8: shown before the person clicks
    deadline = services.restore_deadline(application)
    organization_name = ""
    if application.acting_for_id:
        from gosportal.organizations.models import Organization

        organization = Organization.objects.filter(pk=application.acting_for_id).first()
        organization_name = organization.full_name if organization else ""
    changes = list(selectors.visible_changes(application))
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "responsible": selectors.responsible_officer(application),
            "changes": changes,
            "clarification": _clarification(application, changes),
            "versions": versions,
            "shown": shown,
            "shown_sections": selectors.labelled_answers(shown.definition, shown.answers)
            if shown
            else [],
            "attachments": list(application.attachments.all()),
            "overdue": bool(
                application.due_date
                and application.is_active
                and application.due_date < timezone.localdate()
            ),
            "can_edit": can_change or application.status == Status.CLARIFICATION,
            "can_cancel": cancelling.allowed,
            "cancelling": cancelling,
            # Why not, for an application still under way (finished ones need no word).
            "cancel_refusal": ""
            if cancelling.allowed or not application.is_active
            else cancelling.reason,
            "can_restore": application.status == Status.CANCELLED
            and deadline is not None
            and timezone.now() <= deadline,
            "restore_deadline": deadline,
            "cancel_form": forms.CancelForm(),
            "organization_name": organization_name,
        },
    )


@require_http_methods(["GET", "POST"])
@reauth_required
def cancel_view(request, ref: str):
    """Cancel as the service allows (APP-8); a critical action (re-auth)."""
    application = _mine(request, ref)
    if request.method == "GET":  # back from the re-authentication page: confirm again
        return redirect("applications:detail", ref=application.ref)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Причина отмены: не более 500 символов. Заявление не отменено."))
        return redirect("applications:detail", ref=application.ref)
    reason = form.cleaned_data["reason"]
    try:
        services.cancel(application=application, actor=request.user, reason=reason)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Заявление отменено. Его можно восстановить в течение 30 дней.")
        )
    return redirect("applications:detail", ref=application.ref)


@require_http_methods(["GET", "POST"])
@reauth_required
def restore_view(request, ref: str):
    """Restore a cancelled application within 30 days (APP-8)."""
    application = _mine(request, ref)
    if request.method == "GET":  # back from the re-authentication page: confirm again
        return redirect("applications:detail", ref=application.ref)
    try:
        services.restore(application=application, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Заявление восстановлено."))
    return redirect("applications:detail", ref=application.ref)


@login_required
@require_GET
def attachment_view(request, ref: str, attachment_id: int):
    """Download one attached file: the owner only, never cached (APP-6, SEC-2)."""
    application = _mine(request, ref)
    try:
        attachment = selectors.attachment_for(request.user, application, attachment_id)
    except NotFound:
        raise Http404 from None
    content = services.read_attachment(attachment)
    return private_download(content, name=attachment.name, kind=attachment.kind)

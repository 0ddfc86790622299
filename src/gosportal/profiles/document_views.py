"""Pages of the further documents of «Мои данные» (PROF-1): list, add, edit, delete, each
saved only after a one-time code, like the profile itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts.contacts import mask_contact
from gosportal.core.errors import DomainError, NotFound, RateLimited, add_to_form
from gosportal.profiles import documents, selectors, services
from gosportal.profiles.document_forms import FORMS
from gosportal.profiles.forms import CodeForm
from gosportal.profiles.models import PersonalDocument


def _own_document(request, document_id: int) -> PersonalDocument:
    try:
        return documents.document_for(request.user, document_id)
    except NotFound as exc:
        raise Http404 from exc


def _start(request, form, **change):
    """Send the code and go to the confirmation page, or put the refusal on the form."""
    try:
        pending = documents.start_document_change(user=request.user, ip=request.client_ip, **change)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as error:
        if form is None:
            messages.error(request, str(error.message))
            return redirect("profiles:documents")
        add_to_form(form, error)
        return None
    request.session[documents.SESSION_KEY] = pending
    return redirect("profiles:document_confirm")


@login_required
@require_GET
def documents_view(request):
    context = {
        "groups": selectors.documents_by_kind(request.user),
        "kinds": PersonalDocument.Kind,
    }
    return render(request, "profiles/documents.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def add_view(request, kind: str):
    if kind not in FORMS:
        raise Http404
    form = FORMS[kind](data=request.POST or None)
    if request.method == "GET":
        try:
            documents.check_can_add(request.user, kind)
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect("profiles:documents")
    if request.method == "POST" and form.is_valid():
        response = _start(request, form, op=documents.ADD, kind=kind, values=form.values())
        if response is not None:
            return response
    context = {"form": form, "title": PersonalDocument.Kind(kind).label, "adding": True}
    return render(request, "profiles/document_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request, document_id: int):
    document = _own_document(request, document_id)
    form = FORMS[document.kind](data=request.POST or None, document=document)
    if request.method == "POST" and form.is_valid():
        response = _start(
            request, form, op=documents.EDIT, document_id=document.pk, values=form.values()
        )
        if response is not None:
            return response
    context = {"form": form, "title": document.get_kind_display(), "document": document}
    return render(request, "profiles/document_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete_view(request, document_id: int):
    document = _own_document(request, document_id)
    if request.method == "POST":
        return _start(request, None, op=documents.DELETE, document_id=document.pk)
    rows = selectors.document_summary(document)
    return render(request, "profiles/document_delete.html", {"document": document, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def confirm_view(request):
    user = request.user
    pending = services.pending_from_session(request.session, documents.SESSION_KEY, user)
    if pending is None:
        messages.error(request, _("Сохранение не начато или устарело. Внесите изменения заново."))
        return redirect("profiles:documents")
    form = CodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            documents.confirm_document_change(
                user=user, pending=pending, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            if error.field != "code" and not isinstance(error, RateLimited):
                # The document went away or a second licence appeared meanwhile.
                request.session.pop(documents.SESSION_KEY, None)
                messages.error(request, str(error.message))
                return redirect("profiles:documents")
            add_to_form(form, error)
        else:
            request.session.pop(documents.SESSION_KEY, None)
            done = {
                documents.ADD: _("Документ добавлен."),
                documents.EDIT: _("Данные документа сохранены."),
                documents.DELETE: _("Документ удалён."),
            }
            messages.success(request, done[pending["op"]])
            return redirect("profiles:documents")
    try:
        rows = documents.describe_document_change(user=user, pending=pending)
    except NotFound:
        request.session.pop(documents.SESSION_KEY, None)
        return redirect("profiles:documents")
    context = {
        "form": form,
        "rows": rows,
        "destination": mask_contact(user.phone or user.email),
        "action": "save",
        "resend_url": reverse("profiles:document_resend"),
        "back_url": reverse("profiles:documents"),
        "back_label": _("Вернуться к документам"),
    }
    return render(request, "profiles/confirm.html", context)


@login_required
@require_POST
def resend_view(request):
    user = request.user
    if services.pending_from_session(request.session, documents.SESSION_KEY, user) is None:
        return redirect("profiles:documents")
    try:
        services.send_confirmation_code(user=user, purpose=documents.PURPOSE, ip=request.client_ip)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Новый код отправлен."))
    return redirect("profiles:document_confirm")

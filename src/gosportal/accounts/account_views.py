"""Account pages: contacts (REC-3), data export (PROF-7), deletion (REC-4), switching (REG-6)."""

import time

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts import contacts, deletion, export, switching
from gosportal.accounts.account_forms import (
    ContactCodeForm,
    DeleteConfirmForm,
    EmailChangeForm,
    PhoneChangeForm,
    SecondFactorForm,
    SwitchForm,
)
from gosportal.accounts.reauth import reauth_required
from gosportal.accounts.signin import needs_second_factor
from gosportal.core import audit
from gosportal.core.errors import DomainError, InvalidInput, add_to_form

CHANGE_FORMS = {contacts.PHONE: PhoneChangeForm, contacts.EMAIL: EmailChangeForm}
DELETE_CODE_KEY = "delete_code_sent_at"
DELETED_KEY = "account_deleted"

# --- contacts (REC-3) ----------------------------------------------------------------


@login_required
@require_GET
def contacts_view(request):
    change = contacts.pending_change(request.session, request.user)
    return render(request, "accounts/contacts.html", {"change": change})


@reauth_required
@require_http_methods(["GET", "POST"])
def contact_change_view(request, field: str):
    if field not in CHANGE_FORMS:
        raise Http404
    form = CHANGE_FORMS[field](data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = contacts.start_contact_change(
                user=request.user, field=field, raw=form.cleaned_data[field], ip=request.client_ip
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            contacts.remember(request.session, change)
            return redirect("accounts:contacts_confirm")
    return render(request, "accounts/contacts_change.html", {"form": form, "field": field})


@reauth_required
@require_http_methods(["GET", "POST"])
def contact_confirm_view(request):
    user = request.user
    change = contacts.pending_change(request.session, user)
    if change is None:
        messages.error(request, _("Смена контакта не начата или устарела. Начните заново."))
        return redirect("accounts:contacts")
    form_class = SecondFactorForm if change.step == contacts.Step.FACTOR else ContactCodeForm
    form = form_class(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if change.step == contacts.Step.NEW:
                change = contacts.confirm_new_contact(user=user, change=change, code=code)
                contacts.remember(request.session, change)
                if change.step == contacts.Step.OLD:
                    _send_old_code(request, change)
                return redirect("accounts:contacts_confirm")
            if change.step == contacts.Step.OLD:
                contacts.confirm_old_contact(
                    user=user, change=change, code=code, session_key=request.session.session_key
                )
            else:
                contacts.confirm_with_second_factor(
                    user=user, change=change, code=code, session_key=request.session.session_key
                )
        except DomainError as error:
            add_to_form(form, error)
        else:
            contacts.remember(request.session, None)
            done = (
                _("Номер телефона изменён.")
                if change.field == contacts.PHONE
                else _("Адрес электронной почты изменён.")
            )
            messages.success(request, done)
            return redirect("accounts:contacts")
    context = {
        "change": change,
        "form": form,
        "new_contact": contacts.mask_contact(change.value),
        "old_contact": contacts.mask_contact(contacts.old_destination(user, change.field)),
        "can_use_second_factor": contacts.can_use_second_factor(user),
    }
    return render(request, "accounts/contacts_confirm.html", context)


def _send_old_code(request, change) -> None:
    try:
        contacts.send_old_contact_code(user=request.user, change=change, ip=request.client_ip)
    except DomainError as error:
        messages.error(request, str(error))


@reauth_required
@require_POST
def contact_resend_view(request):
    change = contacts.pending_change(request.session, request.user)
    if change is None:
        return redirect("accounts:contacts")
    try:
        if change.step == contacts.Step.NEW:
            contacts.resend_new_contact_code(user=request.user, change=change, ip=request.client_ip)
        else:
            contacts.send_old_contact_code(user=request.user, change=change, ip=request.client_ip)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Новый код отправлен."))
    return redirect("accounts:contacts_confirm")


@reauth_required
@require_POST
def contact_lost_view(request):
    """«У меня нет доступа к старому контакту»: confirm with a second factor instead."""
    change = contacts.pending_change(request.session, request.user)
    if change is None:
        return redirect("accounts:contacts")
    try:
        change = contacts.choose_second_factor(user=request.user, change=change)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        contacts.remember(request.session, change)
    return redirect("accounts:contacts_confirm")


@login_required
@require_POST
def contact_cancel_view(request):
    contacts.remember(request.session, None)
    messages.info(request, _("Смена контакта отменена."))
    return redirect("accounts:contacts")


# --- export (PROF-7) -----------------------------------------------------------------


@reauth_required
@require_http_methods(["GET", "POST"])
def export_view(request):
    if request.method == "POST":
        archive = export.build_export(user=request.user)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{export.export_filename()}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "accounts/export.html")


# --- deletion (REC-4) ----------------------------------------------------------------


@reauth_required
@require_http_methods(["GET", "POST"])
def delete_view(request):
    user = request.user
    if not needs_second_factor(user):
        return render(request, "accounts/delete_needs_2fa.html")
    action = request.POST.get("action") if request.method == "POST" else None
    form = DeleteConfirmForm(data=request.POST if action == "confirm" else None)
    if action == "send":
        try:
            deletion.send_deletion_code(user=user, ip=request.client_ip)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            request.session[DELETE_CODE_KEY] = int(time.time())
            messages.success(request, _("Код отправлен."))
        return redirect("accounts:delete")
    if action == "confirm" and form.is_valid():
        try:
            deletion.confirm_deletion(user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            auth_logout(request)
            request.session[DELETED_KEY] = True
            return redirect("accounts:deleted")
    elif request.method == "POST" and action not in ("send", "confirm"):
        raise InvalidInput(_("Неизвестное действие. Обновите страницу и повторите."))
    context = {
        "form": form,
        "code_sent": isinstance(request.session.get(DELETE_CODE_KEY), int),
        "destination": contacts.mask_contact(deletion.code_destination(user)),
    }
    return render(request, "accounts/delete.html", context)


@require_GET
def deleted_view(request):
    if not request.session.pop(DELETED_KEY, False):
        return redirect("core:home")
    return render(request, "accounts/deleted.html")


# --- switching accounts (REG-6) --------------------------------------------------------


@require_GET
def switch_list_view(request):
    return render(request, "accounts/switch.html", {"accounts": switching.other_accounts(request)})


@require_POST
def switch_view(request):
    form = SwitchForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(form.errors["account"][0], field="account")
    response = redirect("core:home")
    if switching.switch_to(request, form.cleaned_data["account"], response):
        messages.success(request, _("Вы переключились на другую учётную запись."))
        return response
    missing = render(request, "404.html", status=404)
    missing.cookies = response.cookies  # the stale entries are dropped all the same
    return missing


@require_POST
def switch_add_view(request):
    """«Добавить учётную запись»: keep the current one signed in, open the sign-in page."""
    response = redirect(f"{reverse('accounts:login')}?{urlencode({'next': '/'})}")
    try:
        switching.park_current(request, response)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("accounts:switch")
    return response


@require_POST
def logout_and_switch_view(request):
    """«Выйти»: sign out of the current account only; the next parked one takes over."""
    if request.user.is_authenticated:
        audit.record("accounts.logout", actor=request.user)
    auth_logout(request)
    response = redirect("core:home")
    if switching.switch_after_logout(request, response) is not None:
        messages.info(request, _("Вы вышли. Открыта другая учётная запись этого браузера."))
    return response

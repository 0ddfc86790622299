"""Pages of «Мои данные»: view (PROF-1), edit confirmed by a code, history and undo (PROF-4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts.contacts import mask_contact
from gosportal.accounts.levels import next_step
from gosportal.core.errors import DomainError, NotFound, RateLimited, add_to_form
from gosportal.core.validators import format_phone, format_snils
from gosportal.profiles import scans, selectors, services
from gosportal.profiles.forms import COUNTRIES, CodeForm, ProfileForm, UndoForm


@login_required
@require_GET
def my_data_view(request):
    profile = selectors.profile_of(request.user)
    context = {
        "profile": profile,
        "snils": format_snils(profile.snils) if profile.snils else "",
        "citizenship": COUNTRIES.get(profile.citizenship, profile.citizenship),
        "phone": format_phone(request.user.phone) if request.user.phone else "",
        "checks": selectors.latest_registry_checks(request.user),
        # REG-4: the level and, below confirmed, what raises it.
        "level_step": None if request.user.level == "confirmed" else next_step(request.user),
        "documents": selectors.documents_of(request.user),  # PROF-1
        "pending_requests": selectors.pending_request_count(request.user),  # PROF-3
        **selectors.passport_scan_state(request.user),  # PROF-2
    }
    return render(request, "profiles/my_data.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request):
    user = request.user
    profile = selectors.profile_of(user)
    form = ProfileForm(data=request.POST or None, files=request.FILES or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        changes = services.profile_changes(user=user, data=form.cleaned_data)
        if not changes:
            messages.info(request, _("Вы ничего не изменили."))
            return redirect("profiles:my_data")
        try:
            services.check_identifiers_free(
                user=user, snils=form.cleaned_data.get("snils"), inn=form.cleaned_data.get("inn")
            )
            scan_id = None
            if form.cleaned_data.get("passport_scan") and scans.needs_scan(profile, changes):
                scan = scans.receive_passport_scan(
                    user=user, upload=form.cleaned_data["passport_scan"]
                )
                scan_id = scan.pk
            pending = services.start_profile_save(
                user=user, changes=changes, ip=request.client_ip, scan_id=scan_id
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            request.session[services.SAVE_SESSION_KEY] = pending
            return redirect("profiles:confirm")
    return render(request, "profiles/edit.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def confirm_view(request):
    user = request.user
    pending = services.pending_from_session(request.session, services.SAVE_SESSION_KEY, user)
    if pending is None:
        messages.error(request, _("Сохранение не начато или устарело. Внесите изменения заново."))
        return redirect("profiles:edit")
    form = CodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_profile_save(
                user=user, pending=pending, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            if error.field in services.EDITABLE_FIELDS:
                # The data became invalid meanwhile (a SNILS taken): back to the form.
                request.session.pop(services.SAVE_SESSION_KEY, None)
                messages.error(request, str(error.message))
                return redirect("profiles:edit")
            add_to_form(form, error)
        else:
            request.session.pop(services.SAVE_SESSION_KEY, None)
            messages.success(request, _("Данные сохранены."))
            return redirect("profiles:my_data")
    rows = services.describe_changes(user=user, changes=pending["changes"])
    context = {
        "form": form,
        "rows": rows,
        "destination": mask_contact(user.phone or user.email),
        "action": "save",
        "reconfirm": services.needs_reconfirmation(user=user, changes=pending["changes"]),
    }
    return render(request, "profiles/confirm.html", context)


@login_required
@require_POST
def resend_view(request):
    user = request.user
    if services.pending_from_session(request.session, services.SAVE_SESSION_KEY, user) is None:
        return redirect("profiles:edit")
    try:
        services.send_confirmation_code(
            user=user, purpose=services.SAVE_PURPOSE, ip=request.client_ip
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Новый код отправлен."))
    return redirect("profiles:confirm")


@login_required
@require_GET
def history_view(request):
    page = selectors.profile_history(request.user, page=request.GET.get("page"))
    context = {
        "page": page,
        "undoable": selectors.undoable_change(request.user),
        "previous_url": f"?page={page.previous_page_number()}" if page.has_previous() else "",
        "next_url": f"?page={page.next_page_number()}" if page.has_next() else "",
    }
    return render(request, "profiles/history.html", context)


@login_required
@require_POST
def undo_view(request):
    form = UndoForm(data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Не указано, какое изменение отменить."))
        return redirect("profiles:history")
    try:
        pending = services.start_undo(
            user=request.user, change_id=form.cleaned_data["change"], ip=request.client_ip
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("profiles:history")
    request.session[services.UNDO_SESSION_KEY] = pending
    return redirect("profiles:undo_confirm")


@login_required
@require_http_methods(["GET", "POST"])
def undo_confirm_view(request):
    user = request.user
    pending = services.pending_from_session(request.session, services.UNDO_SESSION_KEY, user)
    if pending is None:
        messages.error(request, _("Отмена не начата или устарела."))
        return redirect("profiles:history")
    form = CodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_undo(
                user=user, change_id=pending["change_id"], code=form.cleaned_data["code"]
            )
        except DomainError as error:
            if error.field != "code" and not isinstance(error, RateLimited):
                request.session.pop(services.UNDO_SESSION_KEY, None)
                messages.error(request, str(error.message))
                return redirect("profiles:history")
            add_to_form(form, error)
        else:
            request.session.pop(services.UNDO_SESSION_KEY, None)
            messages.success(request, _("Последнее изменение отменено."))
            return redirect("profiles:history")
    context = {
        "form": form,
        "destination": mask_contact(user.phone or user.email),
        "action": "undo",
    }
    return render(request, "profiles/confirm.html", context)

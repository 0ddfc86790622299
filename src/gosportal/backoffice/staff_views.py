"""«Сотрудники ведомства» (REG-5, OFF-1): an agency administrator lists, adds and
switches off the officers of their own agency; and the activation page a new officer
opens from the e-mail. Another agency's officer id is simply not found (SEC-3).
"""

import functools

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from gosportal.accounts.reauth import reauth_required
from gosportal.backoffice.staff_forms import ActivationForm, OfficerForm
from gosportal.catalog import selectors, services
from gosportal.core import ratelimit
from gosportal.core.errors import DomainError, NotFound, RateLimited, add_to_form
from gosportal.core.validators import format_phone

PAGE_SIZE = 50
ACTIVATION_RATE = "30/15m"  # per address: a page anyone with a link may post to


def agency_admin_required(view):
    """Signed in and an administrator of an active agency, else 403 (before any re-auth)."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.is_agency_administrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _member(request, pk):
    try:
        return selectors.staff_member_for(request.user, pk)
    except NotFound as error:
        raise Http404 from error


@require_GET
@agency_admin_required
def staff_list_view(request):
    me = selectors.administered_officer(request.user)
    staff = selectors.staff_for(request.user).order_by("pk")
    try:
        after = int(request.GET.get("after", 0))
    except ValueError:
        after = 0
    page = list(staff.filter(pk__gt=after)[: PAGE_SIZE + 1])
    next_url = ""
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        next_url = f"{request.path}?{urlencode({'after': page[-1].pk})}"
    context = {"agency": me.agency, "staff": page, "next_url": next_url}
    return render(request, "backoffice/staff_list.html", context)


@require_http_methods(["GET", "POST"])
@agency_admin_required
@reauth_required
def staff_new_view(request):
    me = selectors.administered_officer(request.user)
    form = OfficerForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            officer = services.create_civil_servant(admin=request.user, **form.cleaned_data)
        except RateLimited:
            raise
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _("Сотрудник добавлен. Ссылка для активации отправлена на его электронную почту."),
            )
            return redirect("backoffice:staff_detail", pk=officer.pk)
    return render(request, "backoffice/staff_new.html", {"form": form, "agency": me.agency})


@require_GET
@agency_admin_required
def staff_detail_view(request, pk: int):
    officer = _member(request, pk)
    profile = getattr(officer.user, "profile", None)
    context = {
        "officer": officer,
        "full_name": " ".join(
            part
            for part in (
                getattr(profile, "last_name", ""),
                getattr(profile, "first_name", ""),
                getattr(profile, "middle_name", ""),
            )
            if part
        )
        or officer.user.display_name,
        "phone": format_phone(officer.user.phone) if officer.user.phone else "",
        "activated": officer.user.has_usable_password(),
        "is_me": officer.user_id == request.user.pk,
    }
    return render(request, "backoffice/staff_detail.html", context)


def _action(request, pk: int, service, success: str):
    _member(request, pk)  # 404 for anyone else's officer, before anything else
    if request.method == "GET":  # back from re-authentication: show the page again
        return redirect("backoffice:staff_detail", pk=pk)
    try:
        service(admin=request.user, officer_id=pk)
    except RateLimited:
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect("backoffice:staff_detail", pk=pk)


@require_http_methods(["GET", "POST"])
@agency_admin_required
@reauth_required
def staff_deactivate_view(request, pk: int):
    return _action(
        request,
        pk,
        services.deactivate_officer,
        _("Сотрудник отключён: войти он больше не сможет, его сеансы завершены."),
    )


@require_http_methods(["GET", "POST"])
@agency_admin_required
@reauth_required
def staff_invite_view(request, pk: int):
    return _action(
        request,
        pk,
        services.reset_invitation,
        _("Новая ссылка для активации отправлена. Прежние ссылки больше не действуют."),
    )


@sensitive_post_parameters("password1", "password2", "code")
@require_http_methods(["GET", "POST"])
def activate_view(request, token: str):
    """The link from the invitation: code by SMS, then a password (REG-5)."""
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as error:
        return render(
            request, "backoffice/staff_activate_invalid.html", {"error": error}, status=404
        )
    officer = invitation.officer
    posted = request.method == "POST"
    sending = posted and request.POST.get("action") == "send"
    form = ActivationForm(data=request.POST if posted and not sending else None, user=officer.user)
    if posted:
        ratelimit.check(f"officer-activate:{ratelimit.key_ip(request)}", ACTIVATION_RATE)
    if sending:
        try:
            services.send_activation_code(token=token, ip=request.client_ip)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Код отправлен в SMS."))
        return redirect(request.path)
    if posted and form.is_valid():
        try:
            services.activate_officer(
                token=token,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            if request.user.is_authenticated:
                auth_logout(request)  # someone else's session in this browser
            messages.success(
                request,
                _(
                    "Учётная запись активирована. Войдите с новым паролем: после него мы "
                    "пришлём код в SMS."
                ),
            )
            return redirect("accounts:login")  # civil servants land on the desk (apps.py)
    phone = officer.user.phone or ""
    context = {
        "form": form,
        "agency": officer.agency,
        "phone_hint": f"+7 *** ***-**-{phone[-2:]}" if phone else "",
    }
    return render(request, "backoffice/staff_activate.html", context)

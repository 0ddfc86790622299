"""Pages of registration (REG-1), e-mail confirmation, password change (AUTH-2) and
"forgot password" (REC-1). Thin: a form, one service call, a redirect."""

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from gosportal.accounts import passwords, registration, signin
from gosportal.accounts.models import User
from gosportal.accounts.reauth import mark_reauthenticated
from gosportal.accounts.registration_forms import (
    CodeForm,
    ForgotForm,
    NewPasswordForm,
    PasswordChangeForm,
    PhoneForm,
    RegisterPasswordForm,
)
from gosportal.core import audit, ratelimit
from gosportal.core.errors import DomainError, add_to_form


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _restart(request, url_name: str, text: str):
    messages.error(request, text)
    return redirect(url_name)


# --- registration ---------------------------------------------------------------------


def register_view(request):
    """Step 1: the mobile phone."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            registration.start_registration(
                request.session, phone=form.cleaned_data["phone"], ip=request.client_ip
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect("accounts:register_code")
    return render(request, "accounts/register_phone.html", {"form": form})


def register_code_view(request):
    """Step 2: the code from the SMS, or «Отправить код ещё раз»."""
    state = registration.registration_state(request.session)
    if state is None:
        return _restart(
            request, "accounts:register", _("Регистрация не начата или устарела. Начните заново.")
        )
    form, resend_error = CodeForm(), None
    if request.method == "POST":
        if request.POST.get("action") == "resend":
            try:
                state = registration.resend_registration_code(request.session, ip=request.client_ip)
            except DomainError as error:
                resend_error = error.message
            else:
                messages.success(request, _("Мы отправили новый код."))
                return redirect("accounts:register_code")
        else:
            form = CodeForm(request.POST)
            if form.is_valid():
                try:
                    registration.verify_registration_code(
                        request.session, code=form.cleaned_data["code"]
                    )
                except DomainError as error:
                    add_to_form(form, error)
                else:
                    return redirect("accounts:register_password")
    return render(
        request,
        "accounts/register_code.html",
        {
            "form": form,
            "destination": registration.masked_destination(state),
            "resend_in": registration.seconds_until_resend(state),
            "resend_error": resend_error,
        },
    )


@sensitive_post_parameters("password1", "password2")
def register_password_view(request):
    """Step 3: password, optional e-mail, the user agreement; then the account exists."""
    state = registration.registration_state(request.session)
    if state is None:
        return _restart(
            request, "accounts:register", _("Регистрация не начата или устарела. Начните заново.")
        )
    if not state.get("verified"):
        return _restart(request, "accounts:register_code", _("Сначала введите код из SMS."))
    form = RegisterPasswordForm(
        request.POST if request.method == "POST" else None, phone=state["phone"]
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = registration.complete_registration(
                request.session,
                password=form.cleaned_data["password1"],
                email=form.cleaned_data["email"],
            )
        except DomainError as error:
            return _restart(request, "accounts:register", str(error.message))
        signin.finish_signin(request, user, method="registration")
        welcome = _("Добро пожаловать на Госпортал! Учётная запись создана.")
        if form.cleaned_data["email"]:
            welcome += " " + _(
                "Если адрес почты свободен, мы отправили на него ссылку для подтверждения."
            )
        messages.success(request, welcome)
        return redirect("core:home")
    return render(
        request,
        "accounts/register_password.html",
        {"form": form, "phone": registration.masked_destination(state)},
    )


@require_GET
def agreement_view(request):
    return render(request, "accounts/agreement.html")


# --- e-mail confirmation ------------------------------------------------------------------


@require_GET
def email_confirm_view(request, token: str):
    try:
        registration.confirm_email(token, viewer=request.user)
    except DomainError as error:
        return render(
            request,
            "accounts/email_confirm_failed.html",
            {"error": error},
            status=error.status,
        )
    return render(request, "accounts/email_confirm.html")


@require_POST
def email_confirm_resend_view(request):
    if not request.user.is_authenticated:
        login_url = reverse("accounts:login")
        return redirect(f"{login_url}?{urlencode({'next': '/'})}")
    user = request.user
    ratelimit.check(f"email-confirm:user:{user.pk}", "3/h")
    if not user.email:
        messages.error(request, _("В учётной записи нет адреса электронной почты."))
    elif user.email_confirmed:
        messages.success(request, _("Адрес электронной почты уже подтверждён."))
    else:
        registration.send_email_confirmation(user)
        messages.success(
            request, _("Мы отправили новую ссылку на %(email)s.") % {"email": user.email}
        )
    return redirect("core:home")


# --- password change (AUTH-2) --------------------------------------------------------------


@login_required
@sensitive_post_parameters("current_password", "password1", "password2")
def password_change_view(request):
    user = request.user
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST":
        ratelimit.check(f"password-change:user:{user.pk}", "5/15m")
        if form.is_valid():
            old_key = request.session.session_key
            passwords.change_password(
                user=user, password=form.cleaned_data["password1"], keep_session_key=old_key
            )
            update_session_auth_hash(request, user)
            passwords.follow_session_key(
                user=user, old_key=old_key, new_key=request.session.session_key
            )
            mark_reauthenticated(request)
            messages.success(
                request, _("Пароль изменён. Остальные сеансы завершены, мы уведомили вас об этом.")
            )
            return redirect(_safe_next(request))
        audit.record("accounts.password_change_failed", actor=user)
    context = {
        "form": form,
        "next": _safe_next(request, default=""),
        "forced": passwords.must_change_now(user),
    }
    return render(request, "accounts/password_change.html", context)


@require_POST
@sensitive_post_parameters("password")
def password_strength_view(request):
    """The meter's estimate for a password being typed; nothing is stored or logged."""
    ratelimit.check(f"password-strength:{ratelimit.key_user_or_ip(request)}", "600/10m")
    password = request.POST.get("password", "")
    user = request.user if request.user.is_authenticated else None
    if user is None:
        state = registration.registration_state(request.session)
        reset = registration.reset_state(request.session)
        if state is not None:
            email = (request.POST.get("email") or "").strip()[:254]
            user = User(phone=state["phone"], email=email or None)
        elif reset is not None:
            user = registration.reset_user(reset)
    score, hints = passwords.password_strength(password, user=user)
    return JsonResponse(
        {"score": score, "label": str(passwords.STRENGTH_LABELS[score]), "hints": hints}
    )


# --- forgot password (REC-1) ---------------------------------------------------------------


def password_forgot_view(request):
    """Step 1: the login. The next page looks the same whether or not it exists."""
    form = ForgotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            registration.start_reset(
                request.session, login=form.cleaned_data["login"], ip=request.client_ip
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect("accounts:password_forgot_code")
    return render(request, "accounts/password_forgot.html", {"form": form})


def password_forgot_code_view(request):
    state = registration.reset_state(request.session)
    if state is None:
        return _restart(
            request,
            "accounts:password_forgot",
            _("Восстановление не начато или устарело. Начните заново."),
        )
    form, resend_error = CodeForm(), None
    if request.method == "POST":
        if request.POST.get("action") == "resend":
            try:
                state = registration.resend_reset_code(request.session, ip=request.client_ip)
            except DomainError as error:
                resend_error = error.message
            else:
                messages.success(request, _("Мы отправили новый код."))
                return redirect("accounts:password_forgot_code")
        else:
            form = CodeForm(request.POST)
            if form.is_valid():
                try:
                    registration.verify_reset_code(request.session, code=form.cleaned_data["code"])
                except DomainError as error:
                    add_to_form(form, error)
                else:
                    return redirect("accounts:password_forgot_new")
    return render(
        request,
        "accounts/password_forgot_code.html",
        {
            "form": form,
            "destination": registration.masked_destination(state),
            "by_email": state["kind"] == "email",
            "by_snils": state["kind"] == "snils",
            "resend_in": registration.seconds_until_resend(state),
            "resend_error": resend_error,
        },
    )


@sensitive_post_parameters("password1", "password2")
def password_forgot_new_view(request):
    state = registration.reset_state(request.session)
    user = registration.reset_user(state)
    if state is None or user is None:
        return _restart(
            request,
            "accounts:password_forgot",
            _("Восстановление не начато или устарело. Начните заново."),
        )
    if not state.get("verified"):
        return _restart(request, "accounts:password_forgot_code", _("Сначала введите код."))
    form = NewPasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        if request.user.is_authenticated:
            # Every session ends, this one too; sign out first so the flow survives.
            auth_logout(request)
            request.session[registration.RESET_KEY] = state
        try:
            registration.complete_reset(request.session, password=form.cleaned_data["password1"])
        except DomainError as error:
            return _restart(request, "accounts:password_forgot", str(error.message))
        messages.success(
            request,
            _(
                "Пароль изменён, все сеансы завершены. Войдите с новым паролем. Если у вас "
                "включена двухфакторная аутентификация, при входе мы попросим код."
            ),
        )
        return redirect("accounts:login")
    return render(request, "accounts/password_forgot_new.html", {"form": form})

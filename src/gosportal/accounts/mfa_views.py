"""Pages of second factors: «Настройки безопасности» and the second step of sign-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from gosportal.accounts import mfa, signin
from gosportal.accounts.mfa_forms import CodeForm, RecoveryCodeForm
from gosportal.accounts.models import Authenticator
from gosportal.accounts.reauth import reauth_required
from gosportal.core import audit, ratelimit
from gosportal.core.errors import Conflict, DomainError, RateLimited, add_to_form

Kind = Authenticator.Kind
RECOVERY_METHOD = "recovery_code"  # sign-in method name of a recovery code
CODE_KINDS = {"sms": Kind.SMS, "email": Kind.EMAIL}


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return ""


def _show_recovery_codes(request, codes: list[str], *, first: bool):
    """The only time the codes are visible: rendered straight from the POST, never stored."""
    return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "first": first})


def after_first_factor(request):
    """A first real method comes with recovery codes; later ones go back to the list."""
    if mfa.recovery_codes_left(request.user) is None:
        codes = mfa.generate_recovery_codes(
            user=request.user, session_key=request.session.session_key, announce=False
        )
        return _show_recovery_codes(request, codes, first=True)
    return redirect("accounts:security")


# --- «Настройки безопасности» ------------------------------------------------------


@login_required
def security_view(request):
    user = request.user
    authenticators = list(mfa.second_factors_for(user))
    kinds = {a.kind for a in authenticators}
    can_sms = bool(user.phone)
    can_email = bool(user.email and user.email_confirmed)
    context = {
        "authenticators": authenticators,
        "recovery_left": mfa.recovery_codes_left(user),
        "recovery_low": mfa.recovery_codes_running_low(user),
        "recovery_warn_at": mfa.RECOVERY_WARN_AT,
        "can_add_totp": Kind.TOTP not in kinds,
        "can_add_sms": can_sms and Kind.SMS not in kinds,
        "can_add_email": can_email and Kind.EMAIL not in kinds,
        "sms_needs_phone": not can_sms and Kind.SMS not in kinds,
        "email_needs_confirmation": not can_email and Kind.EMAIL not in kinds,
    }
    return render(request, "accounts/security.html", context)


@reauth_required
@sensitive_post_parameters("code")
def totp_add_view(request):
    """Scan the QR code (or type the secret), then prove it with the first code."""
    user = request.user
    if user.authenticators.filter(kind=Kind.TOTP).exists():
        messages.info(request, _("Приложение-аутентификатор уже подключено."))
        return redirect("accounts:security")
    enrolment = mfa.start_totp_enrolment(user=user, session=request.session)
    form = CodeForm(
        data=request.POST or None,
        label=_("Код из приложения"),
        hint=_("Шесть цифр, которые показывает приложение сейчас."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.check(f"mfa-enrol:user:{user.pk}", "10/15m")
            mfa.confirm_totp(
                user=user,
                secret=enrolment.secret,
                code=form.cleaned_data["code"],
                session_key=request.session.session_key,
            )
        except DomainError as error:
            add_to_form(form, error)
            audit.record("accounts.mfa_enrol_failed", actor=user, details={"kind": "totp"})
        else:
            request.session.pop(mfa.TOTP_SESSION_KEY, None)
            messages.success(request, _("Приложение-аутентификатор подключено."))
            return after_first_factor(request)
    return render(request, "accounts/mfa_totp.html", {"form": form, "enrolment": enrolment})


@reauth_required
@sensitive_post_parameters("code")
def code_add_view(request, channel: str):
    """SMS or e-mail codes: send a code to the contact, then type it back."""
    user = request.user
    kind = CODE_KINDS[channel]
    try:
        mfa.check_can_use_channel(user=user, kind=kind)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("accounts:security")
    if user.authenticators.filter(kind=kind).exists():
        messages.info(request, _("Этот способ уже подключён."))
        return redirect("accounts:security")
    sent_flag = f"mfa_enrol_sent_{channel}"
    form = CodeForm(
        data=request.POST if request.POST.get("action") == "confirm" else None,
        label=_("Код из SMS") if kind == Kind.SMS else _("Код из письма"),
    )
    if request.method == "POST":
        if request.POST.get("action") == "send":
            try:
                mfa.send_code(user=user, kind=kind, ip=getattr(request, "client_ip", None))
            except DomainError as error:
                messages.error(request, str(error))
            else:
                request.session[sent_flag] = True
                messages.success(request, _("Код отправлен."))
            return redirect(request.path)
        if form.is_valid():
            try:
                mfa.confirm_code_authenticator(
                    user=user,
                    kind=kind,
                    code=form.cleaned_data["code"],
                    session_key=request.session.session_key,
                )
            except DomainError as error:
                add_to_form(form, error)
                audit.record("accounts.mfa_enrol_failed", actor=user, details={"kind": kind})
            else:
                request.session.pop(sent_flag, None)
                messages.success(request, _("Способ входа подключён."))
                return after_first_factor(request)
    context = {
        "form": form,
        "kind": kind,
        "channel": channel,
        "destination": user.masked_login() if kind == Kind.SMS else _mask_email(user.email),
        "code_sent": bool(request.session.get(sent_flag)),
    }
    return render(request, "accounts/mfa_code.html", context)


def _mask_email(email: str | None) -> str:
    name, _sep, domain = (email or "").partition("@")
    return f"{name[:1]}***@{domain}"


@require_http_methods(["GET", "POST"])
@reauth_required
def set_default_view(request, pk: int):
    if request.method == "GET":  # back here after re-authentication: nothing done yet
        return redirect("accounts:security")
    row = mfa.set_default(
        user=request.user, authenticator_id=pk, session_key=request.session.session_key
    )
    messages.success(request, _("Основной способ входа: %(name)s.") % {"name": row})
    return redirect("accounts:security")


@require_http_methods(["GET", "POST"])
@reauth_required
def remove_view(request, pk: int):
    if request.method == "GET":
        return redirect("accounts:security")
    try:
        mfa.remove_authenticator(
            user=request.user, authenticator_id=pk, session_key=request.session.session_key
        )
    except Conflict as error:
        messages.error(request, str(error.message))
        return redirect("accounts:security")
    if mfa.second_factors_for(request.user).exists():
        messages.success(request, _("Способ входа удалён."))
    else:
        messages.warning(
            request,
            _(
                "Способ входа удалён. Двухфакторная аутентификация выключена, "
                "резервные коды удалены."
            ),
        )
    return redirect("accounts:security")


@require_http_methods(["GET", "POST"])
@reauth_required
def recovery_codes_view(request):
    if request.method == "GET":
        return redirect("accounts:security")
    try:
        codes = mfa.generate_recovery_codes(
            user=request.user, session_key=request.session.session_key
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("accounts:security")
    return _show_recovery_codes(request, codes, first=False)


# --- the second step of sign-in ----------------------------------------------------


def _methods_for(user) -> list[str]:
    """Ways the pending user can finish signing in, the default first."""
    methods = []
    for authenticator in mfa.second_factors_for(user):
        if authenticator.kind not in methods:  # several keys are one way: «ключ»
            methods.append(authenticator.kind)
    if mfa.recovery_codes_left(user):
        methods.append(RECOVERY_METHOD)
    return methods


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def signin_second_factor_view(request):
    pending = signin.pending_signin(request)
    if pending is None:
        messages.error(request, _("Время на подтверждение входа истекло. Войдите ещё раз."))
        return redirect("accounts:login")
    user, first_method = pending
    methods = _methods_for(user)
    if not methods:  # the factor was removed meanwhile: nothing to ask for
        messages.error(request, _("Войдите ещё раз."))
        return redirect("accounts:login")
    method = request.POST.get("method") or request.GET.get("method") or methods[0]
    if method not in methods:
        method = methods[0]
    next_url = _safe_next(request)
    form_class = RecoveryCodeForm if method == RECOVERY_METHOD else CodeForm
    # A key answers through webauthn_views (JSON), never with a typed code.
    posted_code = (
        request.method == "POST"
        and request.POST.get("action") != "send"
        and method != Kind.WEBAUTHN
    )
    form = form_class(data=request.POST if posted_code else None, label=_code_label(method))

    if request.method == "POST" and not posted_code:
        _send_signin_code(request, user, method)
        query = {"method": method, **({"next": next_url} if next_url else {})}
        return redirect(f"{reverse('accounts:signin_second_factor')}?{urlencode(query)}")

    if posted_code and form.is_valid():
        try:
            mfa.check_not_locked(user=user)
        except RateLimited as error:
            mfa.record_failed_signin(request, user, method=method, locked=True)
            add_to_form(form, error)
        else:
            try:
                left = _verify(user, method, form.cleaned_data["code"])
            except DomainError as wrong:
                mfa.record_failed_signin(request, user, method=method, locked=False)
                add_to_form(form, _count_wrong_code(user) or wrong)
            else:
                mfa.record_right_code(user=user)
                # History shows both steps: «пароль + приложение-аутентификатор».
                signin.finish_signin(request, user, method=f"{first_method}+{method}")
                if left is not None and left <= mfa.RECOVERY_WARN_AT:
                    messages.warning(request, _recovery_warning(left))
                return redirect(next_url or signin.landing_url(user))

    context = {
        "form": form,
        "method": method,
        "other_methods": [(m, METHOD_LABELS[m]) for m in methods if m != method],
        "next": next_url,
        "recovery_low": mfa.recovery_codes_running_low(user),
        "recovery_left": mfa.recovery_codes_left(user),
        "destination": _destination_hint(user, method),
    }
    return render(request, "accounts/signin_second_factor.html", context)


METHOD_LABELS = {
    Kind.TOTP: gettext_lazy("Код из приложения-аутентификатора"),
    Kind.SMS: gettext_lazy("Код по SMS"),
    Kind.EMAIL: gettext_lazy("Код по электронной почте"),
    Kind.WEBAUTHN: gettext_lazy("Ключ безопасности или биометрия"),
    RECOVERY_METHOD: gettext_lazy("Резервный код"),
}


def _code_label(method: str) -> str:
    return {
        Kind.TOTP: _("Код из приложения"),
        Kind.SMS: _("Код из SMS"),
        Kind.EMAIL: _("Код из письма"),
        RECOVERY_METHOD: _("Резервный код"),
    }.get(method, _("Код подтверждения"))


def _destination_hint(user, method: str) -> str:
    if method == Kind.SMS:
        return user.masked_login() if user.phone else ""
    if method == Kind.EMAIL:
        return _mask_email(user.email)
    return ""


def _recovery_warning(left: int) -> str:
    return _("Осталось резервных кодов: %(left)s. Создайте новые в настройках безопасности.") % {
        "left": left
    }


def _send_signin_code(request, user, method: str) -> None:
    if method not in (Kind.SMS, Kind.EMAIL):
        return
    try:
        mfa.send_code(user=user, kind=method, ip=getattr(request, "client_ip", None))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Код отправлен."))


def _count_wrong_code(user) -> RateLimited | None:
    """Count the wrong code; the lock it may start is what the user should read."""
    try:
        mfa.record_wrong_code(user=user)
    except RateLimited as lock:
        return lock
    return None


def _verify(user, method: str, code: str) -> int | None:
    """Check the code by the chosen method; returns recovery codes left when one was spent."""
    if method == RECOVERY_METHOD:
        return mfa.verify_recovery_code(user=user, code=code)
    authenticator = user.authenticators.get(kind=method)
    if method == Kind.TOTP:
        mfa.verify_totp(authenticator=authenticator, code=code)
    else:
        mfa.verify_code(user=user, kind=method, code=code)
        mfa.mark_used(authenticator=authenticator)
    return None

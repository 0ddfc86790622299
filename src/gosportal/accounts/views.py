"""Sign-in and sign-out pages."""

from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from gosportal.accounts import captcha, lockout, sessions, signin
from gosportal.accounts.forms import LoginForm, ReauthForm
from gosportal.accounts.reauth import mark_reauthenticated
from gosportal.core import audit, ratelimit
from gosportal.core.errors import add_to_form


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@sensitive_post_parameters("password", "captcha")
def login_view(request):
    """The password step (AUTH-1, AUTH-5, AUTH-10), then the second factor or the cabinet."""
    posted = request.method == "POST"
    login = (request.POST.get("login") or "").strip() if posted else ""
    throttle = lockout.state(login, request.client_ip) if login else None
    captcha_required = throttle.captcha_required if throttle else False
    form = LoginForm(
        request, data=request.POST if posted else None, captcha_required=captcha_required
    )
    if posted:
        if form.is_valid():
            # The counters read above serve the password step, and a correct password
            # clears them in the sign-in's own transaction (none to clear: no statement).
            known = throttle if form.cleaned_data["login"] == login else None
            try:
                user = signin.password_step(
                    request,
                    login=form.cleaned_data["login"],
                    password=form.cleaned_data["password"],
                    throttle=known,
                    reset_counters=known is None,
                )
            except signin.SigninRefused as error:
                add_to_form(form, error)
            else:
                counted = known is not None and known.counted
                return _after_password(request, user, clear=login if counted else None)
        elif "captcha" in form.errors and login:
            signin.record_captcha_failure(request, login=login)
        if login and lockout.state(login, request.client_ip).captcha_required:
            form.demand_captcha()
    challenge = None
    if "captcha" in form.fields:  # a new challenge every time the form is shown
        challenge = captcha.new_challenge(request)
        form.fields["captcha"].help_text = challenge.question
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _safe_next(request), "captcha": challenge},
    )


def _after_password(request, user, *, clear: str | None):
    """``clear``: the login whose failure counters the correct password resets."""
    next_url = _safe_next(request)
    if signin.needs_second_factor(user):
        if clear is not None:
            signin.clear_counters(request, clear)
        signin.begin_second_factor(request, user, method="password")
        second = reverse("accounts:signin_second_factor")
        return redirect(f"{second}?{urlencode({'next': next_url})}" if next_url != "/" else second)
    signin.finish_signin(request, user, method="password", clear_counters_of=clear)
    return redirect(next_url if next_url != "/" else signin.landing_url(user))


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record("accounts.logout", actor=request.user)
        sessions.mark_signed_out(request.session.session_key, reason="logout")
    auth_logout(request)
    return redirect("core:home")


@login_required
@sensitive_post_parameters("password", "code")
def reauth_view(request):
    """Prove identity again before a critical action, then go back to it."""
    form = ReauthForm(request.user, data=request.POST or None)
    if request.method == "POST":
        ratelimit.check(f"reauth:user:{request.user.pk}", "5/15m")
        if form.is_valid():
            mark_reauthenticated(request)
            audit.record("accounts.reauthenticated", actor=request.user)
            return redirect(_safe_next(request))
        audit.record("accounts.reauth_failed", actor=request.user)
    return render(request, "accounts/reauth.html", {"form": form, "next": _safe_next(request)})

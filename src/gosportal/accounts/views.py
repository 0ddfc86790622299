"""Sign-in and sign-out pages."""

from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from gosportal.accounts import signin
from gosportal.accounts.forms import LoginForm, ReauthForm
from gosportal.accounts.reauth import mark_reauthenticated
from gosportal.core import audit, ratelimit
from gosportal.core.crypto import blind_index


def _login_key(request) -> str:
    login = (request.POST.get("login") or "").strip().lower()
    return blind_index(login, purpose="ratelimit-login")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@sensitive_post_parameters("password")
def login_view(request):
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST":
        # Counted per login and per login+address, never per address alone.
        login_key = _login_key(request)
        ratelimit.check(f"login:acct:{login_key}", "10/15m")
        ratelimit.check(f"login:acct-ip:{login_key}:{request.client_ip}", "5/15m")
        if form.is_valid():
            signin.finish_signin(request, form.user, method="password")
            return redirect(_safe_next(request))
        audit.record("accounts.login_failed", details={"method": "password"})
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record("accounts.logout", actor=request.user)
    auth_logout(request)
    return redirect("core:home")


@login_required
@sensitive_post_parameters("password")
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

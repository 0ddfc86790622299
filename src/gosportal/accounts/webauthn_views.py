"""Security keys and passkeys in the browser (AUTH-3, AUTH-6): the page that adds a key
and the JSON endpoints that static/js/webauthn.js calls around ``navigator.credentials``.

Every endpoint is a POST with the CSRF token; a refusal is JSON ``{"error": "…"}`` with
the error's status (400, 404, 429), never a server error.
"""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gosportal.accounts import signin, webauthn
from gosportal.accounts.mfa_views import after_first_factor
from gosportal.accounts.reauth import reauth_required
from gosportal.core import audit, ratelimit
from gosportal.core.errors import DomainError, InvalidInput, RateLimited

MAX_BODY_BYTES = 64_000


class KeyForm(forms.Form):
    """The key's name and the browser's answer (filled in by webauthn.js)."""

    name = forms.CharField(
        label=gettext_lazy("Название ключа"),
        max_length=webauthn.MAX_NAME_LENGTH,
        required=False,
        help_text=gettext_lazy("Например, «Ключ YubiKey» или «Отпечаток на ноутбуке»."),
        error_messages={"max_length": gettext_lazy("Название слишком длинное.")},
    )
    credential = forms.CharField(
        widget=forms.HiddenInput,
        required=False,
        max_length=webauthn.MAX_CREDENTIAL_CHARS,
        error_messages={"max_length": gettext_lazy("Ответ ключа не распознан.")},
    )


def _json_body(request) -> dict:
    """The request's JSON object, or ``InvalidInput`` (empty body = empty object)."""
    if len(request.body) > MAX_BODY_BYTES:
        raise InvalidInput(_("Запрос слишком большой."))
    if not request.body.strip():
        return {}
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(_("Запрос не распознан.")) from error
    if not isinstance(body, dict):
        raise InvalidInput(_("Запрос не распознан."))
    return body


def _refusal(error: DomainError, **extra) -> JsonResponse:
    response = JsonResponse({"error": str(error.message), **extra}, status=error.status)
    if isinstance(error, RateLimited) and error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def _options(options_json: str) -> HttpResponse:
    response = HttpResponse(options_json, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _safe_next(request, target) -> str:
    target = target if isinstance(target, str) else ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return "/"


# --- adding a key («Настройки безопасности») ---------------------------------------


@require_http_methods(["GET", "POST"])
@reauth_required
def add_view(request):
    """Name the key, let the browser create a credential, store it (AUTH-3)."""
    form = KeyForm(
        data=request.POST if request.method == "POST" else None,
        initial={"name": _("Ключ безопасности")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if not form.cleaned_data["credential"]:
                    raise InvalidInput(
                        _("Ключ не ответил. Нажмите «Подключить ключ» и следуйте подсказкам.")
                    )
                webauthn.finish_registration(
                    user=request.user,
                    session=request.session,
                    rp=webauthn.relying_party(request),
                    credential=form.cleaned_data["credential"],
                    name=form.cleaned_data["name"],
                    session_key=request.session.session_key,
                )
            except DomainError as error:
                form.add_error(None, str(error.message))
                audit.record(
                    "accounts.mfa_enrol_failed", actor=request.user, details={"kind": "webauthn"}
                )
            else:
                messages.success(request, _("Ключ безопасности подключён."))
                return after_first_factor(request)
    return render(request, "accounts/mfa_webauthn.html", {"form": form}, status=status)


@require_POST
@reauth_required
def register_options_view(request):
    try:
        ratelimit.check(f"webauthn-register:user:{request.user.pk}", "20/15m")
        _json_body(request)
        options = webauthn.begin_registration(
            user=request.user, session=request.session, rp=webauthn.relying_party(request)
        )
    except DomainError as error:
        return _refusal(error)
    return _options(options)


# --- the second step of sign-in ----------------------------------------------------


def _pending_user_with_keys(request):
    pending = signin.pending_signin(request)
    if pending is None or not webauthn.has_keys(pending[0]):
        raise InvalidInput(_("Время на подтверждение входа истекло. Войдите ещё раз."))
    return pending


@require_POST
def signin_options_view(request):
    try:
        user, _first = _pending_user_with_keys(request)
        _json_body(request)
        options = webauthn.begin_authentication(
            session=request.session, rp=webauthn.relying_party(request), user=user
        )
    except DomainError as error:
        return _refusal(error, redirect=reverse("accounts:login"))
    return _options(options)


@require_POST
def signin_view(request):
    """The key answered the second step: finish signing in ("password+webauthn")."""
    try:
        user, first_method = _pending_user_with_keys(request)
    except DomainError as error:
        return _refusal(error, redirect=reverse("accounts:login"))
    try:
        body = _json_body(request)
        webauthn.signin_second_factor(request, user=user, credential=body.get("credential"))
    except DomainError as error:
        return _refusal(error)
    signin.finish_signin(request, user, method=f"{first_method}+{webauthn.METHOD}")
    return JsonResponse({"redirect": _safe_next(request, body.get("next"))})


# --- passkey sign-in without a password (AUTH-6) -----------------------------------


@require_POST
def passkey_options_view(request):
    try:
        ratelimit.check(f"passkey-options:{ratelimit.key_user_or_ip(request)}", "30/5m")
        _json_body(request)
        options = webauthn.begin_authentication(
            session=request.session, rp=webauthn.relying_party(request)
        )
    except DomainError as error:
        return _refusal(error)
    return _options(options)


@require_POST
def passkey_signin_view(request):
    try:
        ratelimit.check(f"passkey-signin:{ratelimit.key_user_or_ip(request)}", "30/5m")
        body = _json_body(request)
        user = webauthn.signin_with_passkey(request, credential=body.get("credential"))
    except DomainError as error:
        return _refusal(error)
    signin.finish_signin(request, user, method=webauthn.PASSKEY_METHOD)
    return JsonResponse({"redirect": _safe_next(request, body.get("next"))})

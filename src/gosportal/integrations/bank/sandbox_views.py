"""Endpoints and pages of the sandbox banks (/sandbox/bank/<bank>/): OpenID Connect
discovery, JWKS, authorize (the bank's sign-in and consent pages), token, userinfo, and
the card check API with the bank's card and 3-D Secure pages."""

import datetime
import re
from dataclasses import asdict
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.core import oidc, ratelimit
from gosportal.integrations.bank import sandbox
from gosportal.integrations.models import SandboxBankCustomer

TICKET_MAX_AGE = 600  # seconds between the bank's sign-in and the consent decision
LOGIN_RATE = ratelimit.Rate(limit=10, period=600)


def _bank_or_404(bank: str) -> str:
    if not settings.BANK_SANDBOX or not sandbox.is_bank(bank):
        raise Http404
    return bank


def _oauth_error(problem: sandbox.OAuthProblem) -> JsonResponse:
    return oidc.error_response(problem, realm="sandbox-bank")


def _page(request, bank: str, template: str, context: dict, status: int = 200):
    context = {"bank": bank, "bank_name": sandbox.BANKS[bank], **context}
    return render(request, f"integrations/bank/{template}", context, status=status)


@require_GET
def discovery_view(request, bank):
    _bank_or_404(bank)
    iss = sandbox.issuer(request, bank)
    return JsonResponse(
        {
            "issuer": iss,
            "authorization_endpoint": f"{iss}authorize",
            "token_endpoint": f"{iss}token",
            "userinfo_endpoint": f"{iss}userinfo",
            "jwks_uri": f"{iss}jwks.json",
            "card_checks_endpoint": f"{iss}card-checks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": sorted(sandbox.SCOPES),
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "family_name",
                "given_name",
                "middle_name",
                "birthdate",
                "passport_series",
                "passport_number",
                "snils",
            ],
        }
    )


@require_GET
def jwks_view(request, bank):
    _bank_or_404(bank)
    return JsonResponse(sandbox.jwks(bank))


class BankLoginForm(forms.Form):
    login = forms.CharField(
        label=gettext_lazy("Логин"),
        max_length=50,
        error_messages={"required": gettext_lazy("Введите логин.")},
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Пароль"),
        max_length=200,
        strip=False,
        error_messages={"required": gettext_lazy("Введите пароль.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _redirect_back(request: sandbox.AuthorizationRequest, **params) -> HttpResponseRedirect:
    query = {**params, "state": request.state}
    return HttpResponseRedirect(f"{request.redirect_uri}?{urlencode(query)}")


def _salt(bank: str, step: str) -> str:
    return f"sandbox-bank:{bank}:{step}"


@never_cache
@require_http_methods(["GET", "POST"])
def authorize_view(request, bank):
    """The bank's sign-in, then its consent page; the decision goes back to the client."""
    _bank_or_404(bank)
    if request.method == "GET":
        auth_request, error, description = sandbox.check_authorization_request(bank, request.GET)
        if auth_request is None:
            return _page(request, bank, "error.html", {"error": error}, status=400)
        if error:
            return _redirect_back(auth_request, error=error, error_description=description)
        ticket = signing.dumps(asdict(auth_request), salt=_salt(bank, "request"))
        return _page(request, bank, "login.html", {"form": BankLoginForm(), "ticket": ticket})
    step = request.POST.get("step")
    try:
        if step == "consent":
            data = signing.loads(
                request.POST.get("ticket", ""), salt=_salt(bank, "consent"), max_age=TICKET_MAX_AGE
            )
        else:
            data = signing.loads(
                request.POST.get("ticket", ""), salt=_salt(bank, "request"), max_age=TICKET_MAX_AGE
            )
    except signing.BadSignature:
        return _page(request, bank, "error.html", {"error": "expired"}, status=400)
    customer_id = data.pop("customer_id", None)
    auth_request = sandbox.AuthorizationRequest(**data)
    if step == "consent":
        if request.POST.get("decision") != "allow":
            return _redirect_back(
                auth_request, error="access_denied", error_description="the customer refused"
            )
        customer = SandboxBankCustomer.objects.get(pk=customer_id, bank=bank)
        code = sandbox.issue_code(bank, request=auth_request, customer=customer)
        return _redirect_back(auth_request, code=code, iss=sandbox.issuer(request, bank))
    form = BankLoginForm(data=request.POST)
    ticket = request.POST.get("ticket", "")
    if form.is_valid():
        login = form.cleaned_data["login"].strip().lower()
        usage = ratelimit.hit(f"sandbox-bank:{bank}:login:{login}", LOGIN_RATE)
        customer = None
        if usage.exceeded:
            form.add_error(None, _("Слишком много попыток входа. Повторите через 10 минут."))
        else:
            customer = sandbox.authenticate_customer(
                bank, login=login, password=form.cleaned_data["password"]
            )
            if customer is None:
                form.add_error(None, _("Неверный логин или пароль."))
        if customer is not None:
            consent = signing.dumps(
                {**asdict(auth_request), "customer_id": customer.pk}, salt=_salt(bank, "consent")
            )
            items = sandbox.consent_items(set(auth_request.scope.split()))
            return _page(
                request,
                bank,
                "consent.html",
                {"ticket": consent, "items": items, "customer": customer},
            )
    return _page(request, bank, "login.html", {"form": form, "ticket": ticket}, status=400)


@csrf_exempt
@require_POST
def token_view(request, bank):
    _bank_or_404(bank)
    try:
        client_id = sandbox.authenticate_client(
            bank, authorization=request.headers.get("Authorization", ""), form=request.POST
        )
        grant = sandbox.redeem_code(bank, client_id=client_id, form=request.POST)
    except sandbox.OAuthProblem as problem:
        return _oauth_error(problem)
    response = JsonResponse(
        sandbox.tokens_for(bank, iss=sandbox.issuer(request, bank), grant=grant)
    )
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo_view(request, bank):
    _bank_or_404(bank)
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return _oauth_error(
            sandbox.OAuthProblem("invalid_token", "a bearer token is required", 401)
        )
    try:
        claims = sandbox.userinfo(
            bank, iss=sandbox.issuer(request, bank), access_token=header[7:].strip()
        )
    except sandbox.OAuthProblem as problem:
        return _oauth_error(problem)
    return JsonResponse(claims)


# --- card checks ------------------------------------------------------------------------


@csrf_exempt
@require_POST
def card_checks_view(request, bank):
    """Back channel: the client opens a card check and gets the card page's address."""
    _bank_or_404(bank)
    try:
        client_id = sandbox.authenticate_client(
            bank, authorization=request.headers.get("Authorization", ""), form=request.POST
        )
        check = sandbox.create_card_check(
            bank, client_id=client_id, return_url=request.POST.get("return_url", "")
        )
    except sandbox.OAuthProblem as problem:
        return _oauth_error(problem)
    page = request.build_absolute_uri(reverse("sandbox_bank:card", args=[bank, check.pk]))
    return JsonResponse({"id": str(check.pk), "card_page": page}, status=201)


@require_GET
def card_check_view(request, bank, check_id):
    """Back channel: the result of a card check this client opened."""
    _bank_or_404(bank)
    try:
        client_id = sandbox.authenticate_client(
            bank, authorization=request.headers.get("Authorization", ""), form={}
        )
        answer = sandbox.card_check_result(bank, client_id=client_id, check_id=check_id)
    except sandbox.OAuthProblem as problem:
        return _oauth_error(problem)
    return JsonResponse(answer)


_EXPIRY = re.compile(r"^\s*(\d{2})\s*/\s*(\d{2})\s*$")


class CardForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Номер карты"),
        max_length=30,
        help_text=gettext_lazy("16 цифр с лицевой стороны карты."),
        error_messages={"required": gettext_lazy("Введите номер карты.")},
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    expiry = forms.CharField(
        label=gettext_lazy("Срок действия"),
        max_length=7,
        help_text=gettext_lazy("Месяц и год, как на карте: ММ/ГГ."),
        error_messages={"required": gettext_lazy("Введите срок действия карты.")},
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "inputmode": "numeric"}),
    )

    def clean_number(self) -> str:
        number = re.sub(r"[\s-]", "", self.cleaned_data["number"])
        if not number.isdigit() or len(number) != 16:
            raise forms.ValidationError(_("Номер карты — 16 цифр."))
        if not sandbox.luhn_valid(number):
            raise forms.ValidationError(_("Номер карты введён с ошибкой: проверьте цифры."))
        return number

    def clean_expiry(self) -> datetime.date:
        match = _EXPIRY.match(self.cleaned_data["expiry"])
        if not match or not 1 <= int(match.group(1)) <= 12:
            raise forms.ValidationError(
                _("Срок действия — месяц и год в виде ММ/ГГ, например 09/28.")
            )
        expiry = sandbox.last_day_of_month(2000 + int(match.group(2)), int(match.group(1)))
        if expiry < timezone.localdate():
            raise forms.ValidationError(_("Срок действия карты истёк — используйте другую карту."))
        return expiry


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Код из SMS"),
        max_length=10,
        error_messages={"required": gettext_lazy("Введите код из SMS.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Код из SMS — 6 цифр."))
        return code


def _back_to_client(check) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{check.return_url}?{urlencode({'check': str(check.pk)})}")


def _open_check_or_page(request, bank, check_id):
    check = sandbox.open_card_check(bank, check_id)
    if check is None:
        return None, _page(request, bank, "error.html", {"error": "card_check"}, status=404)
    return check, None


@never_cache
@require_http_methods(["GET", "POST"])
def card_view(request, bank, check_id):
    """The bank's page where the person types the card; then the 3-D Secure step."""
    _bank_or_404(bank)
    check, error_page = _open_check_or_page(request, bank, check_id)
    if error_page:
        return error_page
    if request.method == "POST" and request.POST.get("action") == "cancel":
        sandbox.cancel_card_check(check)
        return _back_to_client(check)
    if check.status == check.Status.AWAITING_CODE:
        return HttpResponseRedirect(reverse("sandbox_bank:card_code", args=[bank, check.pk]))
    form = CardForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sandbox.submit_card(
                check, number=form.cleaned_data["number"], expiry=form.cleaned_data["expiry"]
            )
        except sandbox.CardRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            if check.status == check.Status.DECLINED:
                return _back_to_client(check)
            return HttpResponseRedirect(reverse("sandbox_bank:card_code", args=[bank, check.pk]))
    status = 400 if form.is_bound and form.errors else 200
    return _page(request, bank, "card.html", {"form": form, "check": check}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def card_code_view(request, bank, check_id):
    _bank_or_404(bank)
    check, error_page = _open_check_or_page(request, bank, check_id)
    if error_page:
        return error_page
    if check.status != check.Status.AWAITING_CODE:
        return HttpResponseRedirect(reverse("sandbox_bank:card", args=[bank, check.pk]))
    if request.method == "POST" and request.POST.get("action") == "cancel":
        sandbox.cancel_card_check(check)
        return _back_to_client(check)
    form = CodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if sandbox.enter_code(check, code=form.cleaned_data["code"]):
            return _back_to_client(check)
        if check.status == check.Status.DECLINED:
            return _back_to_client(check)
        left = sandbox.THREE_DS_TRIES - check.attempts
        form.add_error("code", _("Неверный код. Осталось попыток: %(left)s.") % {"left": left})
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "check": check, "phone_tail": check.customer.phone[-4:]}
    return _page(request, bank, "card_code.html", context, status=status)

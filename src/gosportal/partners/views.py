"""Endpoints of the portal's single sign-on for partner sites (CAT-5) under /sso/:
discovery, JWKS, authorize (with the consent page), token, userinfo; the catalogue's
«Перейти на сайт партнёра»; and the person's «Сайты-партнёры» page with «Отозвать доступ».
"""

from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.accounts.levels import has_level, next_step
from gosportal.accounts.models import User
from gosportal.accounts.reauth import recently_reauthenticated
from gosportal.catalog import selectors as catalog_selectors
from gosportal.catalog.models import Service
from gosportal.core import audit, ratelimit
from gosportal.core.errors import Conflict, Forbidden, NotFound
from gosportal.core.net import allow_form_targets
from gosportal.core.oidc import OAuthProblem, error_response, with_query
from gosportal.partners import claims, provider, selectors, services
from gosportal.partners.models import SCOPE_LABELS, Partner

TICKET_SALT = "partners:consent"
TICKET_MAX_AGE = 600  # seconds between the consent page and the decision
GO_RATE = "30/10m"  # per person: «Перейти на сайт партнёра»
AUTHORIZE_RATE = "60/10m"  # per person: sign-ins at partner sites
TOKEN_RATE = "120/m"  # noqa: S105 -- per partner, not a secret
TOKEN_FAILURE_RATE = ratelimit.Rate(limit=20, period=600)  # per server address
USERINFO_RATE = "60/m"  # per access token
REVOKE_RATE = "30/h"
REALM = "gosportal-sso"


def _absolute(request, partner: Partner, url: str) -> str:
    """A sandbox partner registers paths on this host; a real one absolute URLs."""
    if partner.is_sandbox and url.startswith("/"):
        return request.build_absolute_uri(url)
    return url


# --- discovery and keys ---------------------------------------------------------------


@require_GET
def discovery_view(request):
    return JsonResponse(provider.discovery(provider.issuer(request)))


@require_GET
def jwks_view(request):
    return JsonResponse(services.jwks())


# --- «Перейти на сайт партнёра» ---------------------------------------------------------


@login_required
@require_GET
def go_view(request, slug: str):
    """From the service card to the partner site, once the service's level is met: the
    partner starts its sign-in (OpenID Connect third-party initiated login)."""
    try:
        service = catalog_selectors.published_service(slug)
    except NotFound:
        raise Http404 from None
    link = selectors.partner_link_for(service)
    if link is None:
        raise Http404
    user = request.user
    if service.availability != Service.Availability.AVAILABLE:
        raise Conflict(_("Услуга временно недоступна."))
    if not has_level(user, service.min_level):
        context = {
            "needed": User.Level(service.min_level).label,
            "current": User.Level(user.level).label,
            "step": next_step(user),
        }
        return render(request, "accounts/level_required.html", context, status=403)
    kind = "individual" if user.kind == User.Kind.CIVIL_SERVANT else user.kind
    if not service.may_apply(kind):
        raise Forbidden(_("Эту услугу не может получить учётная запись вашего типа."))
    ratelimit.check(f"partners:go:user:{user.pk}", GO_RATE)
    partner = link.partner
    return HttpResponseRedirect(
        with_query(
            _absolute(request, partner, partner.initiate_login_uri),
            iss=provider.issuer(request),
            target_link_uri=_absolute(request, partner, link.target_url),
        )
    )


# --- authorize and consent -------------------------------------------------------------


def _error_page(request, error: str, status: int = 400):
    return render(request, "partners/error.html", {"error": error}, status=status)


def _back(auth: provider.AuthorizationRequest, **params) -> HttpResponseRedirect:
    return HttpResponseRedirect(with_query(auth.redirect_uri, **params, state=auth.state))


def _grant_code(request, partner: Partner, auth: provider.AuthorizationRequest, consent):
    code = services.issue_code(user=request.user, partner=partner, request=auth, consent=consent)
    return _back(auth, code=code, iss=provider.issuer(request))


def _consent_page(request, partner: Partner, auth, *, error: str = "", status: int = 200):
    shared, held = claims.consent_items(request.user, auth.scopes)
    ticket = signing.dumps({**asdict(auth), "user": request.user.pk}, salt=TICKET_SALT)
    context = {
        "partner": partner,
        "shared": shared,
        "held": held,
        "ticket": ticket,
        "error": error,
        "asked_before": selectors.active_consent(request.user, partner) is not None,
    }
    response = render(request, "partners/consent.html", context, status=status)
    # The decision is a form post answered by a redirect to the partner's site.
    allow_form_targets(response, [auth.redirect_uri])
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def authorize_view(request):
    """The partner sends the person here; they sign in if needed, allow sharing once,
    and go back with a single-use code."""
    if request.method == "POST":
        return _decide(request)
    checked = provider.check_authorization_request(request.GET, host=request.get_host())
    if checked.partner is None:
        return _error_page(request, checked.error)
    auth, partner = checked.request, checked.partner
    if checked.error:
        return _back(auth, error=checked.error, error_description=checked.description)
    if not request.user.is_authenticated:
        if "none" in auth.prompts:
            return _back(auth, error="login_required")
        return redirect_to_login(request.get_full_path())
    if "login" in auth.prompts and not recently_reauthenticated(request):
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:reauth')}?{query}")
    ratelimit.check(f"partners:authorize:user:{request.user.pk}", AUTHORIZE_RATE)
    consent = selectors.active_consent(request.user, partner)
    if consent is not None and auth.scopes <= consent.scope_set and "consent" not in auth.prompts:
        return _grant_code(request, partner, auth, consent)
    if "none" in auth.prompts:
        return _back(auth, error="consent_required")
    return _consent_page(request, partner, auth)


def _decide(request):
    """«Разрешить» or «Отказаться» on the consent page."""
    if not request.user.is_authenticated:
        return _error_page(request, "expired")
    try:
        data = signing.loads(
            request.POST.get("ticket", ""), salt=TICKET_SALT, max_age=TICKET_MAX_AGE
        )
        if data.pop("user") != request.user.pk:
            raise signing.BadSignature
        auth = provider.AuthorizationRequest(**data)
    except (signing.BadSignature, TypeError, KeyError, AttributeError):
        return _error_page(request, "expired")
    partner = selectors.partner_by_client_id(auth.client_id)
    if partner is None or not provider.redirect_uri_registered(
        partner, auth.redirect_uri, host=request.get_host()
    ):
        return _error_page(request, "invalid_client")
    decision = request.POST.get("decision")
    if decision == "deny":
        return _back(auth, error="access_denied", error_description="the person refused")
    if decision != "allow":
        message = _("Выберите: разрешить передачу данных или отказаться.")
        return _consent_page(request, partner, auth, error=message, status=400)
    if not auth.scopes <= partner.scope_set:  # the registration changed meanwhile
        return _back(auth, error="invalid_scope", error_description="scope not registered")
    ratelimit.check(f"partners:authorize:user:{request.user.pk}", AUTHORIZE_RATE)
    consent = services.grant_consent(user=request.user, partner=partner, scopes=auth.scopes)
    return _grant_code(request, partner, auth, consent)


# --- back channel: token and userinfo ------------------------------------------------------


def _json(body: dict) -> JsonResponse:
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@csrf_exempt
@require_POST
def token_view(request):
    """Authorization code for tokens; the client authenticates as it is registered."""
    iss = provider.issuer(request)
    # Back-channel calls come from the partners' servers, so failures count per address.
    failures_key = f"partners:token:failures:{ratelimit.key_ip(request)}"
    if ratelimit.peek(failures_key, TOKEN_FAILURE_RATE).count >= TOKEN_FAILURE_RATE.limit:
        return error_response(
            OAuthProblem("invalid_client", "too many failed attempts, try later", 429),
            realm=REALM,
        )
    try:
        partner, assertion = provider.authenticate_client(
            authorization=request.headers.get("Authorization", ""),
            form=request.POST,
            audiences=[f"{iss}/token", iss],
        )
    except OAuthProblem as problem:
        ratelimit.hit(failures_key, TOKEN_FAILURE_RATE)
        audit.record(
            "partners.client_auth_failed",
            object_type="partners.partner",
            details={"error": problem.description[:100]},
        )
        return error_response(problem, realm=REALM)
    if ratelimit.hit(f"partners:token:client:{partner.pk}", TOKEN_RATE).exceeded:
        return error_response(
            OAuthProblem("temporarily_unavailable", "too many requests", 429), realm=REALM
        )
    try:
        if assertion is not None:
            services.spend_assertion(partner=partner, assertion=assertion)
        grant = services.redeem_code(partner=partner, form=request.POST)
        body = services.issue_tokens(grant=grant, iss=iss)
    except OAuthProblem as problem:
        audit.record(
            "partners.token_refused",
            obj=partner,
            details={"error": problem.error, "description": problem.description[:100]},
        )
        return error_response(problem, realm=REALM)
    return _json(body)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo_view(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return error_response(
            OAuthProblem("invalid_token", "a bearer token is required", 401), realm=REALM
        )
    raw = header[7:].strip()
    # Guessed tokens count per address, like failed client logins at the token endpoint.
    failures_key = f"partners:userinfo:failures:{ratelimit.key_ip(request)}"
    if ratelimit.peek(failures_key, TOKEN_FAILURE_RATE).count >= TOKEN_FAILURE_RATE.limit:
        return error_response(
            OAuthProblem("invalid_token", "too many failed attempts, try later", 429),
            realm=REALM,
        )
    if ratelimit.hit(f"partners:userinfo:{raw[:64]}", USERINFO_RATE).exceeded:
        return error_response(
            OAuthProblem("temporarily_unavailable", "too many requests", 429), realm=REALM
        )
    token = selectors.token_for(raw)
    if token is None:
        ratelimit.hit(failures_key, TOKEN_FAILURE_RATE)
        return error_response(
            OAuthProblem("invalid_token", "the access token is not valid", 401), realm=REALM
        )
    try:
        return _json(services.userinfo(token=token))
    except OAuthProblem as problem:
        return error_response(problem, realm=REALM)


# --- «Сайты-партнёры» -------------------------------------------------------------------


class RevokeForm(forms.Form):
    consent = forms.IntegerField(min_value=1)


def _scope_labels(scopes: set[str]) -> list:
    return [label for scope, label in SCOPE_LABELS.items() if scope in scopes]


@login_required
@require_GET
def sites_view(request):
    """The partner sites the person allowed, what each receives, and «Отозвать доступ»."""
    consents = selectors.consents_for(request.user)
    context = {
        "items": [{"consent": c, "scopes": _scope_labels(c.scope_set)} for c in consents],
        "history": selectors.revoked_consents_for(request.user),
    }
    return render(request, "partners/sites.html", context)


@login_required
@require_POST
@ratelimit.ratelimit(group="partners:revoke", rate=REVOKE_RATE)
def revoke_view(request):
    form = RevokeForm(data=request.POST)
    if not form.is_valid():
        raise Http404
    try:
        consent = services.revoke_consent(
            user=request.user, consent_id=form.cleaned_data["consent"]
        )
    except NotFound:
        raise Http404 from None
    messages.success(
        request,
        _("Доступ сайта «%(partner)s» отозван. При следующем входе он снова спросит разрешение.")
        % {"partner": consent.partner.name},
    )
    return redirect("partners:sites")

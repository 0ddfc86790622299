"""Pages of the sandbox partner sites (/sandbox/partner/<site>/): home with «Войти через
Госпортал», the login start (also the portal's third-party initiated login), the
callback that exchanges the code over the back channel, the site's service page and
sign-out. The site keeps its own sign-in in the session under its own key."""

import datetime
import re
import secrets
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gosportal.core.oidc_client import OIDCError
from gosportal.partners import sandbox

FLOW_TTL_SECONDS = 600


def _site_or_404(slug: str) -> sandbox.SandboxSite:
    site = sandbox.site_or_none(slug)
    if not settings.PARTNER_SANDBOX or site is None:
        raise Http404
    return site


def _key(site, name: str) -> str:
    return f"{sandbox.SESSION_PREFIX}:{site.slug}:{name}"


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _page(request, site, template: str, context: dict | None = None, status: int = 200):
    context = {
        "site": site,
        "signed_in": request.session.get(_key(site, "user")),
        "portal_card": f"/services/{site.service_slug}/",
        **(context or {}),
    }
    return render(request, f"partners/sandbox/{template}", context, status=status)


def _error(request, site, error: str, status: int = 400):
    return _page(request, site, "error.html", {"error": error}, status=status)


def _display_name(claims: dict) -> str:
    names = [claims.get("given_name", ""), claims.get("family_name", "")]
    return " ".join(n for n in names if n)


@require_GET
def home_view(request, site):
    site = _site_or_404(site)
    return _page(request, site, "home.html")


@never_cache
@require_GET
def login_view(request, site):
    """Start the sign-in at the portal. With ``iss`` (the portal's third-party initiated
    login) the issuer must be the portal; ``target_link_uri`` must be on this site."""
    site = _site_or_404(site)
    origin = _origin(request)
    client = sandbox.portal_client(site, origin=origin)
    iss = request.GET.get("iss")
    if iss is not None and iss != client.issuer:
        return _error(request, site, "issuer")
    target = request.GET.get("target_link_uri", "")
    parts = urlsplit(target)
    home = sandbox.path(site)
    if not (
        f"{parts.scheme}://{parts.netloc}" == origin
        and parts.path.startswith(home)
        and not parts.query
        and not parts.fragment
    ):
        target = origin + home
    flow = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
        "redirect_uri": origin + sandbox.path(site, "callback/"),
        "target": target,
        "started": int(timezone.now().timestamp()),
    }
    try:
        url = client.authorization_url(
            redirect_uri=flow["redirect_uri"],
            state=flow["state"],
            nonce=flow["nonce"],
            code_verifier=flow["verifier"],
        )
    except OIDCError:
        return _error(request, site, "unavailable", status=502)
    request.session[_key(site, "flow")] = flow
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def callback_view(request, site):
    """Back from the portal: check the state, exchange the code, verify the ID token."""
    site = _site_or_404(site)
    flow = request.session.pop(_key(site, "flow"), None)  # single use
    now = int(timezone.now().timestamp())
    if (
        not isinstance(flow, dict)
        or not request.GET.get("state")
        or request.GET.get("state") != flow.get("state")
        or now - flow.get("started", 0) > FLOW_TTL_SECONDS
    ):
        return _error(request, site, "state")
    if request.GET.get("error"):
        error = "denied" if request.GET["error"] == "access_denied" else "refused"
        return _page(
            request, site, "error.html", {"error": error, "code": request.GET["error"][:50]}
        )
    client = sandbox.portal_client(site, origin=_origin(request))
    try:
        tokens = client.exchange_code(
            code=request.GET.get("code", ""),
            redirect_uri=flow["redirect_uri"],
            code_verifier=flow["verifier"],
        )
        id_claims = client.verify_id_token(tokens["id_token"], nonce=flow["nonce"])
        userinfo = client.userinfo(tokens["access_token"])
    except OIDCError as error:
        return _page(
            request, site, "error.html", {"error": "refused", "code": error.code[:50]}, status=400
        )
    if userinfo.get("sub") != id_claims["sub"]:
        return _error(request, site, "refused")
    claims = {**userinfo, **{k: v for k, v in id_claims.items() if k in ("sub", "acr")}}
    request.session[_key(site, "user")] = {
        "sub": id_claims["sub"],
        "name": _display_name(claims),
        "claims": claims,
    }
    return HttpResponseRedirect(flow["target"])


@require_POST
def logout_view(request, site):
    site = _site_or_404(site)
    request.session.pop(_key(site, "user"), None)
    request.session.pop(_key(site, "done"), None)
    return HttpResponseRedirect(sandbox.path(site))


# --- the site's service ------------------------------------------------------------------


class AppointmentForm(forms.Form):
    clinic = forms.ChoiceField(
        label=gettext_lazy("Поликлиника"),
        choices=[("", "—"), *sandbox.CLINICS],
        error_messages={
            "required": gettext_lazy("Выберите поликлинику."),
            "invalid_choice": gettext_lazy("Выберите поликлинику из списка."),
        },
    )
    specialist = forms.ChoiceField(
        label=gettext_lazy("Специалист"),
        choices=[("", "—"), *sandbox.SPECIALISTS],
        error_messages={
            "required": gettext_lazy("Выберите специалиста."),
            "invalid_choice": gettext_lazy("Выберите специалиста из списка."),
        },
    )
    day = forms.DateField(
        label=gettext_lazy("Дата приёма"),
        help_text=gettext_lazy("В ближайшие две недели, в виде ДД.ММ.ГГГГ."),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        error_messages={
            "required": gettext_lazy("Укажите дату приёма."),
            "invalid": gettext_lazy("Дата приёма — в виде ДД.ММ.ГГГГ."),
        },
    )

    def clean_day(self) -> datetime.date:
        day = self.cleaned_data["day"]
        today = timezone.localdate()
        if not today < day <= today + datetime.timedelta(days=sandbox.BOOKING_DAYS_AHEAD):
            raise forms.ValidationError(_("Записаться можно на завтра и ещё на 13 дней вперёд."))
        return day


class PolicyForm(forms.Form):
    series = forms.ChoiceField(
        label=gettext_lazy("Серия полиса"),
        choices=[("", "—"), *sandbox.POLICY_SERIES],
        error_messages={
            "required": gettext_lazy("Выберите серию полиса."),
            "invalid_choice": gettext_lazy("Выберите серию полиса из списка."),
        },
    )
    number = forms.CharField(
        label=gettext_lazy("Номер полиса"),
        max_length=20,
        help_text=gettext_lazy("10 цифр."),
        error_messages={"required": gettext_lazy("Введите номер полиса.")},
    )

    def clean_number(self) -> str:
        number = re.sub(r"\s", "", self.cleaned_data["number"])
        if not re.fullmatch(r"\d{10}", number):
            raise forms.ValidationError(_("Номер полиса — 10 цифр."))
        return number


@never_cache
@require_http_methods(["GET", "POST"])
def service_view(request, site):
    """The partner's own service page; signing in first through the portal."""
    site = _site_or_404(site)
    signed_in = request.session.get(_key(site, "user"))
    if not signed_in:
        query = urlencode({"target_link_uri": request.build_absolute_uri(request.path)})
        return HttpResponseRedirect(f"{sandbox.path(site, 'login/')}?{query}")
    form_class = AppointmentForm if site.slug == "zdorovie71" else PolicyForm
    form = form_class(data=request.POST if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if form_class is AppointmentForm:
            result = {
                "clinic": dict(sandbox.CLINICS)[data["clinic"]],
                "specialist": dict(sandbox.SPECIALISTS)[data["specialist"]],
                "day": data["day"],
                "ticket": sandbox.ticket_number(
                    sub=signed_in["sub"], clinic=data["clinic"], day=data["day"]
                ),
            }
        else:
            result = {
                "policy": f"{dict(sandbox.POLICY_SERIES)[data['series']]} {data['number']}",
                "valid": sandbox.policy_status(data["number"]),
            }
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "result": result, "kind": form_class.__name__}
    return _page(request, site, "service.html", context, status=status)

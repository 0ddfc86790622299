"""Pages «Настройки профиля» (PROF-6) and «Согласия на обработку данных» (PROF-5)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gosportal.core.errors import DomainError, NotFound, add_to_form
from gosportal.profiles import preferences
from gosportal.profiles.middleware import remember_preferences
from gosportal.profiles.settings_forms import GrantConsentForm, PreferencesForm, RevokeConsentForm


def set_language_cookie(response, language: str) -> None:
    """The cookie keeps the language after sign-out (UX-1), as Django's switch sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    user = request.user
    initial = {name: getattr(user, name) for name in preferences.PREFERENCE_FIELDS}
    form = PreferencesForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preferences.update_preferences(user=user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            remember_preferences(request.session, user)
            # The confirmation is already in the language just chosen.
            translation.activate(user.language)
            messages.success(request, _("Настройки сохранены."))
            response = redirect("profiles:settings")
            set_language_cookie(response, user.language)
            return response
    context = {"form": form, "now": timezone.now()}
    return render(request, "profiles/settings.html", context, status=400 if form.errors else 200)


def _consents_page(request, *, revoke_form=None, revoke_id=None, status=200):
    context = {
        **preferences.consents_overview(request.user),
        "revoke_form": revoke_form or RevokeConsentForm(),
        "revoke_id": revoke_id,
    }
    return render(request, "profiles/consents.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def consents_view(request):
    return _consents_page(request)


@login_required
@require_POST
def grant_consent_view(request):
    form = GrantConsentForm(data=request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["scope"][0])
        return redirect("profiles:consents")
    try:
        consent = preferences.grant_consent(user=request.user, scope=form.cleaned_data["scope"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Согласие «%(scope)s» дано.") % {"scope": consent.get_scope_display()}
        )
    return redirect("profiles:consents")


@login_required
@require_POST
def revoke_consent_view(request):
    form = RevokeConsentForm(data=request.POST)
    if not form.is_valid():
        raise Http404
    consent_id = form.cleaned_data["consent"]
    try:
        consent = preferences.revoke_consent(
            user=request.user, consent_id=consent_id, confirmed=form.cleaned_data["confirm"]
        )
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as error:
        add_to_form(form, error)
        return _consents_page(request, revoke_form=form, revoke_id=consent_id, status=400)
    messages.success(
        request, _("Согласие «%(scope)s» отозвано.") % {"scope": consent.get_scope_display()}
    )
    return redirect("profiles:consents")

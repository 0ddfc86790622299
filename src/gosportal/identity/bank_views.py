"""Pages of confirmation through a partner bank (REG-3): start at the bank, the bank's
callback, the card check and the result."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gosportal.accounts.levels import LevelTooLow, has_level
from gosportal.core.errors import DomainError
from gosportal.identity import bank
from gosportal.identity.models import Confirmation


def _portal_base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _refusal_page(request, error: DomainError):
    context = {
        "message": error.message,
        "needs_data": isinstance(error, LevelTooLow) and not has_level(request.user, "standard"),
    }
    return render(request, "identity/bank_error.html", context, status=error.status)


@login_required
@require_GET
def start_view(request, bank_id):
    """Off to the bank's sign-in, with state, nonce and PKCE kept in the session."""
    try:
        url, flow = bank.start_bank_sign_in(
            user=request.user,
            bank_id=bank_id,
            portal_base=_portal_base(request),
            redirect_uri=request.build_absolute_uri(reverse("identity:bank:callback")),
        )
    except DomainError as error:
        return _refusal_page(request, error)
    request.session[bank.FLOW_SESSION_KEY] = flow
    return redirect(url)


@never_cache
@login_required
@require_GET
def callback_view(request):
    """The bank sends the person back here with a code (or an error) and the state."""
    flow = request.session.pop(bank.FLOW_SESSION_KEY, None)  # single use
    try:
        confirmation = bank.finish_bank_sign_in(
            user=request.user, flow=flow, params=request.GET, portal_base=_portal_base(request)
        )
    except DomainError as error:
        return _refusal_page(request, error)
    return redirect("identity:bank:result", confirmation_id=confirmation.pk)


class CardStartForm(forms.Form):
    bank = forms.ChoiceField(
        label=gettext_lazy("Банк, выпустивший карту"),
        error_messages={
            "required": gettext_lazy("Выберите банк."),
            "invalid_choice": gettext_lazy("Выберите банк из списка."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].choices = [(b.id, b.name) for b in bank.banks()]


@login_required
@require_POST
def card_start_view(request):
    form = CardStartForm(data=request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("identity:index")
    try:
        _confirmation, card_page = bank.start_card_check(
            user=request.user,
            bank_id=form.cleaned_data["bank"],
            portal_base=_portal_base(request),
            return_url=request.build_absolute_uri(reverse("identity:bank:card_return")),
        )
    except DomainError as error:
        return _refusal_page(request, error)
    return redirect(card_page)


@never_cache
@login_required
@require_GET
def card_return_view(request):
    """Back from the bank's card page: the result comes over the back channel."""
    try:
        confirmation = bank.finish_card_check(
            user=request.user,
            check_id=request.GET.get("check", ""),
            portal_base=_portal_base(request),
        )
    except DomainError as error:
        return _refusal_page(request, error)
    return redirect("identity:bank:result", confirmation_id=confirmation.pk)


@login_required
@require_GET
def result_view(request, confirmation_id):
    confirmation = bank.confirmation_of(request.user, confirmation_id)
    if confirmation is None:
        raise Http404
    details = confirmation.details or {}
    context = {
        "confirmation": confirmation,
        "confirmed": confirmation.status == Confirmation.Status.CONFIRMED,
        "bank_name": bank.bank_name(details.get("bank", "")),
        "matched": [
            bank.FIELD_LABELS[f] for f in details.get("matched", []) if f in bank.FIELD_LABELS
        ],
        "differing": [
            bank.FIELD_LABELS[f] for f in details.get("differing", []) if f in bank.FIELD_LABELS
        ],
    }
    return render(request, "identity/bank_result.html", context)

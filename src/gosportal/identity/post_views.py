"""Pages of confirmation by a code in a Russian Post letter (REG-3)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gosportal.accounts.models import User
from gosportal.accounts.reauth import reauth_required
from gosportal.core.errors import DomainError, add_to_form
from gosportal.identity import post
from gosportal.profiles.selectors import profile_of


class LetterCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Код из письма"),
        max_length=40,
        help_text=gettext_lazy("10 символов; регистр, пробелы и дефисы не важны."),
        error_messages={
            "required": gettext_lazy("Введите код из письма."),
            "max_length": gettext_lazy("Код из письма — 10 символов."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = post.normalize_code(self.cleaned_data["code"])
        if len(code) != post.CODE_LENGTH or any(c not in post.CODE_ALPHABET for c in code):
            raise forms.ValidationError(
                _("Код из письма — 10 символов: латинские буквы и цифры, как в письме.")
            )
        return code


def _page_url(request) -> str:
    # The namespace depends on where identity/urls.py includes these patterns.
    return reverse(f"{request.resolver_match.namespace}:page")


@login_required
@require_http_methods(["GET", "POST"])
def letter_view(request):
    user = request.user
    form = LetterCodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post.enter_letter_code(user=user, code=form.cleaned_data["code"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Личность подтверждена. Учётная запись — подтверждённая."))
            return redirect(_page_url(request))
    letter = post.pending_letter(user)
    namespace = request.resolver_match.namespace
    context = {
        "form": form,
        "state": (
            "confirmed"
            if user.level == User.Level.CONFIRMED
            else "simplified"
            if user.level == User.Level.SIMPLIFIED
            else "standard"
        ),
        "address": profile_of(user).registration_address.strip(),
        "letter": letter,
        "tracking": post.tracking_of(letter) if letter else [],
        "letters": post.letters_of(user)[:10],
        "next_allowed_at": post.next_letter_allowed_at(user),
        "page_url": reverse(f"{namespace}:page"),
        "order_url": reverse(f"{namespace}:order"),
    }
    return render(request, "identity/letter.html", context)


@reauth_required
@require_http_methods(["GET", "POST"])
def order_view(request):
    if request.method == "GET":  # back from «Подтвердите, что это вы»: the page has the button
        return redirect(_page_url(request))
    try:
        letter = post.order_letter(user=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Письмо заказано. Почтовый идентификатор: %(number)s.")
            % {"number": letter.tracking_number},
        )
    return redirect(_page_url(request))

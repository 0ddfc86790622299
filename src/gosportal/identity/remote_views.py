"""Pages of the remote identity check (REG-3) under /identity/remote/: upload the
passport page and a selfie, see the OCR pre-check, send the request to an operator."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gosportal.accounts.levels import has_level
from gosportal.accounts.reauth import reauth_required
from gosportal.core.errors import DomainError, add_to_form
from gosportal.core.files import kinds_label
from gosportal.identity import remote


class UploadForm(forms.Form):
    passport = forms.FileField(
        label=gettext_lazy("Страница паспорта с фотографией"),
        help_text=gettext_lazy(
            "Скан или фото разворота с фотографией, все данные читаются: %(kinds)s, до 5 МБ."
        )
        % {"kinds": kinds_label(remote.PASSPORT_KINDS)},
        error_messages={
            "required": gettext_lazy("Загрузите фото или скан страницы паспорта с фотографией."),
            "empty": gettext_lazy("Файл пустой. Загрузите файл с документом."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    selfie = forms.FileField(
        label=gettext_lazy("Ваше фото с паспортом"),
        help_text=gettext_lazy(
            "Держите паспорт открытым на странице с фотографией рядом с лицом: %(kinds)s, до 5 МБ."
        )
        % {"kinds": kinds_label(remote.SELFIE_KINDS)},
        error_messages={
            "required": gettext_lazy("Загрузите фото, на котором вы держите паспорт."),
            "empty": gettext_lazy("Файл пустой. Загрузите файл с документом."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )


def _page(request, form=None, *, status=200):
    user = request.user
    check = remote.current_check(user)
    context = {
        "form": form or UploadForm(),
        "is_confirmed": has_level(user, "confirmed"),
        "is_standard": has_level(user, "standard"),
        "check": check,
        "mismatches": remote.mismatches_of(check) if check else [],
    }
    return render(request, "identity/remote.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def remote_view(request):
    if request.method == "GET":
        return _page(request)
    form = UploadForm(data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            remote.start_remote_check(
                user=request.user,
                passport=form.cleaned_data["passport"],
                selfie=form.cleaned_data["selfie"],
            )
        except DomainError as error:
            add_to_form(form, error)
            return _page(request, form, status=error.status)
        messages.success(request, _("Фотографии загружены. Идёт автоматическая проверка."))
        return redirect("identity:remote:page")
    return _page(request, form, status=400)


def _act(request, action, check_id: int, success: str):
    try:
        action(user=request.user, check_id=check_id)
    except remote.CheckNotFound:
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect("identity:remote:page")


@reauth_required
@require_http_methods(["GET", "POST"])
def submit_view(request, check_id: int):
    remote.check_of(request.user, check_id)  # someone else's request: 404
    if request.method == "GET":  # back from «Подтвердите, что это вы»: the page has the button
        return redirect("identity:remote:page")
    return _act(
        request,
        remote.submit_for_review,
        check_id,
        _("Заявка отправлена оператору. О решении придёт уведомление."),
    )


@login_required
@require_POST
def compare_view(request, check_id: int):
    return _act(request, remote.compare_again, check_id, _("Данные сравнены ещё раз."))


@login_required
@require_POST
def cancel_view(request, check_id: int):
    return _act(
        request,
        remote.cancel_remote_check,
        check_id,
        _("Заявка отменена, фотографии удалены."),
    )

"""Forms of the operator desks: the service-centre code and the decision on it (OFF-4)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gosportal.identity.service_centre import normalize_code

CONFIRM = "confirm"
REJECT = "reject"


def _clean_code(value: str) -> str:
    code = normalize_code(value)
    if code is None:
        raise ValidationError(_("Введите код из 8 букв и цифр, например ABCD-3479."))
    return code


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Код подтверждения"),
        max_length=20,
        help_text=_("8 символов с экрана или распечатки, например ABCD-3479."),
        error_messages={"required": _("Введите код подтверждения.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])


class DecisionForm(forms.Form):
    code = forms.CharField(max_length=20, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[(CONFIRM, _("Подтвердить")), (REJECT, _("Отказать"))],
        error_messages={
            "required": _("Выберите решение."),
            "invalid_choice": _("Выберите решение."),
        },
    )
    reason = forms.CharField(
        label=_("Причина отказа"),
        required=False,
        max_length=300,
        help_text=_("Обязательна при отказе, от 5 до 300 символов. Её увидит заявитель."),
        error_messages={"max_length": _("Причина отказа — не больше 300 символов.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_code(self):
        return _clean_code(self.cleaned_data["code"])

    def clean(self):
        data = super().clean()
        reason = (data.get("reason") or "").strip()
        data["reason"] = reason
        if (
            data.get("decision") == REJECT
            and not 5 <= len(reason) <= 300
            and not self.has_error("reason")
        ):
            self.add_error("reason", _("Укажите причину отказа: от 5 до 300 символов."))
        return data

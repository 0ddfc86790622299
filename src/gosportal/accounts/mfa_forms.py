"""Forms of the second-factor pages: one code field, validated on the server."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeInput(forms.TextInput):
    """A code is a secret: after a failed try the field comes back empty."""

    def format_value(self, value):
        return None


class CodeForm(forms.Form):
    """A one-time code: from the authenticator app, an SMS or an e-mail (6 digits)."""

    code = forms.CharField(
        label=_("Код подтверждения"),
        max_length=64,
        widget=CodeInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Введите код."),
            "max_length": _("Код слишком длинный."),
        },
    )

    def __init__(self, *args, label=None, hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["code"].label = label
        if hint:
            self.fields["code"].help_text = hint

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code:
            raise forms.ValidationError(_("Введите код."), code="required")
        return code


class RecoveryCodeForm(CodeForm):
    """One of the ten recovery codes (ABCD-EFGH)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Резервный код")
        self.fields["code"].help_text = _("Восемь букв и цифр, например ABCD-EFGH.")
        self.fields["code"].widget.attrs.update(inputmode="text", autocapitalize="characters")

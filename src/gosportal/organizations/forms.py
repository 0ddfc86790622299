"""Forms of the organisations pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class EntrepreneurForm(forms.Form):
    ogrnip = forms.CharField(
        label=_("ОГРНИП"),
        max_length=40,
        help_text=_("15 цифр из листа записи ЕГРИП, например 321770000123456."),
        error_messages={"required": _("Введите ОГРНИП."), "max_length": _("ОГРНИП — 15 цифр.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

from django import forms
from django.utils.translation import gettext_lazy as _


class NumberForm(forms.Form):
    number = forms.CharField(
        label=_("Номер документа"),
        max_length=40,
        help_text=_("Номер напечатан в правом верхнем углу документа, например DOC-2026-000123."),
        error_messages={"required": _("Введите номер документа.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Файл документа"),
        help_text=_("Файл PDF размером до 10 МБ. Файл не сохраняется на портале."),
        error_messages={
            "required": _("Выберите файл документа."),
            "empty": _("Файл пустой. Выберите файл документа."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )

"""Forms of the account pages: contacts (REC-3), deletion (REC-4), switching (REG-6)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gosportal.core.validators import normalize_phone


class CodeInput(forms.TextInput):
    """A one-time code field that never echoes what was typed back into the page."""

    def format_value(self, value):
        return None


def code_field(label, *, max_length: int = 12) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=CodeInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={
            "required": _("Введите код."),
            "max_length": _("Код слишком длинный."),
        },
    )


class PhoneChangeForm(forms.Form):
    phone = forms.CharField(
        label=_("Новый номер телефона"),
        max_length=32,
        help_text=_("Например, +7 900 123-45-67. На него придёт код."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={
            "required": _("Укажите новый номер телефона."),
            "max_length": _("Номер телефона слишком длинный."),
        },
    )

    def clean_phone(self):
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="phone_format") from exc


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Новый адрес электронной почты"),
        max_length=254,
        help_text=_("На него придёт код."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Укажите новый адрес электронной почты."),
            "invalid": _("Адрес электронной почты указан неверно. Пример: ivanov@mail.ru."),
            "max_length": _("Адрес электронной почты слишком длинный."),
        },
    )


class ContactCodeForm(forms.Form):
    code = code_field(_("Код из сообщения"))


class SecondFactorForm(forms.Form):
    code = code_field(_("Код из приложения или резервный код"), max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["inputmode"] = "text"


class DeleteConfirmForm(forms.Form):
    code = code_field(_("Код из сообщения"))
    confirm = forms.BooleanField(
        label=_("Я понимаю, что удаление нельзя отменить"),
        error_messages={
            "required": _("Отметьте «Я понимаю, что удаление нельзя отменить»."),
        },
    )


class SwitchForm(forms.Form):
    account = forms.UUIDField(
        error_messages={
            "required": _("Выберите учётную запись."),
            "invalid": _("Учётная запись указана неверно."),
        }
    )

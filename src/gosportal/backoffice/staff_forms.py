"""Forms of «Сотрудники ведомства» and of an officer's activation (REG-5).

The forms only say what is missing; ``catalog.services`` checks the values and its
errors land on the fields, so what was typed is never lost.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.registration_forms import NewPasswordForm
from gosportal.catalog.models import Officer


def _text(label, *, max_length, required=True, help_text="", required_message=None, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "required": required_message or _("Заполните поле."),
            "max_length": _("Не длиннее %(limit_value)s символов."),
        },
    )


class OfficerForm(forms.Form):
    last_name = _text(
        _("Фамилия"),
        max_length=100,
        autocomplete="off",
        required_message=_("Укажите фамилию."),
    )
    first_name = _text(
        _("Имя"), max_length=100, autocomplete="off", required_message=_("Укажите имя.")
    )
    middle_name = _text(
        _("Отчество"),
        max_length=100,
        required=False,
        autocomplete="off",
        help_text=_("Если есть."),
    )
    phone = _text(
        _("Мобильный телефон"),
        max_length=32,
        help_text=_("Например, +7 900 123-45-67. На него придёт код, он же — второй фактор."),
        required_message=_("Укажите номер мобильного телефона."),
        type="tel",
        inputmode="tel",
        autocomplete="off",
    )
    email = _text(
        _("Электронная почта"),
        max_length=254,
        help_text=_("На неё придёт ссылка для активации учётной записи."),
        required_message=_("Укажите адрес электронной почты."),
        type="email",
        autocomplete="off",
    )
    service_id = _text(
        _("Номер служебного удостоверения"),
        max_length=30,
        required_message=_("Укажите номер служебного удостоверения."),
        autocomplete="off",
    )
    staff_number = _text(
        _("Табельный номер"),
        max_length=20,
        required_message=_("Укажите табельный номер."),
        autocomplete="off",
    )
    position = _text(
        _("Должность"),
        max_length=200,
        required_message=_("Укажите должность."),
        autocomplete="off",
    )
    role = forms.ChoiceField(
        label=_("Роль"),
        choices=[("", "—"), *Officer.Role.choices],
        error_messages={
            "required": _("Выберите роль."),
            "invalid_choice": _("Выберите роль из списка."),
        },
    )


class ActivationForm(NewPasswordForm):
    """The code from the SMS and a new password twice, under the policy (AUTH-2)."""

    code = forms.CharField(
        label=_("Код из SMS"),
        max_length=12,
        help_text=_("6 цифр. Нажмите «Получить код», если SMS ещё не пришло."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={
            "required": _("Введите код из SMS."),
            "max_length": _("Код — 6 цифр из SMS."),
        },
    )

    field_order = ["code", "password1", "password2"]

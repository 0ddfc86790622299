"""Forms of registration, recovery and password change. Passwords are never re-shown."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.models import User
from gosportal.accounts.passwords import MAX_LENGTH
from gosportal.core.validators import normalize_phone


def _password_field(label, *, autocomplete="new-password", required_message=None, meter=False):
    attrs = {"autocomplete": autocomplete, "maxlength": MAX_LENGTH}
    if meter:
        attrs["data-password-meter"] = "password-meter"
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_LENGTH,
        widget=forms.PasswordInput(attrs=attrs),
        error_messages={
            "required": required_message or _("Введите пароль."),
            "max_length": _("Пароль не длиннее %(limit_value)s символов."),
        },
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Мобильный телефон"),
        max_length=32,
        help_text=_("Например, +7 900 123-45-67. На этот номер придёт SMS с кодом."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={
            "required": _("Укажите номер мобильного телефона."),
            "max_length": _("Номер телефона не длиннее %(limit_value)s символов."),
        },
    )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Код из сообщения"),
        max_length=12,
        help_text=_("6 цифр."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={
            "required": _("Введите код из сообщения."),
            "max_length": _("Код — 6 цифр из сообщения."),
        },
    )


class NewPasswordForm(forms.Form):
    """A new password twice, checked against the policy for ``user`` (may be unsaved)."""

    password1 = _password_field(
        _("Новый пароль"), required_message=_("Придумайте пароль."), meter=True
    )
    password2 = _password_field(_("Повторите пароль"), required_message=_("Повторите пароль."))

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = _(
            "Не меньше 8 символов: заглавные и строчные буквы, цифра и специальный символ. "
            "Рекомендуем от 12 символов."
        )

    def policy_user(self):
        return self.user

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Пароли не совпадают."))
        if first and "password1" not in self.errors:
            try:
                validate_password(first, self.policy_user())
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RegisterPasswordForm(NewPasswordForm):
    email = forms.EmailField(
        label=_("Электронная почта (необязательно)"),
        required=False,
        max_length=254,
        help_text=_("Пришлём ссылку для подтверждения. Почта поможет восстановить доступ."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Адрес электронной почты указан неверно. Пример: ivanov@example.ru."),
            "max_length": _("Адрес электронной почты не длиннее %(limit_value)s символов."),
        },
    )
    agree = forms.BooleanField(
        label=_("Я принимаю пользовательское соглашение"),
        error_messages={
            "required": _("Чтобы зарегистрироваться, примите пользовательское соглашение.")
        },
    )

    field_order = ["password1", "password2", "email", "agree"]

    def __init__(self, *args, phone=None, **kwargs):
        self.phone = phone
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Пароль")

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def policy_user(self):
        # The account does not exist yet: check against the data it will hold.
        return User(phone=self.phone, email=self.cleaned_data.get("email") or None)


class ForgotForm(forms.Form):
    login = forms.CharField(
        label=_("Телефон, электронная почта или СНИЛС"),
        max_length=254,
        help_text=_("Телефон или адрес почты, привязанный к учётной записи."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={
            "required": _("Укажите телефон или электронную почту."),
            "max_length": _("Не длиннее %(limit_value)s символов."),
        },
    )


class PasswordChangeForm(NewPasswordForm):
    current_password = _password_field(
        _("Текущий пароль"),
        autocomplete="current-password",
        required_message=_("Введите текущий пароль."),
    )

    field_order = ["current_password", "password1", "password2"]

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Текущий пароль введён неверно."), code="wrong_password")
        return password

    def clean(self):
        cleaned = super().clean()
        current, new = cleaned.get("current_password"), cleaned.get("password1")
        if current and new and current == new and "password1" not in self.errors:
            self.add_error("password1", _("Новый пароль должен отличаться от текущего."))
        return cleaned

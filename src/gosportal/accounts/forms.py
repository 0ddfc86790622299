from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    """Login (phone or e-mail) and password. One neutral message for every failure (AUTH-1)."""

    login = forms.CharField(
        label=_("Телефон или электронная почта"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={"required": _("Укажите телефон или электронную почту.")},
    )
    password = forms.CharField(
        label=_("Пароль"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Введите пароль.")},
    )

    error_messages = {"invalid_login": _("Неверный логин или пароль.")}

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        login, password = cleaned.get("login"), cleaned.get("password")
        if login and password:
            self.user = authenticate(self.request, username=login, password=password)
            if self.user is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
        return cleaned


class ReauthForm(forms.Form):
    """«Подтвердите, что это вы»: the current password of the signed-in user."""

    password = forms.CharField(
        label=_("Пароль"),
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Введите пароль.")},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Неверный пароль."), code="wrong_password")
        return password

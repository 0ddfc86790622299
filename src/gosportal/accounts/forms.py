from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.accounts import captcha


class AnswerInput(forms.TextInput):
    """A text input that never shows back what was typed (a used CAPTCHA answer)."""

    def format_value(self, value):
        return None


class LoginForm(forms.Form):
    """Login (phone or e-mail) and password; after failed attempts also the CAPTCHA
    answer (AUTH-5). The password itself is checked by ``signin.password_step``."""

    login = forms.CharField(
        label=_("Телефон, электронная почта или СНИЛС"),
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
    captcha = forms.CharField(
        label=_("Проверка «я не робот»: цифры с картинки или ответ на вопрос"),
        max_length=40,
        widget=AnswerInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Введите цифры с картинки или ответ на вопрос.")},
    )

    def __init__(self, request=None, *args, captcha_required: bool = False, **kwargs):
        self.request = request
        self.captcha_required = captcha_required
        super().__init__(*args, **kwargs)
        self._captcha_field = self.fields.pop("captcha")
        if captcha_required:
            self.demand_captcha()

    def demand_captcha(self) -> None:
        """Show the CAPTCHA from now on (e.g. after this attempt reached the threshold)."""
        self.fields["captcha"] = self._captcha_field

    def clean_captcha(self):
        answer = self.cleaned_data["captcha"]
        if not captcha.verify(self.request, answer):
            raise forms.ValidationError(
                _("Ответ на проверку «я не робот» неверный. Попробуйте ещё раз."),
                code="captcha",
            )
        return answer


class ReauthForm(forms.Form):
    """«Подтвердите, что это вы»: the current password of the signed-in user, or (AUTH-7)
    a code from their authenticator app when they have one."""

    password = forms.CharField(
        label=_("Пароль"),
        strip=False,
        max_length=256,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Или код из приложения-аутентификатора"),
        max_length=64,
        required=False,
        widget=AnswerInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, user, *args, **kwargs):
        from gosportal.accounts.models import Authenticator

        self.user = user
        super().__init__(*args, **kwargs)
        self.totp = user.authenticators.filter(kind=Authenticator.Kind.TOTP).first()
        if self.totp is None:
            del self.fields["code"]

    def clean(self):
        from gosportal.accounts import mfa
        from gosportal.core.errors import DomainError

        cleaned = super().clean()
        password, code = cleaned.get("password"), (cleaned.get("code") or "").strip()
        if password:
            if not self.user.check_password(password):
                self.add_error("password", forms.ValidationError(_("Неверный пароль.")))
        elif code and self.totp is not None:
            try:
                mfa.verify_totp(authenticator=self.totp, code=code)
            except DomainError as error:
                self.add_error("code", str(error.message))
        elif not self.has_error("password") and not self.has_error("code"):
            self.add_error("password", forms.ValidationError(_("Введите пароль.")))
        return cleaned

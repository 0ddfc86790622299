"""Forms of «Настройки профиля» (PROF-6) and of the consents page (PROF-5)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gosportal.profiles.models import Consent
from gosportal.profiles.preferences import DATE_FORMATS, TIME_ZONES


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Язык интерфейса"),
        choices=settings.LANGUAGES,
        error_messages={
            "required": _("Выберите язык."),
            "invalid_choice": _("Выберите язык из списка."),
        },
    )
    time_zone = forms.ChoiceField(
        label=_("Часовой пояс"),
        choices=TIME_ZONES,
        help_text=_("Время на портале показывается в этом часовом поясе."),
        error_messages={
            "required": _("Выберите часовой пояс."),
            "invalid_choice": _("Выберите часовой пояс из списка."),
        },
    )
    date_format = forms.ChoiceField(
        label=_("Формат даты"),
        choices=DATE_FORMATS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Выберите формат даты."),
            "invalid_choice": _("Выберите формат даты из списка."),
        },
    )
    large_text = forms.BooleanField(label=_("Крупный текст"), required=False)
    high_contrast = forms.BooleanField(label=_("Высокий контраст"), required=False)


class GrantConsentForm(forms.Form):
    scope = forms.ChoiceField(
        choices=Consent.Scope.choices,
        error_messages={
            "required": _("Не указано, какое согласие дать."),
            "invalid_choice": _("Такого согласия нет."),
        },
    )


class RevokeConsentForm(forms.Form):
    consent = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": _("Не указано, какое согласие отозвать."),
            "invalid": _("Не указано, какое согласие отозвать."),
            "min_value": _("Не указано, какое согласие отозвать."),
        },
    )
    confirm = forms.BooleanField(
        label=_("Я понимаю, что услуги, для которых нужно это согласие, станут недоступны"),
        required=False,
    )

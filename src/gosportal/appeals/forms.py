"""Forms of appeals (APP-9): the applicant's appeal and the agency's decision. They keep
what was typed; the services check every rule again and name the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.appeals import services


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the list goes to the service unchecked (it checks)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [item for item in data if item]
        return [data] if data else []


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Причина несогласия"),
        help_text=_("Опишите, с чем в решении вы не согласны и почему: от 20 до 5000 символов."),
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Причина несогласия: опишите, с чем в решении вы не согласны."),
            "max_length": _("Причина несогласия: не больше %(limit_value)d символов."),
        },
    )
    files = MultipleFileField(
        label=_("Подтверждающие документы"),
        required=False,
        help_text=_(
            "Копии заявлений, выписок, переписки: PDF, JPEG, PNG, DOC или DOCX, "
            "до 10 МБ каждый, не больше 10 файлов."
        ),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.doc,.docx"}),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Решение"),
        choices=[
            (services.UPHOLD, _("Удовлетворить: вернуть заявление на повторное рассмотрение")),
            (services.DISMISS, _("Отклонить: оставить отказ в силе")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Решение: выберите «Удовлетворить» или «Отклонить»."),
            "invalid_choice": _("Решение: выберите «Удовлетворить» или «Отклонить»."),
        },
    )
    decision = forms.CharField(
        label=_("Обоснование решения"),
        help_text=_("Заявитель увидит его в истории заявления и в уведомлении."),
        max_length=services.DECISION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _(
                "Обоснование решения: изложите, почему жалоба удовлетворена или отклонена."
            ),
            "max_length": _("Обоснование решения: не больше %(limit_value)d символов."),
        },
    )

"""Forms of the agency's application desk (OFF-2, OFF-3): the queue filter and the
decisions. The services check the same rules again; the forms only keep what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.applications.models import Status
from gosportal.applications.services import CLARIFICATION_MAX_DAYS

ASSIGNED_CHOICES = [
    ("", _("Все")),
    ("me", _("Мне")),
    ("none", _("Без исполнителя")),
]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Статус"),
        required=False,
        choices=[("", _("Все"))] + [c for c in Status.choices if c[0] != Status.DRAFT],
    )
    service = forms.TypedChoiceField(
        label=_("Услуга"), required=False, coerce=int, empty_value=None
    )
    assigned = forms.ChoiceField(label=_("Исполнитель"), required=False, choices=ASSIGNED_CHOICES)
    overdue = forms.BooleanField(label=_("Только просроченные"), required=False)
    clarification_expired = forms.BooleanField(
        label=_("Срок ответа на уточнение истёк"), required=False
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Все"))] + [
            (str(pk), title) for pk, title in services
        ]


class ClarificationForm(forms.Form):
    comment = forms.CharField(
        label=_("Что уточнить"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Что уточнить: опишите, что нужно исправить.")},
    )
    days = forms.IntegerField(
        label=_("Срок ответа, рабочих дней"),
        min_value=1,
        max_value=CLARIFICATION_MAX_DAYS,
        initial=5,
        error_messages={
            "required": _("Срок ответа: укажите число рабочих дней."),
            "invalid": _("Срок ответа: укажите целое число рабочих дней."),
            "min_value": _("Срок ответа: не меньше 1 рабочего дня."),
            "max_value": _("Срок ответа: не больше %(limit_value)s рабочих дней."),
        },
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Причина отказа"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Причина отказа: укажите причину.")},
    )


class AssignForm(forms.Form):
    officer = forms.TypedChoiceField(
        label=_("Исполнитель"),
        coerce=int,
        error_messages={
            "required": _("Исполнитель: выберите сотрудника."),
            "invalid_choice": _("Исполнитель: выберите сотрудника вашего ведомства."),
        },
    )

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "—")] + [
            (
                officer.pk,
                f"{officer.user.display_name or officer.staff_number} — {officer.position}",
            )
            for officer in officers
        ]


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Комментарий к решению"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Необязательно. Войдёт в документ с решением и будет виден заявителю."),
        error_messages={"max_length": _("Комментарий к решению: не больше 2000 символов.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve_%s")  # several decision forms on one page
        super().__init__(*args, **kwargs)


class ReadyForm(forms.Form):
    comment = forms.CharField(
        label=_("Где и как получить результат"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Адрес, часы работы, что взять с собой. Заявитель увидит это в заявлении."),
        error_messages={
            "required": _(
                "Где и как получить результат: укажите адрес, часы работы и что взять с собой."
            ),
            "max_length": _("Где и как получить результат: не больше 2000 символов."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "ready_%s")  # several decision forms on one page
        super().__init__(*args, **kwargs)


class CompleteForm(forms.Form):
    comment = forms.CharField(
        label=_("Комментарий при завершении"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Комментарий: не больше 2000 символов.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "complete_%s")  # several decision forms on one page
        super().__init__(*args, **kwargs)

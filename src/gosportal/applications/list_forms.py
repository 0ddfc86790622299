"""The filters of «Мои заявления» (APP-5); invalid values are ignored, never a 500."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.applications import selectors
from gosportal.applications.models import Status


class ListFilterForm(forms.Form):
    tab = forms.ChoiceField(
        choices=[("active", ""), ("finished", ""), ("drafts", "")],
        required=False,
        widget=forms.HiddenInput,
    )
    q = forms.CharField(label=_("Номер или название услуги"), required=False, max_length=100)
    service = forms.TypedChoiceField(label=_("Услуга"), required=False, coerce=int)
    status = forms.ChoiceField(label=_("Статус"), required=False)
    date_from = forms.DateField(
        label=_("Подано с"),
        required=False,
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Введите дату в формате ДД.ММ.ГГГГ.")},
    )
    date_to = forms.DateField(
        label=_("Подано по"),
        required=False,
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Введите дату в формате ДД.ММ.ГГГГ.")},
    )
    sort = forms.ChoiceField(
        label=_("Сортировка"),
        required=False,
        choices=[
            ("new", _("Сначала новые")),
            ("old", _("Сначала старые")),
            ("status", _("По статусу")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [
            ("", _("Все услуги")),
            *selectors.services_applied_for(user),
        ]
        self.fields["status"].choices = [("", _("Все статусы")), *Status.choices]

    def clean(self):
        cleaned = super().clean()
        for name in list(self.errors):
            cleaned[name] = self.fields[name].initial  # ignore the bad value, keep the rest
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Дата «по» раньше даты «с»."))
            cleaned["date_to"] = None
        return cleaned

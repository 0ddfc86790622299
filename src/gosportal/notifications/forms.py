"""Forms of the notification pages: inbox filters and the preferences matrix (NOT-2)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.account_forms import code_field
from gosportal.notifications.types import EVENT_TYPE_CHOICES, EVENT_TYPES, USER_CHANNELS, Frequency


class InboxFilterForm(forms.Form):
    unread = forms.BooleanField(label=_("Только непрочитанные"), required=False)
    type = forms.ChoiceField(
        label=_("Тип"), required=False, choices=[("", _("Все типы")), *EVENT_TYPE_CHOICES]
    )


class PreferencesForm(forms.Form):
    """One checkbox per (event type, channel), a frequency per non-critical type, quiet hours."""

    quiet_start = forms.TimeField(
        label=_("Тихие часы: с"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        label=_("Тихие часы: до"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, choices=None, quiet=None, contacts=frozenset(), **kwargs):
        initial = {}
        for key, choice in (choices or {}).items():
            for channel in USER_CHANNELS:
                initial[f"{key}__{channel.value}"] = channel.value in choice.channels
            initial[f"{key}__frequency"] = choice.frequency
        if quiet is not None:
            initial["quiet_start"], initial["quiet_end"] = quiet.start, quiet.end
        super().__init__(*args, initial=initial, **kwargs)
        self.rows = []
        for key, etype in EVENT_TYPES.items():
            cells = []
            for channel in USER_CHANNELS:
                name = f"{key}__{channel.value}"
                self.fields[name] = forms.BooleanField(
                    label=f"{etype.title}: {channel.label}", required=False
                )
                cells.append(
                    {
                        "field": self[name],
                        "available": channel.value in contacts,
                        "channel": channel,
                    }
                )
            frequency = None
            if not etype.critical:
                name = f"{key}__frequency"
                self.fields[name] = forms.ChoiceField(
                    label=_("%(type)s: частота") % {"type": etype.title},
                    choices=Frequency.choices,
                )
                frequency = self[name]
            self.rows.append({"type": etype, "cells": cells, "frequency": frequency})

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "matrix": {
                key: {c.value for c in USER_CHANNELS if data.get(f"{key}__{c.value}")}
                for key in EVENT_TYPES
            },
            "frequencies": {
                key: data[f"{key}__frequency"] for key in EVENT_TYPES if f"{key}__frequency" in data
            },
            "quiet_start": data.get("quiet_start"),
            "quiet_end": data.get("quiet_end"),
        }

    def add_domain_error(self, error) -> None:
        """Errors on ``<type>__channels`` go on the type's first checkbox."""
        field = error.field or ""
        if field.endswith("__channels"):
            field = field.replace("__channels", f"__{USER_CHANNELS[0].value}")
        self.add_error(field if field in self.fields else None, str(error.message))


class CodeForm(forms.Form):
    code = code_field(_("Код из сообщения"))

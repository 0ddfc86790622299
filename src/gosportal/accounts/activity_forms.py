"""Forms of the account-activity pages: history filter (AUTH-8), IP allow-list (AUTH-10)."""

import ipaddress

from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.accounts.models import LoginEvent
from gosportal.accounts.signin import MAX_ALLOWLIST_ENTRIES

FAILED = "failed"
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
DATE_ERROR = _("Укажите дату в формате ДД.ММ.ГГГГ, например 31.12.2025.")


class HistoryFilterForm(forms.Form):
    """«История входов» filter: a period in the user's zone and the result."""

    date_from = forms.DateField(
        label=_("С даты"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )
    date_to = forms.DateField(
        label=_("По дату"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": DATE_ERROR},
    )
    result = forms.ChoiceField(
        label=_("Результат"),
        required=False,
        choices=[("", _("Все")), (FAILED, _("Все неудачные")), *LoginEvent.Result.choices],
        error_messages={"invalid_choice": _("Выберите результат из списка.")},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Дата «по» не может быть раньше даты «с»."))
        return cleaned


class IpAllowlistForm(forms.Form):
    """Addresses or networks allowed to sign in, one a line (AUTH-10)."""

    networks = forms.CharField(
        label=_("Разрешённые адреса и подсети"),
        help_text=_(
            "По одному в строке, например 203.0.113.7 или 203.0.113.0/24. "
            "Оставьте поле пустым, чтобы входить с любого адреса."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        error_messages={"max_length": _("Список слишком длинный.")},
    )
    confirm_lockout = forms.BooleanField(
        label=_("Я понимаю, что не смогу войти с текущего адреса"), required=False
    )

    def __init__(self, *args, current_ip: str | None, **kwargs):
        self.current_ip = current_ip
        super().__init__(*args, **kwargs)

    def clean_networks(self) -> list[str]:
        networks = []
        for number, line in enumerate(self.cleaned_data["networks"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            try:
                network = ipaddress.ip_network(line, strict=False)
            except ValueError:
                raise forms.ValidationError(
                    _("Строка %(number)s: «%(line)s» — это не IP-адрес и не подсеть."),
                    code="invalid_network",
                    params={"number": number, "line": line[:60]},
                ) from None
            text = str(network.network_address) if network.num_addresses == 1 else str(network)
            if text not in networks:
                networks.append(text)
        if len(networks) > MAX_ALLOWLIST_ENTRIES:
            raise forms.ValidationError(
                _("Не больше %(max)s адресов и подсетей."),
                code="too_many",
                params={"max": MAX_ALLOWLIST_ENTRIES},
            )
        return networks

    def clean(self):
        cleaned = super().clean()
        networks = cleaned.get("networks")
        if networks and not cleaned.get("confirm_lockout") and not self._includes_current(networks):
            self.add_error(
                "confirm_lockout",
                _(
                    "Текущий адрес %(ip)s не входит в список: после выхода вы не сможете войти "
                    "с него. Исправьте список или отметьте это поле."
                )
                % {"ip": self.current_ip or "?"},
            )
        return cleaned

    def _includes_current(self, networks: list[str]) -> bool:
        try:
            address = ipaddress.ip_address(self.current_ip or "")
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(n, strict=False) for n in networks)

"""Forms of the catalogue pages: the search and filter form (CAT-1)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gosportal.catalog.models import Service
from gosportal.catalog.regions import REGIONS
from gosportal.catalog.search import MAX_QUERY_LENGTH
from gosportal.catalog.selectors import category_choices

ANY = ("", _("Любой"))


class FilterForm(forms.Form):
    """GET form of the search and category pages; a bad value is ignored, never a 500."""

    q = forms.CharField(
        label=_("Что вы ищете"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("Не более %(limit_value)d символов.")},
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Например, паспорт")}),
    )
    category = forms.ChoiceField(label=_("Категория"), required=False)
    applicant = forms.ChoiceField(
        label=_("Кто подаёт"),
        required=False,
        choices=[
            ANY,
            ("individual", _("Физическое лицо")),
            ("entrepreneur", _("Индивидуальный предприниматель")),
            ("organization", _("Юридическое лицо")),
        ],
    )
    service_type = forms.ChoiceField(
        label=_("Тип услуги"), required=False, choices=[ANY, *Service.Type.choices]
    )
    region = forms.ChoiceField(
        label=_("Регион"),
        required=False,
        choices=[("", _("Все регионы")), *sorted(REGIONS.items(), key=lambda i: str(i[1]))],
    )
    availability = forms.ChoiceField(
        label=_("Доступность"), required=False, choices=[ANY, *Service.Availability.choices]
    )
    price = forms.ChoiceField(
        label=_("Стоимость"),
        required=False,
        choices=[ANY, ("free", _("Бесплатно")), ("paid", _("С госпошлиной"))],
    )

    def __init__(self, *args, with_category=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_category:
            self.fields["category"].choices = [
                ("", _("Все категории")),
                *category_choices(),
            ]
        else:
            del self.fields["category"]

    def filters(self) -> dict:
        """The valid filter values (invalid ones are dropped, the form shows why)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data.get(name, "")
            for name in ("applicant", "service_type", "region", "availability", "price")
        }

    @property
    def query(self) -> str:
        self.is_valid()
        value = self.cleaned_data.get("q") if hasattr(self, "cleaned_data") else ""
        if value is None or "q" in self.errors:
            return (self.data.get("q") or "")[:MAX_QUERY_LENGTH]
        return value

"""The application form: the service's definition rendered by ``catalog.form_render``.

Drafts keep the raw input; ``check_complete`` validates it like a submission would
(APP-3): every required, visible field and every mandatory document with a file.
File fields of the definition do not take files themselves: their document's files are
the application's attachments, uploaded per document.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gosportal.catalog.form_render import build_form_class, prefill_initial
from gosportal.catalog.forms_schema import iter_fields

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def file_fields(definition: dict) -> dict[str, str]:
    """{field key: document title} of the definition's file fields."""
    return {
        spec["key"]: spec["document"]
        for _section, spec in iter_fields(definition)
        if spec["type"] == "file"
    }


def raw_input(definition: dict, post) -> dict:
    """The typed values of the definition's fields from a POST, as the draft keeps them."""
    raw = {}
    for _section, spec in iter_fields(definition):
        key = spec["key"]
        if spec["type"] == "file":
            continue
        if spec["type"] == "checkbox":
            raw[key] = key in post and post.get(key) not in ("", "false", "0")
        elif key in post:
            raw[key] = post.get(key, "")
    return raw


def _as_data(definition: dict, raw: dict) -> dict:
    data = {}
    for _section, spec in iter_fields(definition):
        value = raw.get(spec["key"])
        if spec["type"] == "checkbox":
            if value:
                data[spec["key"]] = "on"
        elif value is not None:
            data[spec["key"]] = value
    return data


def form_for(application, *, user, raw: dict | None = None, bound: bool = False):
    """The definition's form: bound to ``raw`` to validate, else pre-filled to show."""
    service = application.service
    definition = service.form_definition
    form_class = build_form_class(definition, documents=service.required_documents)
    stored = application.answers if raw is None else raw
    if bound:
        return form_class(data=_as_data(definition, stored))
    initial = prefill_initial(definition, user)
    dates = {spec["key"] for _section, spec in iter_fields(definition) if spec["type"] == "date"}
    for key, value in stored.items():
        if value in (None, ""):
            continue
        if key in dates and isinstance(value, str) and _ISO_DATE.fullmatch(value):
            value = f"{value[8:10]}.{value[5:7]}.{value[0:4]}"  # as the person types it
        initial[key] = value
    return form_class(initial=initial)


def check_complete(application, *, user, raw: dict):
    """(form, answers): answers are None when something is missing; errors are on the form."""
    form = form_for(application, user=user, raw=raw, bound=True)
    form.is_valid()
    attached = set(application.attachments.values_list("document", flat=True))
    links = file_fields(form.definition)
    for key, document in links.items():
        if key in form.errors and document in attached:
            del form.errors[key]
    visible_documents = {doc for key, doc in links.items() if form.is_visible(key)}
    hidden_only = set(links.values()) - visible_documents
    for document in application.service.required_documents or []:
        title = document["title"]
        if not document.get("mandatory") or title in attached or title in hidden_only:
            continue
        if title in visible_documents:
            continue  # the file field itself carries the error
        form.add_error(
            None,
            ValidationError(
                _("Приложите документ «%(title)s».") % {"title": title}, code="document_missing"
            ),
        )
    if form.errors:
        return form, None
    answers = {k: v for k, v in form.answers().items() if k not in links}
    return form, answers


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Причина отмены (необязательно)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

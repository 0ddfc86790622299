"""Small builders that keep the seed catalogue (``seed_catalogue.py``) readable.

Each returns plain JSON-ready dicts in the form-definition format of
``catalog.forms_schema``; nothing here is used at run time by the pages.
"""


def field(kind: str, key: str, label: str, *, required: bool = True, **extra) -> dict:
    spec = {"key": key, "type": kind, "label": label, "required": required}
    spec.update({k: v for k, v in extra.items() if v is not None})
    return spec


def text(key, label, *, required=True, max_length=None, pattern=None, message=None, **extra):
    rules = {}
    if max_length:
        rules["max_length"] = max_length
    if pattern:
        rules["pattern"] = pattern
        rules["pattern_message"] = message
    return field("text", key, label, required=required, validation=rules or None, **extra)


def date(key, label, *, required=True, not_before=None, not_after=None, **extra):
    rules = {k: v for k, v in (("not_before", not_before), ("not_after", not_after)) if v}
    return field("date", key, label, required=required, validation=rules or None, **extra)


def number(key, label, *, required=True, low=None, high=None, integer=False, **extra):
    rules = {k: v for k, v in (("min", low), ("max", high)) if v is not None}
    if integer:
        rules["integer"] = True
    return field("number", key, label, required=required, validation=rules or None, **extra)


def choice(key, label, options, *, radio=False, required=True, **extra):
    return field(
        "radio" if radio else "select",
        key,
        label,
        required=required,
        options=[{"value": v, "label": t} for v, t in options],
        **extra,
    )


def checkbox(key, label, *, required=False, **extra):
    return field("checkbox", key, label, required=required, **extra)


def attach(key, label, document, *, required=True, **extra):
    return field("file", key, label, required=required, document=document, **extra)


def section(key, title, fields, **extra) -> dict:
    spec = {"key": key, "title": title, "fields": fields}
    spec.update({k: v for k, v in extra.items() if v is not None})
    return spec


def form(*sections) -> dict:
    return {"version": 1, "sections": list(sections)}


def document(title, *, mandatory=True, formats=("pdf", "jpeg", "png"), note=None) -> dict:
    spec = {"title": title, "mandatory": mandatory, "formats": list(formats)}
    if note:
        spec["note"] = note
    return spec


# --- sections many services share ------------------------------------------------------


def applicant(*, passport=True, address=True, inn=False, birth_date=True) -> dict:
    """«Сведения о заявителе», pre-filled from the profile (APP-1)."""
    fields = [
        text("last_name", "Фамилия", max_length=100, prefill="last_name"),
        text("first_name", "Имя", max_length=100, prefill="first_name"),
        text(
            "middle_name",
            "Отчество",
            required=False,
            max_length=100,
            prefill="middle_name",
            help="Если есть.",
        ),
    ]
    if birth_date:
        fields.append(
            date(
                "birth_date",
                "Дата рождения",
                not_before="1900-01-01",
                not_after="today",
                prefill="birth_date",
            )
        )
    fields.append(field("snils", "snils", "СНИЛС", prefill="snils"))
    if inn:
        fields.append(field("inn", "inn", "ИНН", prefill="inn"))
    if passport:
        fields.append(
            field(
                "passport",
                "passport",
                "Серия и номер паспорта",
                prefill="passport_number",
                help="10 цифр, например 45 08 123456.",
            )
        )
    if address:
        fields.append(
            field(
                "address",
                "registration_address",
                "Адрес регистрации",
                prefill="registration_address",
            )
        )
    fields.extend(
        [
            field("phone", "phone", "Мобильный телефон", prefill="phone"),
            field("email", "email", "Электронная почта", required=False, prefill="email"),
        ]
    )
    return section("applicant", "Сведения о заявителе", fields)


def confirmation(extra_fields=()) -> dict:
    return section(
        "confirmation",
        "Подтверждение",
        [
            *extra_fields,
            checkbox(
                "data_correct",
                "Подтверждаю, что сведения достоверны, и согласен на их проверку",
                required=True,
            ),
        ],
    )


NAME_PATTERN = r"^[А-ЯЁа-яё]+(?:[ -][А-ЯЁа-яё]+)*$"
NAME_MESSAGE = "Только русские буквы, пробел или дефис."
VIN_PATTERN = r"^[A-HJ-NPR-Z0-9]{17}$"
VIN_MESSAGE = "VIN — 17 латинских букв и цифр, без букв I, O и Q."
ACCOUNT_PATTERN = r"^[0-9]{20}$"
ACCOUNT_MESSAGE = "Номер счёта — 20 цифр без пробелов."
BIK_PATTERN = r"^04[0-9]{7}$"
BIK_MESSAGE = "БИК — 9 цифр, начинается с 04."

"""Model fields stored encrypted at rest (SEC-2).

The column holds ciphertext; Python code sees plain values. Because encryption is
randomised, the database cannot compare values: lookups other than ``isnull`` are
refused, and exact searches go through a blind-index column kept beside the field.
"""

import datetime

from django.core.exceptions import FieldError
from django.db import models

from gosportal.core import crypto


class EncryptedMixin:
    """Encrypts on the way to the database and decrypts on the way back."""

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def to_plain(self, value) -> str:
        return str(value)

    def from_plain(self, text: str):
        return text

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_plain(crypto.decrypt(value, context=self.context()))

    def to_python(self, value):
        if value is None or not isinstance(value, str):
            return value
        return self.from_plain(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return None if self.null else crypto.encrypt("", context=self.context())
        return crypto.encrypt(self.to_plain(value), context=self.context())

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted; search it through its blind index, not '{lookup_name}'."
            )
        return super().get_lookup(lookup_name)


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text (names, addresses, document numbers)."""


class EncryptedCharField(EncryptedMixin, models.CharField):
    """Short text with a maximum length checked by forms; stored as text."""

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def check(self, **kwargs):
        return [e for e in super().check(**kwargs) if e.id != "fields.E120"]


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date (e.g. birth date) stored as encrypted ISO text."""

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def to_plain(self, value) -> str:
        return value.isoformat()

    def from_plain(self, text: str):
        return datetime.date.fromisoformat(text) if text else None

    def to_python(self, value):
        if isinstance(value, str):
            return models.DateField.to_python(self, value)
        return value

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        value = models.DateField.to_python(self, value)
        return crypto.encrypt(value.isoformat(), context=self.context())


def encrypted_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]

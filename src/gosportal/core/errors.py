"""Errors that services raise and people read.

A service never returns an error code: it raises a ``DomainError`` subclass with a
translatable message and, where the error belongs to one input, the field's name.
Views turn them into form errors or error pages, the API into 4xx JSON.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refusal the user can read. ``status`` is the HTTP status it maps to."""

    status = 400
    default_message = _("Запрос не может быть выполнен.")

    def __init__(self, message=None, *, field: str | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        self.code = code or self.__class__.__name__
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(DomainError):
    status = 400
    default_message = _("Проверьте введённые данные.")


class Forbidden(DomainError):
    status = 403
    default_message = _("Недостаточно прав для этого действия.")


class NotFound(DomainError):
    status = 404
    default_message = _("Не найдено.")


class Conflict(DomainError):
    status = 409
    default_message = _("Действие невозможно в текущем состоянии.")


class RateLimited(DomainError):
    status = 429
    default_message = _("Слишком много попыток. Повторите позже.")

    def __init__(self, message=None, *, retry_after: int | None = None, **kwargs):
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class ServiceUnavailable(DomainError):
    status = 503
    default_message = _("Сервис временно недоступен. Повторите попытку позже.")


def add_to_form(form, error: DomainError) -> None:
    """Put a domain error on the form: on its field when the form has it, else on top."""
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, str(error.message))

"""How the API answers errors: the same readable message as the pages, as JSON."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as NinjaValidationError

from gosportal.core.errors import DomainError, RateLimited


class FieldErrorOut(Schema):
    field: str | None
    detail: str


class ErrorOut(Schema):
    """Every 4xx answer: a readable Russian ``detail``, a machine ``code`` (the
    ``DomainError`` class name), the ``field`` at fault when there is one, and for
    malformed parameters the list of ``errors``."""

    detail: str
    code: str
    field: str | None = None
    errors: list[FieldErrorOut] | None = None


# The error answer every operation documents beside its 200 (``response={200: ...,
# **ERROR_RESPONSES}``): malformed or refused input. An operation that can also answer
# 403, 404, 409, 429 or 503 (the other ``DomainError`` statuses) documents those too.
ERROR_RESPONSES = {400: ErrorOut}


def domain_error_response(api: NinjaAPI, request: HttpRequest, exc: DomainError):
    body = {"detail": str(exc.message), "code": exc.code}
    if exc.field:
        body["field"] = exc.field
    response = api.create_response(request, body, status=exc.status)
    if isinstance(exc, RateLimited) and exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


def validation_error_response(api: NinjaAPI, request: HttpRequest, exc: NinjaValidationError):
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", [])[1:]) or None,
            "detail": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    return api.create_response(
        request,
        {"detail": _("Проверьте параметры запроса."), "code": "InvalidInput", "errors": errors},
        status=400,
    )


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(DomainError, lambda r, e: domain_error_response(api, r, e))
    api.add_exception_handler(
        NinjaValidationError, lambda r, e: validation_error_response(api, r, e)
    )

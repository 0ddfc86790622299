"""Request context (request id, address, actor) and the mapping of domain errors to pages."""

import logging
import re
import uuid

from django.shortcuts import render

from gosportal.core import context
from gosportal.core.errors import DomainError, RateLimited
from gosportal.core.net import client_ip

logger = logging.getLogger("gosportal.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when well-formed) and a context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        request.client_ip = client_ip(request)
        token = context.set_context(
            context.RequestContext(
                request_id=request_id,
                ip=request.client_ip,
                user_agent=request.headers.get("User-Agent", "")[:300],
            )
        )
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"status": response.status_code, "method": request.method},
            )
            return response
        finally:
            context.reset_context(token)


class AuditContextUserMiddleware:
    """After authentication: put the signed-in user into the request context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context.update_context(actor_id=user.pk)
        return self.get_response(request)


class DomainErrorMiddleware:
    """A DomainError that escapes a view becomes an error page with its status and message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        response = render(
            request,
            "core/domain_error.html",
            {"error": exception, "status": exception.status},
            status=exception.status,
        )
        if isinstance(exception, RateLimited) and exception.retry_after:
            response["Retry-After"] = str(exception.retry_after)
        return response

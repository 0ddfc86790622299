"""Acting for an organisation (APP-11 groundwork, ORG-2): «Войти как ИП …».

The session remembers the organisation's public id. ``ActingAsMiddleware`` (after
authentication) checks on every request that the person still has an active
membership; if so, ``request.acting_organization`` is set and the request context's
``acting_for_id`` makes every audit row written meanwhile name the organisation. If
the membership ended, the session key is dropped and the person acts as themselves.
"""

from django.utils.functional import SimpleLazyObject

from gosportal.core import audit, context
from gosportal.core.errors import NotFound
from gosportal.organizations.models import Organization
from gosportal.organizations.selectors import (
    ACTING_SESSION_KEY,
    acting_organization,
    organization_for,
    organizations_of,
)


def act_as(request, *, public_id) -> Organization:
    """Start acting for the person's organisation ``public_id``; NotFound if not theirs."""
    organization = organization_for(request.user, public_id)
    if organization is None:
        raise NotFound()
    request.session[ACTING_SESSION_KEY] = str(organization.public_id)
    request.acting_organization = organization
    context.update_context(acting_for_id=organization.pk)
    audit.record("organizations.acting_started", obj=organization)
    return organization


def act_as_myself(request) -> None:
    """Stop acting for an organisation; the person acts as themselves again."""
    organization = acting_organization(request)
    if organization is not None:
        audit.record("organizations.acting_ended", obj=organization)
    request.session.pop(ACTING_SESSION_KEY, None)
    request.acting_organization = None
    context.update_context(acting_for_id=None)


class ActingAsMiddleware:
    """After authentication: whose behalf the person acts on, checked on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        organization = acting_organization(request)
        if organization is not None:
            context.update_context(acting_for_id=organization.pk)
        return self.get_response(request)


def menu(request) -> dict:
    """Template context processor: ``acting_organization`` and ``my_organizations``.

    The person's organisations are read only when a page shows the menu.
    """
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "acting_organization": acting_organization(request),
        "my_organizations": SimpleLazyObject(lambda: list(organizations_of(request.user))),
    }

"""Acting for an organisation (APP-11 groundwork, ORG-2): «Войти как ИП …».

The session remembers the organisation's public id. ``ActingAsMiddleware`` (after
authentication) checks on every request that the person still has an active
membership; if so, ``request.acting_organization`` is set and the request context's
``acting_for_id`` makes every audit row written meanwhile name the organisation. If
the membership ended, the session key is dropped and the person acts as themselves.

The account menu's «Войти как …» list is kept in the session too: written at sign-in
and whenever the person's organisations change in this session (adding one, switching,
opening «Организации»), so no page reads memberships just to draw the header.
"""

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

from gosportal.core import audit, context
from gosportal.core.errors import NotFound
from gosportal.organizations.models import Organization
from gosportal.organizations.selectors import (
    ACTING_SESSION_KEY,
    MENU_SESSION_KEY,
    acting_organization,
    organization_for,
    organizations_of,
)


@dataclass(frozen=True)
class MenuEntry:
    """One organisation as the account menu shows it."""

    public_id: str
    full_name: str


def remember_menu(session, organizations) -> None:
    """Store the organisations the person acts for as the menu lists them."""
    session[MENU_SESSION_KEY] = [[str(o.public_id), o.full_name] for o in organizations]


def refresh_menu(request) -> None:
    """Read the person's organisations again into the session's menu."""
    remember_menu(request.session, organizations_of(request.user))


def remember_menu_at_sign_in(sender, request, user, **kwargs) -> None:
    """On sign-in (``user_logged_in``): the menu of the session opened."""
    if request is not None and hasattr(request, "session"):
        remember_menu(request.session, organizations_of(user))


def menu_entries(request) -> list[MenuEntry]:
    """The session's menu; a session opened before menus were kept reads it once."""
    if MENU_SESSION_KEY not in request.session:
        refresh_menu(request)
    return [MenuEntry(public_id, name) for public_id, name in request.session[MENU_SESSION_KEY]]


def act_as(request, *, public_id) -> Organization:
    """Start acting for the person's organisation ``public_id``; NotFound if not theirs
    (the menu is read again then: it named an organisation the person left)."""
    organization = organization_for(request.user, public_id)
    if organization is None:
        refresh_menu(request)
        raise NotFound()
    request.session[ACTING_SESSION_KEY] = str(organization.public_id)
    refresh_menu(request)
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
    refresh_menu(request)
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

    The acting organisation is re-checked (one query) only while the person acts for
    one; the list of organisations comes from the session.
    """
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "acting_organization": acting_organization(request),
        "my_organizations": SimpleLazyObject(lambda: menu_entries(request)),
    }
